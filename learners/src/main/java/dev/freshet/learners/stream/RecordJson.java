package dev.freshet.learners.stream;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.freshet.core.error.InvalidInputException;

import java.io.IOException;
import java.util.Map;

/**
 * The members that logged records (predictions, decisions) share: entity keys as an object of
 * strings, and inputs as served as an object of numbers, booleans, strings and nulls.
 */
public final class RecordJson {

    private RecordJson() {
    }

    /** Writes {@code "name": {"k": "v", ...}}. */
    public static void writeStrings(JsonGenerator g, String name, Map<String, String> values) throws IOException {
        g.writeFieldName(name);
        writeStrings(g, values);
    }

    /** Writes {@code {"k": "v", ...}}. */
    public static void writeStrings(JsonGenerator g, Map<String, String> values) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, String> e : values.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    /**
     * Writes {@code "name": {...}} of inputs.
     *
     * @throws IllegalArgumentException for a value that is not a number, boolean, string or null
     */
    public static void writeInputs(JsonGenerator g, String name, Map<String, Object> inputs) throws IOException {
        g.writeFieldName(name);
        writeInputs(g, inputs);
    }

    /**
     * Writes an object of inputs.
     *
     * @throws IllegalArgumentException for a value that is not a number, boolean, string or null
     */
    public static void writeInputs(JsonGenerator g, Map<String, Object> inputs) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, Object> in : inputs.entrySet()) {
            g.writeFieldName(in.getKey());
            switch (in.getValue()) {
                case null -> g.writeNull();
                case Long l -> g.writeNumber(l);
                case Integer i -> g.writeNumber(i);
                case Number n -> g.writeNumber(n.doubleValue());
                case Boolean b -> g.writeBoolean(b);
                case String s -> g.writeString(s);
                default -> throw new IllegalArgumentException("input " + in.getKey() + " is a "
                        + in.getValue().getClass().getSimpleName() + ", not a number, boolean, string or null");
            }
        }
        g.writeEndObject();
    }

    /** Reads an object of strings, the parser on its start ({@code t}). */
    public static void readStrings(JsonParser p, JsonToken t, String name, Map<String, String> into) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            throw new InvalidInputException("a logged record's \"" + name + "\" is not an object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw new InvalidInputException("a logged record's \"" + name + "." + key + "\" is not a string");
            }
            into.put(key, p.getText());
        }
    }

    /** Reads an object of inputs, the parser on its start ({@code t}). */
    public static void readInputs(JsonParser p, JsonToken t, String name, Map<String, Object> into) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            throw new InvalidInputException("a logged record's \"" + name + "\" is not an object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            into.put(key, switch (v) {
                case VALUE_NULL -> null;
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case VALUE_STRING -> p.getText();
                case VALUE_NUMBER_INT -> p.getLongValue();
                case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                default -> throw new InvalidInputException("input \"" + key + "\" is not a number, boolean, string or null");
            });
        }
    }

    /**
     * A string member's value.
     *
     * @param record what the record is, for messages: {@code a training record}
     * @throws InvalidInputException when the member is not a string
     */
    public static String text(JsonParser p, JsonToken t, String name, String record) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            throw new InvalidInputException(record + " \"" + name + "\" is not a string");
        }
        return p.getText();
    }

    /** An integer member's value; see {@link #text}. */
    public static long integer(JsonParser p, JsonToken t, String name, String record) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw new InvalidInputException(record + " \"" + name + "\" is not an integer");
        }
        return p.getLongValue();
    }

    /** A finite number member's value; see {@link #text}. */
    public static double number(JsonParser p, JsonToken t, String name, String record) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new InvalidInputException(record + " \"" + name + "\" is not a number");
        }
        double value = p.getDoubleValue();
        if (!Double.isFinite(value)) { // 1e999 parses as infinity: learnt, it would poison a model or policy
            throw new InvalidInputException(record + " \"" + name + "\" is not a finite number: " + p.getText());
        }
        return value;
    }
}
