package dev.freshet.core.definition;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The type of a source field, as written in a source's {@code schema}. */
public enum FieldType {
    /** UTF-8 text. */
    STRING("string"),
    /** 64-bit signed integer ({@code long}; {@code int} and {@code int64} are accepted as aliases). */
    LONG("long"),
    /** 64-bit IEEE 754 floating point ({@code double}; {@code float} and {@code float64} are aliases). */
    DOUBLE("double"),
    /** {@code true} or {@code false} ({@code bool} is an alias). */
    BOOLEAN("boolean"),
    /** An instant in epoch milliseconds; in JSON either a number of milliseconds or an ISO-8601 string. */
    TIMESTAMP("timestamp");

    private final String yamlName;

    FieldType(String yamlName) {
        this.yamlName = yamlName;
    }

    /** The name used in {@code freshet.yaml}. */
    public String yamlName() {
        return yamlName;
    }

    /** True for the types whose values are numbers: long, double and timestamp. */
    public boolean isNumeric() {
        return this == LONG || this == DOUBLE || this == TIMESTAMP;
    }

    /** Parses a YAML type name, case-insensitively, accepting the documented aliases. */
    public static Optional<FieldType> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "string", "str" -> Optional.of(STRING);
            case "long", "int", "int64", "int32", "integer" -> Optional.of(LONG);
            case "double", "float", "float64", "float32" -> Optional.of(DOUBLE);
            case "boolean", "bool" -> Optional.of(BOOLEAN);
            case "timestamp" -> Optional.of(TIMESTAMP);
            default -> Optional.empty();
        };
    }

    /** The canonical names, for error messages. */
    public static String names() {
        return Arrays.stream(values()).map(FieldType::yamlName).collect(Collectors.joining(", "));
    }
}
