package dev.freshet.core.definition;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Features of one entity computed from one source, in tiles of {@code tile} length. Values older
 * than {@code ttl} are reported as outside their maximum age at lookup; a null ttl never expires.
 */
public record FeatureView(String name, String entity, String source, Duration tile, Duration ttl, List<FeatureDefinition> features) {

    public FeatureView {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(tile, "tile");
        features = List.copyOf(Objects.requireNonNull(features, "features"));
    }

    // (loops, not streams: lookups call these per request)
    public Optional<FeatureDefinition> feature(String featureName) {
        for (FeatureDefinition f : features) {
            if (f.name().equals(featureName)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The longest window of the view's features; zero when every feature is a lifetime aggregate. */
    public Duration longestWindow() {
        Duration longest = Duration.ZERO;
        for (FeatureDefinition f : features) {
            if (f.window() != null && f.window().compareTo(longest) > 0) {
                longest = f.window();
            }
        }
        return longest;
    }
}
