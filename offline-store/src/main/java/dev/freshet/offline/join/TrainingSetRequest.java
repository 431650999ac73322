package dev.freshet.offline.join;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.feature.FeatureRef;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What training set to build: a spine file (Parquet {@code .parquet} or CSV {@code .csv}) with an
 * entity column and a timestamp column, and the features to compute at each row's timestamp.
 *
 * <p>JSON form (an Arrow Flight ticket, for instance):
 * <pre>{"spine": "/data/spine.parquet", "entity_column": "user_id", "timestamp_column": "ts",
 *  "features": ["user_activity:clicks_5m"], "full_feature_names": false}</pre>
 * {@code full_feature_names} is optional (default false); unknown keys are rejected.
 *
 * @param spine            the spine file
 * @param entityColumn     the spine column holding the entity key: the join key of the views' entity
 * @param timestampColumn  the spine column holding the point in time of each row
 * @param features         the features, at least one, no duplicates
 * @param fullFeatureNames name feature columns {@code view__feature} instead of {@code feature}
 * @throws InvalidInputException when a part is missing, empty or duplicated
 */
public record TrainingSetRequest(Path spine, String entityColumn, String timestampColumn, List<FeatureRef> features,
                                 boolean fullFeatureNames) {

    private static final JsonFactory JSON = new JsonFactory();

    public TrainingSetRequest {
        if (spine == null) {
            throw new InvalidInputException("training set request: spine is missing (give the path of a .parquet or .csv file)");
        }
        entityColumn = requireName(entityColumn, "entity_column");
        timestampColumn = requireName(timestampColumn, "timestamp_column");
        if (entityColumn.equals(timestampColumn)) {
            throw new InvalidInputException("training set request: entity_column and timestamp_column are both '" + entityColumn
                    + "'; they must be two different spine columns");
        }
        if (features == null || features.isEmpty()) {
            throw new InvalidInputException("training set request: features is empty (list at least one, as view:feature)");
        }
        Set<FeatureRef> seen = new HashSet<>();
        for (FeatureRef f : features) {
            if (f == null) {
                throw new InvalidInputException("training set request: features holds a null reference");
            }
            if (!seen.add(f)) {
                throw new InvalidInputException("training set request: feature '" + f + "' is listed twice");
            }
        }
        features = List.copyOf(features);
    }

    private static String requireName(String name, String key) {
        if (name == null || name.isBlank()) {
            throw new InvalidInputException("training set request: " + key + " is missing or empty (name a column of the spine)");
        }
        return name;
    }

    /**
     * Parses the JSON form.
     *
     * @throws InvalidInputException naming the missing, unknown or mistyped key, or the JSON syntax error
     */
    public static TrainingSetRequest fromJson(byte[] json) {
        if (json == null) {
            throw new InvalidInputException("training set request: the JSON is null");
        }
        String spine = null;
        String entity = null;
        String timestamp = null;
        List<FeatureRef> features = null;
        boolean full = false;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidInputException("training set request: expected a JSON object, found " + p.currentToken());
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                switch (key) {
                    case "spine" -> spine = text(p, key, value);
                    case "entity_column" -> entity = text(p, key, value);
                    case "timestamp_column" -> timestamp = text(p, key, value);
                    case "full_feature_names" -> {
                        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
                            throw new InvalidInputException("training set request: full_feature_names must be true or false, not " + p.getText());
                        }
                        full = value == JsonToken.VALUE_TRUE;
                    }
                    case "features" -> {
                        if (value != JsonToken.START_ARRAY) {
                            throw new InvalidInputException("training set request: features must be an array of \"view:feature\" strings");
                        }
                        features = new ArrayList<>();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            features.add(FeatureRef.parse(text(p, "features[" + features.size() + "]", p.currentToken())));
                        }
                    }
                    default -> throw new InvalidInputException("training set request: unknown key '" + key
                            + "' (keys: spine, entity_column, timestamp_column, features, full_feature_names)");
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new InvalidInputException("training set request: unexpected content after the JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("training set request is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (spine == null) {
            throw new InvalidInputException("training set request: key 'spine' is missing");
        }
        if (entity == null) {
            throw new InvalidInputException("training set request: key 'entity_column' is missing");
        }
        if (timestamp == null) {
            throw new InvalidInputException("training set request: key 'timestamp_column' is missing");
        }
        if (features == null) {
            throw new InvalidInputException("training set request: key 'features' is missing");
        }
        Path path;
        try {
            path = Path.of(spine);
        } catch (InvalidPathException e) {
            throw new InvalidInputException("training set request: spine \"" + spine + "\" is not a valid path: " + e.getMessage(), e);
        }
        return new TrainingSetRequest(path, entity, timestamp, features, full);
    }

    private static String text(JsonParser p, String key, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw new InvalidInputException("training set request: " + key + " must be a string, not " + p.getText());
        }
        return p.getText();
    }

    /** The JSON form, UTF-8; {@link #fromJson} reads it back equal. */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("spine", spine.toString());
            g.writeStringField("entity_column", entityColumn);
            g.writeStringField("timestamp_column", timestampColumn);
            g.writeArrayFieldStart("features");
            for (FeatureRef f : features) {
                g.writeString(f.toString());
            }
            g.writeEndArray();
            g.writeBooleanField("full_feature_names", fullFeatureNames);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
