package dev.freshet.core.definition;

import java.util.Objects;

/**
 * One thing wrong with a set of definitions or a configuration.
 *
 * @param path  where, in the YAML layout ({@code feature_views[0].features[2].window})
 * @param value the offending value as written, or null when the problem is a missing value
 * @param rule  what the value breaks, phrased to follow the value ({@code "is not a multiple of the tile 1m"})
 */
public record Problem(String path, String value, String rule) {

    public Problem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(rule, "rule");
    }

    /** {@code path: "value" rule}, or {@code path: rule} when there is no value. */
    public String describe() {
        return value == null ? path + ": " + rule : path + ": \"" + value + "\" " + rule;
    }
}
