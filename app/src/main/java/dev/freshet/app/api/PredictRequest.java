package dev.freshet.app.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.freshet.core.config.Typos;

import java.io.IOException;
import java.io.UncheckedIOException;
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
                    case "entities" -> entities = ContextJson.entities(p, value);
                    case "context" -> context = ContextJson.context(p, value);
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

    private static ApiError bad(String message) {
        return ApiError.badRequest(ApiError.INVALID_REQUEST, message);
    }
}
