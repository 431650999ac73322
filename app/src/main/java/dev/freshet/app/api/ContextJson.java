package dev.freshet.app.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code entities} and {@code context} members of {@code /predict} and {@code /decide} requests. */
final class ContextJson {

    private ContextJson() {
    }

    static Map<String, String> entities(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            throw bad("\"entities\" must be an object of join keys to one id each, e.g. {\"user_id\": \"u1\"}, not " + Json.describe(value));
        }
        Map<String, String> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NUMBER_INT) {
                throw ApiError.badRequest(ApiError.INVALID_ENTITY_VALUE, "entities." + key + " must be one id, a string or an integer, not "
                        + Json.describe(t) + " (a prediction scores one entity; send one request per entity)");
            }
            out.put(key, p.getText());
        }
        return out;
    }

    static Map<String, Object> context(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            throw bad("\"context\" must be an object of field names to values, e.g. {\"item_id\": \"i9\", \"hour\": 14}, not "
                    + Json.describe(value));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            out.put(key, switch (t) {
                case VALUE_STRING -> p.getText();
                case VALUE_NUMBER_INT -> integer(p, key);
                case VALUE_NUMBER_FLOAT -> finite(p.getDoubleValue(), key, p.getText());
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case VALUE_NULL -> null;
                default -> throw bad("context." + key + " must be a string, number, boolean or null, not " + Json.describe(t));
            });
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object integer(JsonParser p, String key) throws IOException {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            return finite(p.getDoubleValue(), key, p.getText());
        }
        return p.getLongValue();
    }

    private static Double finite(double v, String key, String text) {
        if (!Double.isFinite(v)) {
            throw bad("context." + key + " is " + text + ", which is not a finite number (numbers must be finite, no NaN or infinity)");
        }
        return v;
    }

    private static ApiError bad(String message) {
        return ApiError.badRequest(ApiError.INVALID_REQUEST, message);
    }
}
