package dev.freshet.core.definition;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The aggregate functions a feature may compute. Null field values are skipped by every function
 * (as in SQL); {@code count} without a field counts events.
 */
public enum AggregationFunction {
    /** Number of events (no field), or of events whose field is not null. Result: long, 0 when empty. */
    COUNT("count"),
    /** Sum of a numeric field. Result: double, 0 when empty. */
    SUM("sum"),
    /** Smallest value of a numeric field. Result: the field's type, null when empty. */
    MIN("min"),
    /** Largest value of a numeric field. Result: the field's type, null when empty. */
    MAX("max"),
    /** Arithmetic mean of a numeric field. Result: double, null when empty. */
    AVG("avg"),
    /** The value of the latest event (ties in time: the later one in the log). Any type; null when empty. */
    LAST("last"),
    /** The value of the earliest event (ties in time: the earlier one in the log). Any type; null when empty. */
    FIRST("first"),
    /** Approximate number of distinct values (HyperLogLog, lgK 12, about 1.6 % relative error). Result: long. */
    COUNT_DISTINCT("count_distinct"),
    /** Approximate quantile of a numeric field (KLL sketch, k 200, about 1.7 % rank error); needs {@code quantile}. Result: double. */
    QUANTILE("quantile");

    private final String yamlName;

    AggregationFunction(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }

    /** Whether a {@code field} must be given ({@code count} is the only function that may go without). */
    public boolean requiresField() {
        return this != COUNT;
    }

    /** Whether the function can aggregate values of this type. */
    public boolean accepts(FieldType type) {
        return switch (this) {
            case COUNT, LAST, FIRST, COUNT_DISTINCT -> true;
            case SUM, MIN, MAX, AVG, QUANTILE -> type.isNumeric();
        };
    }

    /** Parses the YAML name ({@code count}, {@code count_distinct}, ...), case-insensitively. */
    public static Optional<AggregationFunction> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.yamlName.equals(n)).findFirst();
    }

    /** The YAML names, for error messages. */
    public static String names() {
        return Arrays.stream(values()).map(AggregationFunction::yamlName).collect(Collectors.joining(", "));
    }
}
