package dev.freshet.app.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.freshet.core.config.Typos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A {@code POST /reward} body: {@code {"decision_id": "9c…", "reward": 1.0}}.
 *
 * @param decisionId the decision rewarded
 * @param reward     the reward: a finite number (true and false are 1 and 0)
 */
record RewardRequest(String decisionId, double reward) {

    static final String EXAMPLE = "{\"decision_id\": \"9c2f…\", \"reward\": 1.0}";
    private static final List<String> FIELDS = List.of("decision_id", "reward");

    /**
     * Reads a body.
     *
     * @throws ApiError 400 naming what is malformed, missing or not a finite number
     */
    static RewardRequest parse(byte[] body) {
        try (JsonParser p = Json.openObject(body, EXAMPLE)) {
            String id = null;
            Double reward = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "decision_id" -> {
                        if (value != JsonToken.VALUE_STRING || p.getText().isEmpty()) {
                            throw bad("\"decision_id\" must be the id /decide answered, as a string, not " + Json.describe(value));
                        }
                        id = p.getText();
                    }
                    case "reward" -> reward = switch (value) {
                        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> finite(p.getDoubleValue(), p.getText());
                        case VALUE_TRUE -> 1.0;
                        case VALUE_FALSE -> 0.0;
                        default -> throw ApiError.badRequest(ApiError.INVALID_REWARD, "\"reward\" must be a number (or true/false), not "
                                + Json.describe(value));
                    };
                    default -> throw bad("unknown field " + Json.quote(name) + " in the request (fields: "
                            + String.join(", ", FIELDS) + Typos.hint(name, FIELDS) + ")");
                }
            }
            Json.requireEnd(p);
            if (id == null || reward == null) {
                throw bad("the request needs \"decision_id\" and \"reward\", e.g. " + EXAMPLE);
            }
            return new RewardRequest(id, reward);
        } catch (JsonProcessingException e) {
            throw Json.malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a request held in memory", e);
        }
    }

    private static double finite(double v, String text) {
        if (!Double.isFinite(v)) {
            throw ApiError.badRequest(ApiError.INVALID_REWARD, "\"reward\" is " + text + ", which is not a finite number");
        }
        return v;
    }

    private static ApiError bad(String message) {
        return ApiError.badRequest(ApiError.INVALID_REQUEST, message);
    }
}
