package dev.freshet.core.definition;

import java.util.Objects;

/**
 * A stream of raw events: the Kafka topic they arrive on, their encoding, the field holding
 * event time, and their schema (which includes the timestamp field).
 */
public record Source(String name, String topic, SourceFormat format, String timestampField, Schema schema) {

    public Source {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(timestampField, "timestampField");
        Objects.requireNonNull(schema, "schema");
    }
}
