package dev.freshet.app.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.freshet.core.config.Typos;
import dev.freshet.core.event.EntityKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The body of {@code POST /get-online-features}, in Feast's shape: {@code {"features":
 * ["view:feature", ...], "entities": {"join_key": [id, ...], ...}, "full_feature_names": false}}, read
 * by {@link LookupBodyScanner} when it is of the usual kind, else with jackson's streaming parser (no
 * tree). Checks the shape only (types, nulls, sizes); what the names mean is
 * checked by {@link Lookup}.
 *
 * @param features         the feature references as sent, in order
 * @param entities         one column per join key, in the order sent
 * @param fullFeatureNames whether response columns are named {@code view__feature}
 */
record LookupRequest(List<String> features, List<EntityColumn> entities, boolean fullFeatureNames) {

    static final String EXAMPLE = "{\"features\": [\"user_activity:clicks_5m\"], \"entities\": {\"user_id\": [\"u1\", \"u2\"]}}";

    private static final List<String> FIELDS = List.of("features", "entities", "full_feature_names");

    /** The ids of one join key, in row order, each remembered as sent (string or integer) so it is echoed as sent. */
    static final class EntityColumn {
        private final String joinKey;
        private EntityKey[] keys = new EntityKey[4];
        private boolean[] numeric = new boolean[4];
        private int size;

        EntityColumn(String joinKey) {
            this.joinKey = joinKey;
        }

        String joinKey() {
            return joinKey;
        }

        int size() {
            return size;
        }

        EntityKey key(int row) {
            return keys[row];
        }

        List<EntityKey> keys() {
            return Arrays.asList(keys).subList(0, size);
        }

        /** The id of a row as the client sent it: an integer stays a JSON number. */
        void writeValue(JsonOut out, int row) {
            if (numeric[row]) {
                out.ascii(keys[row].value());
            } else {
                out.string(keys[row].value());
            }
        }

        void add(EntityKey key, boolean isNumber) {
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                numeric = Arrays.copyOf(numeric, size * 2);
            }
            keys[size] = key;
            numeric[size++] = isNumber;
        }
    }

    /**
     * Reads a body.
     *
     * @param maxEntities the most ids a join key may have ({@code api.max_entities})
     * @throws ApiError 400 naming what is malformed or missing, 413 when a join key has too many ids
     */
    static LookupRequest parse(byte[] body, int maxEntities) {
        // the usual bodies without a parser; the parser reads the rest, and says what is wrong
        LookupRequest usual = LookupBodyScanner.read(body, maxEntities);
        if (usual != null) {
            return usual;
        }
        return parseWithParser(body, maxEntities);
    }

    /** {@link #parse} with jackson's parser only, whatever the body (for tests that compare the two readings). */
    static LookupRequest parseWithParser(byte[] body, int maxEntities) {
        try (JsonParser p = Json.openObject(body, EXAMPLE)) {
            List<String> features = null;
            List<EntityColumn> entities = null;
            boolean full = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "features" -> features = features(p, value);
                    case "entities" -> entities = entities(p, value, maxEntities);
                    case "full_feature_names" -> full = fullFeatureNames(value);
                    case "feature_service" -> throw ApiError.badRequest(ApiError.INVALID_REQUEST,
                            "feature services are not supported: list the features instead, e.g. " + EXAMPLE);
                    default -> throw ApiError.badRequest(ApiError.INVALID_REQUEST, "unknown field " + Json.quote(name)
                            + " in the request (fields: " + String.join(", ", FIELDS) + Typos.hint(name, FIELDS) + ")");
                }
            }
            Json.requireEnd(p);
            if (features == null) {
                throw ApiError.badRequest(ApiError.INVALID_REQUEST,
                        "the request has no \"features\": list the features to read, e.g. " + EXAMPLE);
            }
            if (entities == null) {
                throw ApiError.badRequest(ApiError.INVALID_REQUEST, "the request has no \"entities\": give the ids to look up"
                        + " under their join key, e.g. " + EXAMPLE);
            }
            return new LookupRequest(features, entities, full);
        } catch (JsonProcessingException e) {
            throw Json.malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a request held in memory", e);
        }
    }

    private static List<String> features(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw ApiError.badRequest(ApiError.INVALID_REQUEST, "\"features\" must be an array of strings such as "
                    + "[\"user_activity:clicks_5m\"], not " + Json.describe(value));
        }
        List<String> features = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_STRING) {
                throw ApiError.badRequest(ApiError.INVALID_REQUEST, "features[" + features.size() + "] must be a string"
                        + " view:feature such as \"user_activity:clicks_5m\", not " + Json.describe(t));
            }
            features.add(p.getText());
        }
        if (features.isEmpty()) {
            throw ApiError.badRequest(ApiError.INVALID_REQUEST, "\"features\" is empty: name at least one feature, e.g. " + EXAMPLE);
        }
        return features;
    }

    private static List<EntityColumn> entities(JsonParser p, JsonToken value, int maxEntities) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            throw ApiError.badRequest(ApiError.INVALID_REQUEST, "\"entities\" must be an object of join keys to arrays of ids"
                    + " such as {\"user_id\": [\"u1\", \"u2\"]}, not " + Json.describe(value));
        }
        List<EntityColumn> columns = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            EntityColumn column = new EntityColumn(p.currentName());
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_ARRAY) {
                throw ApiError.badRequest(ApiError.INVALID_REQUEST, "entities." + column.joinKey + " must be an array of ids"
                        + " (strings or integers) such as [\"u1\", \"u2\"], not " + Json.describe(t));
            }
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (column.size == maxEntities) {
                    throw ApiError.tooLarge(ApiError.TOO_MANY_ENTITIES, "entities." + column.joinKey + " has more than " + maxEntities
                            + " ids; this server looks up at most " + maxEntities + " entity rows per request (api.max_entities):"
                            + " split the request");
                }
                column.add(key(p, t, column.joinKey, column.size), t == JsonToken.VALUE_NUMBER_INT);
            }
            columns.add(column);
        }
        return columns;
    }

    /** The id at {@code entities.<joinKey>[index]}. */
    private static EntityKey key(JsonParser p, JsonToken t, String joinKey, int index) throws IOException {
        switch (t) {
            case VALUE_STRING -> {
                String s = p.getText();
                int bad = unpairedSurrogate(s);
                if (bad >= 0) {
                    throw ApiError.badRequest(ApiError.INVALID_ENTITY_VALUE, at(joinKey, index) + " " + Json.quote(s)
                            + " has an unpaired UTF-16 surrogate at index " + bad + " (\\u escapes must form valid Unicode)");
                }
                return new EntityKey(s);
            }
            case VALUE_NUMBER_INT -> {
                JsonParser.NumberType type = p.getNumberType();
                if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
                    throw ApiError.badRequest(ApiError.INVALID_ENTITY_VALUE, at(joinKey, index) + " " + Json.quote(p.getText())
                            + " is outside the 64-bit integer range; send ids this long as strings");
                }
                return new EntityKey(Long.toString(p.getLongValue()));
            }
            case VALUE_NULL -> throw ApiError.badRequest(ApiError.INVALID_ENTITY_VALUE,
                    at(joinKey, index) + " is null; every row needs an id");
            default -> {
                String what = t == JsonToken.VALUE_NUMBER_FLOAT ? "a decimal number (" + p.getText() + ")" : Json.describe(t);
                throw ApiError.badRequest(ApiError.INVALID_ENTITY_VALUE,
                        at(joinKey, index) + " must be a string or an integer, not " + what);
            }
        }
    }

    /** Where an id is in the request, for an error message (built only then: ids are read for every request). */
    private static String at(String joinKey, int index) {
        return "entities." + joinKey + "[" + index + "]";
    }

    private static boolean fullFeatureNames(JsonToken value) {
        return switch (value) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE, VALUE_NULL -> false;
            default -> throw ApiError.badRequest(ApiError.INVALID_REQUEST,
                    "\"full_feature_names\" must be true or false, not " + Json.describe(value));
        };
    }

    /** The index of the first unpaired surrogate, or -1: store keys are UTF-8, where one cannot be written. */
    private static int unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
