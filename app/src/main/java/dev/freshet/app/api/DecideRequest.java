package dev.freshet.app.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.freshet.core.config.Typos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A {@code POST /decide} body:
 * {@code {"bandit": "homepage", "entities": {"user_id": "u1"}, "context": {"device": "ios"}, "actions": ["a", "b"]}}.
 *
 * @param bandit   the bandit's name
 * @param entities one id per join key of its context features
 * @param context  its request context fields
 * @param actions  the candidates, or null for the bandit's configured actions
 */
record DecideRequest(String bandit, Map<String, String> entities, Map<String, Object> context, List<String> actions) {

    static final String EXAMPLE = "{\"bandit\": \"homepage\", \"entities\": {\"user_id\": \"u1\"}, \"context\": {}}";
    private static final List<String> FIELDS = List.of("bandit", "entities", "context", "actions");

    /**
     * Reads a body.
     *
     * @throws ApiError 400 naming what is malformed or missing
     */
    static DecideRequest parse(byte[] body) {
        try (JsonParser p = Json.openObject(body, EXAMPLE)) {
            String bandit = null;
            Map<String, String> entities = Map.of();
            Map<String, Object> context = Map.of();
            List<String> actions = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "bandit" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            throw bad("\"bandit\" must be the bandit's name as a string, not " + Json.describe(value));
                        }
                        bandit = p.getText();
                    }
                    case "entities" -> entities = ContextJson.entities(p, value);
                    case "context" -> context = ContextJson.context(p, value);
                    case "actions" -> actions = actions(p, value);
                    default -> throw bad("unknown field " + Json.quote(name) + " in the request (fields: "
                            + String.join(", ", FIELDS) + Typos.hint(name, FIELDS) + ")");
                }
            }
            Json.requireEnd(p);
            if (bandit == null) {
                throw bad("the request has no \"bandit\": name the bandit to decide with, e.g. " + EXAMPLE);
            }
            return new DecideRequest(bandit, entities, context, actions);
        } catch (JsonProcessingException e) {
            throw Json.malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a request held in memory", e);
        }
    }

    private static List<String> actions(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw bad("\"actions\" must be an array of action names such as [\"banner_a\", \"banner_b\"], not " + Json.describe(value));
        }
        List<String> actions = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_STRING || p.getText().isBlank()) {
                throw ApiError.badRequest(ApiError.INVALID_ACTIONS, "actions[" + actions.size() + "] must be a non-empty string, not "
                        + (t == JsonToken.VALUE_STRING ? "\"\"" : Json.describe(t)));
            }
            actions.add(p.getText());
        }
        if (actions.isEmpty()) {
            throw ApiError.badRequest(ApiError.INVALID_ACTIONS, "\"actions\" is empty: send at least one candidate, "
                    + "or leave \"actions\" out to choose among the bandit's configured actions");
        }
        if (new LinkedHashSet<>(actions).size() != actions.size()) {
            throw ApiError.badRequest(ApiError.INVALID_ACTIONS, "\"actions\" names an action twice: " + actions);
        }
        return actions;
    }

    private static ApiError bad(String message) {
        return ApiError.badRequest(ApiError.INVALID_REQUEST, message);
    }
}
