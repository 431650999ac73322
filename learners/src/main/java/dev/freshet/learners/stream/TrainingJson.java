package dev.freshet.learners.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.freshet.core.error.InvalidInputException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON of logged predictions and training examples. A training example is its prediction's
 * object with three more members:
 * <pre>{@code
 * {"prediction_id": "p-1f…", "model": "ctr", "model_version": "ctr-v3", "ts": 1700000000000,
 *  "entities": {"user_id": "u1"},
 *  "inputs": {"user_activity:clicks_5m": 3, "user_activity:last_item": "i9", "item_id": "i9", "hour": 14},
 *  "score": 0.12,
 *  "label": 1.0, "labelled": true, "label_ts": 1700000004000}
 * }</pre>
 * Thread-safe.
 */
public final class TrainingJson {

    private static final String RECORD = "a training record";
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build())
            .build();

    private TrainingJson() {
    }

    public static byte[] encode(LoggedPrediction p) {
        return write(p, null);
    }

    public static byte[] encode(TrainingExample e) {
        return write(e.prediction(), e);
    }

    private static byte[] write(LoggedPrediction p, TrainingExample e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("prediction_id", p.predictionId());
            g.writeStringField("model", p.model());
            g.writeStringField("model_version", p.modelVersion());
            g.writeNumberField("ts", p.timestamp());
            RecordJson.writeStrings(g, "entities", p.entities());
            RecordJson.writeInputs(g, "inputs", p.inputs());
            g.writeNumberField("score", p.score());
            if (e != null) {
                g.writeNumberField("label", e.label());
                g.writeBooleanField("labelled", e.labelled());
                g.writeNumberField("label_ts", e.labelTimestamp());
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    /**
     * Reads a logged prediction (members of a training example are ignored).
     *
     * @throws InvalidInputException when the bytes are not such an object; the message says what is wrong
     */
    public static LoggedPrediction decodePrediction(byte[] json) {
        return read(json).prediction();
    }

    /**
     * Reads a training example.
     *
     * @throws InvalidInputException when the bytes are not one (a prediction without its label included)
     */
    public static TrainingExample decodeExample(byte[] json) {
        TrainingExample e = read(json);
        if (Double.isNaN(e.label())) {
            throw new InvalidInputException("a training example has no \"label\" (a logged prediction is not an example)");
        }
        return e;
    }

    private static TrainingExample read(byte[] json) {
        String id = null;
        String model = null;
        String version = null;
        long ts = Long.MIN_VALUE;
        Map<String, String> entities = new LinkedHashMap<>();
        Map<String, Object> inputs = new LinkedHashMap<>();
        double score = Double.NaN;
        double label = Double.NaN;
        boolean labelled = false;
        long labelTs = 0;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad("is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "prediction_id" -> id = RecordJson.text(p, t, name, RECORD);
                    case "model" -> model = RecordJson.text(p, t, name, RECORD);
                    case "model_version" -> version = RecordJson.text(p, t, name, RECORD);
                    case "ts" -> ts = RecordJson.integer(p, t, name, RECORD);
                    case "entities" -> RecordJson.readStrings(p, t, "entities", entities);
                    case "inputs" -> RecordJson.readInputs(p, t, "inputs", inputs);
                    case "score" -> score = RecordJson.number(p, t, name, RECORD);
                    case "label" -> label = RecordJson.number(p, t, name, RECORD);
                    case "labelled" -> {
                        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                            throw bad("\"labelled\" is not a boolean");
                        }
                        labelled = t == JsonToken.VALUE_TRUE;
                    }
                    case "label_ts" -> labelTs = RecordJson.integer(p, t, name, RECORD);
                    default -> p.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            throw bad("is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a byte array does no I/O
        }
        if (id == null || model == null || version == null || ts == Long.MIN_VALUE || Double.isNaN(score)) {
            throw bad("lacks one of prediction_id, model, model_version, ts and score");
        }
        LoggedPrediction prediction = new LoggedPrediction(id, model, version, ts, entities, inputs, score);
        return new TrainingExample(prediction, label, labelled, labelTs);
    }

    private static InvalidInputException bad(String what) {
        return new InvalidInputException("a training record " + what);
    }
}
