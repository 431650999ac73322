package dev.freshet.core.definition;

import java.util.Locale;
import java.util.Optional;

/** How the records of a source's raw topic are encoded. */
public enum SourceFormat {
    /** One JSON object per Kafka record. */
    JSON;

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SourceFormat> parse(String name) {
        if (name != null && name.trim().equalsIgnoreCase("json")) {
            return Optional.of(JSON);
        }
        return Optional.empty();
    }
}
