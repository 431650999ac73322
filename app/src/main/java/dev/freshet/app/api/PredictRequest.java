package dev.freshet.app.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.freshet.core.config.Typos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code POST /predict} body: {@code {"model": "ctr", "entities": {"user_id": "u1"}, "context": {"item_id": "i9", "hour": 14}}}.
 *
 * @param model    the model's name
 * @param entities one id per join key (a string or an integer)
 * @param context  the request's context fields: String, Long, Double, Boolean or null
 */
record PredictRequest(String model, Map<String, String> entities, Map<String, Object> context) {

    static final String EXAMPLE = "{\"model\": \"ctr\", \"entities\": {\"user_id\": \"u1\"}, \"context\": {\"item_id\": \"i9\", \"hour\": 14}}";
    private static final List<String> FIELDS = List.of("model", "entities", "context");

    /**
     * Reads a body.
     *
     * @throws ApiError 400 naming what is malformed or missing, including numbers that are not finite
     */
    static PredictRequest parse(byte[] body) {
        try (JsonParser p = Json.openObject(body, EXAMPLE)) {
            String model = null;
            Map<String, String> entities = null;
            Map<String, Object> context = Map.of();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "model" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            throw bad("\"model\" must be the model's name as a string, not " + Json.describe(value));
                        }
                        model = p.getText();
                    }
                    case "entities" -> entities = entities(p, value);
                    case "context" -> context = context(p, value);
                    default -> throw bad("unknown field " + Json.quote(name) + " in the request (fields: "
                            + String.join(", ", FIELDS) + Typos.hint(name, FIELDS) + ")");
                }
            }
            Json.requireEnd(p);
            if (model == null) {
                throw bad("the request has no \"model\": name the model to score with, e.g. " + EXAMPLE);
            }
            return new PredictRequest(model, entities == null ? Map.of() : entities, context);
        } catch (JsonProcessingException e) {
            throw Json.malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a request held in memory", e);
        }
    }

    private static Map<String, String> entities(JsonParser p, JsonToken value) throws IOException {
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

    private static Map<String, Object> context(JsonParser p, JsonToken value) throws IOException {
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
