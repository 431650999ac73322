package dev.freshet.core.event;

import dev.freshet.core.error.InvalidInputException;

import java.util.Locale;
import java.util.Objects;

/**
 * A record cannot be decoded into an event of its source. The message says what is wrong and how
 * to fix it; {@link #reason()} classifies the problem for dead-letter headers and metrics, and
 * {@link #field()} names the field concerned, when there is one.
 *
 * <p>Thrown once per bad record, which producers send routinely, so it carries no stack trace
 * (creating one would cost more than decoding the record): the message is the diagnosis.
 */
public final class InvalidEventException extends InvalidInputException {

    /** What is wrong with a record. */
    public enum Reason {
        /** Not valid JSON, content after the object, or a field that appears twice. */
        MALFORMED_JSON,
        /** Valid JSON, but not one object (an array, a string, nothing). */
        NOT_AN_OBJECT,
        /** A field of the schema is absent (the event time field: absent or null). */
        MISSING_FIELD,
        /** A value of the wrong JSON type for its field, or out of the type's range. */
        WRONG_TYPE,
        /** The entity key is absent, null or empty, in the object or (with {@code record_key: entity_key}) in the record key. */
        MISSING_ENTITY_KEY,
        /** A timestamp that is not epoch milliseconds or an ISO-8601 date-time with a zone, or is out of range. */
        BAD_TIMESTAMP,
        /** The record key and the object's key field name different entities. */
        KEY_MISMATCH;

        private final String code = name().toLowerCase(Locale.ROOT);

        /** The snake_case name ({@code malformed_json}) for record headers and metric tags. */
        public String code() {
            return code;
        }
    }

    private final Reason reason;
    private final String field;

    /**
     * @param field the field concerned, or null when the problem is with the record as a whole
     */
    public InvalidEventException(Reason reason, String field, String message) {
        super(message, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.field = field;
    }

    public Reason reason() {
        return reason;
    }

    /** The field concerned, or null when the problem is with the record as a whole. */
    public String field() {
        return field;
    }
}
