package dev.freshet.core.event;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.event.InvalidEventException.Reason;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@link InvalidEventException}s of {@link EventJson}, one method per problem, so that the
 * decoder reads as the rules and every message is worded in one place. Values in messages are
 * quoted, escaped and cut to {@value #QUOTE_LIMIT} characters.
 */
final class DecodeProblems {

    static final int QUOTE_LIMIT = 60;

    private static final String TIMESTAMP_FORMS = "epoch milliseconds as a whole number, or an ISO-8601 string with a zone"
            + " such as \"2026-11-21T10:00:00Z\" or \"2026-11-21T10:00:00.123+01:00\"";

    private DecodeProblems() {
    }

    static InvalidEventException noValue() {
        return new InvalidEventException(Reason.NOT_AN_OBJECT, null,
                "a record must be one JSON object, got no value (a null record, such as a tombstone)");
    }

    /** @param token the first token of the record, null when it has none */
    static InvalidEventException notAnObject(JsonToken token) {
        String got = switch (token) {
            case null -> "nothing (an empty record)";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            case VALUE_NULL -> "null";
            default -> token.asString();
        };
        return new InvalidEventException(Reason.NOT_AN_OBJECT, null,
                "a record must be one JSON object, got " + got + " (send one {...} object per Kafka record)");
    }

    static InvalidEventException malformed(JsonProcessingException e) {
        return new InvalidEventException(Reason.MALFORMED_JSON, null,
                "the record is not valid JSON: " + e.getOriginalMessage() + at(e.getLocation()));
    }

    static InvalidEventException trailingContent(JsonLocation location) {
        return new InvalidEventException(Reason.MALFORMED_JSON, null, "the record is not valid JSON: more content follows the object"
                + at(location) + " (send exactly one object per Kafka record)");
    }

    static InvalidEventException duplicate(String field) {
        return new InvalidEventException(Reason.MALFORMED_JSON, field,
                "field '" + field + "' appears twice in the object (send each field once)");
    }

    /** @param fields the absent fields, in schema order; not empty */
    static InvalidEventException missing(List<String> fields) {
        String message = fields.size() == 1
                ? "field '" + fields.get(0) + "' is missing"
                : "fields " + fields.stream().map(f -> "'" + f + "'").collect(Collectors.joining(", ")) + " are missing";
        return new InvalidEventException(Reason.MISSING_FIELD, fields.get(0), message + " (send null when there is no value)");
    }

    static InvalidEventException missingEventTime(String field, boolean isNull) {
        return new InvalidEventException(Reason.MISSING_FIELD, field, "the event time field '" + field + "' is "
                + (isNull ? "null" : "missing") + " (every record needs one: " + TIMESTAMP_FORMS + ")");
    }

    /** A JSON value of a kind the field never accepts. */
    static InvalidEventException wrongType(Field field, JsonToken token, String text) {
        return new InvalidEventException(Reason.WRONG_TYPE, field.name(), "field '" + field.name() + "' is "
                + field.type().yamlName() + ", got " + describe(token, text) + " (" + expected(field.type()) + ")");
    }

    /** An integer beyond a long field's range, or a number beyond a double's. */
    static InvalidEventException outOfRange(Field field, String number) {
        String range = field.type() == FieldType.DOUBLE ? "the double range (about ±1.8E308)"
                : "the long range (" + Long.MIN_VALUE + " to " + Long.MAX_VALUE + ")";
        return new InvalidEventException(Reason.WRONG_TYPE, field.name(), "field '" + field.name() + "' is "
                + field.type().yamlName() + ", got number " + cut(number) + ", which is outside " + range);
    }

    /** A timestamp sent as a number that is not a whole number of milliseconds in years 0000 to 9999. */
    static InvalidEventException badEpochMillis(String field, JsonToken token, String number) {
        if (token == JsonToken.VALUE_NUMBER_FLOAT) {
            return new InvalidEventException(Reason.BAD_TIMESTAMP, field, "field '" + field + "' is not a timestamp: "
                    + cut(number) + " is not a whole number (send " + TIMESTAMP_FORMS + ")");
        }
        return new InvalidEventException(Reason.BAD_TIMESTAMP, field, "field '" + field + "' is " + cut(number)
                + " epoch milliseconds, outside the years 0000 to 9999 (send milliseconds, not microseconds or nanoseconds)");
    }

    /** @param result one of the error results of {@link IsoTimestamp#parse} */
    static InvalidEventException badIsoTimestamp(String field, String text, long result) {
        String message;
        if (result == IsoTimestamp.NO_ZONE) {
            message = "field '" + field + "' has no zone: " + quote(text) + " (add Z for UTC or an offset, e.g. "
                    + quote(text + "Z") + " or " + quote(text + "+01:00") + ")";
        } else if (result == IsoTimestamp.OUT_OF_RANGE) {
            message = "field '" + field + "' is not a valid date and time: " + quote(text) + " (year 0000-9999, month 01-12,"
                    + " a day of that month, hour 00-23, minute and second 00-59, offset at most ±18:00)";
        } else {
            message = "field '" + field + "' is not a timestamp: " + quote(text) + " (send " + TIMESTAMP_FORMS + ")";
        }
        return new InvalidEventException(Reason.BAD_TIMESTAMP, field, message);
    }

    /** @param why {@code "missing"}, {@code "null"} or {@code "empty"} */
    static InvalidEventException missingKey(Field keyField, String why) {
        return new InvalidEventException(Reason.MISSING_ENTITY_KEY, keyField.name(), "the entity key " + keyField.name() + " is "
                + why + " (send it in every record, as " + (keyField.type() == FieldType.LONG ? "a whole number" : "a non-empty string") + ")");
    }

    static InvalidEventException missingRecordKey(String source, String keyField) {
        return new InvalidEventException(Reason.MISSING_ENTITY_KEY, keyField, "the record key is missing: source '" + source
                + "' takes the entity key " + keyField + " from the Kafka record key (record_key: entity_key), so every record needs a non-empty key");
    }

    static InvalidEventException keyMismatch(Field keyField, String recordKey, String fieldKey) {
        String fieldValue = keyField.type() == FieldType.STRING ? quote(fieldKey) : fieldKey;
        return new InvalidEventException(Reason.KEY_MISMATCH, keyField.name(), "the record key " + quote(recordKey) + " and field "
                + keyField.name() + " " + fieldValue + " name different entities (send the same key in both, or leave "
                + keyField.name() + " out of the object to take it from the record key)");
    }

    static InvalidEventException recordKeyNotLong(String keyField, String recordKey) {
        return new InvalidEventException(Reason.WRONG_TYPE, keyField, "the record key " + quote(recordKey) + " cannot fill field "
                + keyField + ", which is long (send the key as a decimal integer without + or leading zeros, e.g. 42)");
    }

    static InvalidEventException unpairedSurrogate(String keyField, String key, int index) {
        return new InvalidEventException(Reason.WRONG_TYPE, keyField, "the entity key " + keyField + " has an unpaired UTF-16 surrogate \\u"
                + String.format("%04x", (int) key.charAt(index)) + " at index " + index + ", which has no UTF-8 form (send valid Unicode text)");
    }

    /** {@code "abc"}: quoted, with quotes, backslashes and control characters escaped, cut after {@value #QUOTE_LIMIT} characters. */
    static String quote(String s) {
        int end = Math.min(s.length(), QUOTE_LIMIT);
        if (end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        StringBuilder b = new StringBuilder(end + 8).append('"');
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (end < s.length()) {
            b.append("...");
        }
        return b.append('"').toString();
    }

    private static String cut(String number) {
        return number.length() <= QUOTE_LIMIT ? number : number.substring(0, QUOTE_LIMIT) + "...";
    }

    private static String describe(JsonToken token, String text) {
        return switch (token) {
            case VALUE_STRING -> "string " + quote(text);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number " + cut(text);
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            default -> token.asString();
        };
    }

    private static String expected(FieldType type) {
        return switch (type) {
            case STRING -> "send a JSON string, in quotes";
            case LONG -> "send a whole JSON number without quotes, decimal point or exponent, e.g. 42";
            case DOUBLE -> "send a JSON number without quotes, e.g. 9.5";
            case BOOLEAN -> "send true or false, without quotes";
            case TIMESTAMP -> "send " + TIMESTAMP_FORMS;
        };
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 0 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
