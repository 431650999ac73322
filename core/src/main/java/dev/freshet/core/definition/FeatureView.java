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

    public Optional<FeatureDefinition> feature(String featureName) {
        return features.stream().filter(f -> f.name().equals(featureName)).findFirst();
    }

    /** The longest window of the view's features; zero when every feature is a lifetime aggregate. */
    public Duration longestWindow() {
        return features.stream().map(FeatureDefinition::window).filter(Objects::nonNull)
                .max(Duration::compareTo).orElse(Duration.ZERO);
    }
}
