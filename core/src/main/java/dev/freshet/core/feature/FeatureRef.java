package dev.freshet.core.feature;

import dev.freshet.core.error.InvalidInputException;

import java.util.Objects;

/** A reference to one feature of one view, written {@code view:feature}. */
public record FeatureRef(String view, String feature) {

    public FeatureRef {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(feature, "feature");
    }

    /**
     * Parses {@code view:feature}.
     *
     * @throws InvalidInputException when the text is not two non-empty names around one colon
     */
    public static FeatureRef parse(String text) {
        if (text == null) {
            throw new InvalidInputException("a feature reference is null (write it as view:feature, e.g. user_activity:clicks_5m)");
        }
        int colon = text.indexOf(':');
        String view = colon < 0 ? "" : text.substring(0, colon).trim();
        String feature = colon < 0 ? "" : text.substring(colon + 1).trim();
        if (view.isEmpty() || feature.isEmpty() || feature.indexOf(':') >= 0) {
            throw new InvalidInputException("\"" + text + "\" is not a feature reference (write it as view:feature, e.g. user_activity:clicks_5m)");
        }
        return new FeatureRef(view, feature);
    }

    @Override
    public String toString() {
        return view + ":" + feature;
    }
}
