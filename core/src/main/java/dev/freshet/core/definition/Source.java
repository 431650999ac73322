package dev.freshet.core.definition;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A stream of raw events: the Kafka topic they arrive on, their encoding, the field holding
 * event time, their schema (which includes the timestamp field), and what the Kafka record key
 * of a raw record means.
 */
public record Source(String name, String topic, SourceFormat format, String timestampField, Schema schema, RecordKey recordKey) {

    public Source {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(timestampField, "timestampField");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(recordKey, "recordKey");
    }

    /** A source whose raw record keys are ignored. */
    public Source(String name, String topic, SourceFormat format, String timestampField, Schema schema) {
        this(name, topic, format, timestampField, schema, RecordKey.IGNORE);
    }

    /** What the Kafka record key of a raw record is taken to be ({@code record_key} in YAML). */
    public enum RecordKey {
        /** The key is ignored; the entity key comes from the join key field of the JSON object. */
        IGNORE,
        /**
         * The key (UTF-8) is the entity key: it fills the join key field when the object lacks it,
         * and a record whose key and field disagree is dead-lettered.
         */
        ENTITY_KEY;

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<RecordKey> parse(String name) {
            for (RecordKey k : values()) {
                if (name != null && k.yamlName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }
}
