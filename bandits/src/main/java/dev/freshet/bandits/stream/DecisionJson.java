package dev.freshet.bandits.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.learners.stream.RecordJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of logged decisions and outcomes. An outcome is its decision's object with three more members:
 * <pre>{@code
 * {"decision_id": "9c…", "bandit": "homepage", "policy_version": "homepage-v3", "ts": 1700000000000,
 *  "entities": {"user_id": "u1"}, "inputs": {"user_activity:clicks_5m": 3, "device": "ios"},
 *  "candidates": ["banner_a", "banner_b"], "distribution": [0.38, 0.62], "action": "banner_b", "probability": 0.62,
 *  "reward": 1.0, "rewards": 1, "reward_ts": 1700000004000}
 * }</pre>
 * Thread-safe.
 */
public final class DecisionJson {

    private static final String RECORD = "a decision record";
    private static final JsonFactory JSON = new JsonFactory();

    private DecisionJson() {
    }

    public static byte[] encode(DecisionRecord d) {
        return write(d, null);
    }

    public static byte[] encode(Outcome o) {
        return write(o.decision(), o);
    }

    private static byte[] write(DecisionRecord d, Outcome o) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("decision_id", d.decisionId());
            g.writeStringField("bandit", d.bandit());
            g.writeStringField("policy_version", d.policyVersion());
            g.writeNumberField("ts", d.timestamp());
            RecordJson.writeStrings(g, "entities", d.entities());
            RecordJson.writeInputs(g, "inputs", d.inputs());
            g.writeArrayFieldStart("candidates");
            for (String c : d.candidates()) {
                g.writeString(c);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("distribution");
            for (double p : d.distribution()) {
                g.writeNumber(p);
            }
            g.writeEndArray();
            g.writeStringField("action", d.action());
            g.writeNumberField("probability", d.probability());
            if (o != null) {
                g.writeNumberField("reward", o.reward());
                g.writeNumberField("rewards", o.rewards());
                g.writeNumberField("reward_ts", o.rewardTimestamp());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Reads a logged decision (the members of an outcome are ignored).
     *
     * @throws InvalidInputException when the bytes are not one; the message says what is wrong
     */
    public static DecisionRecord decodeDecision(byte[] json) {
        return read(json).decision();
    }

    /**
     * Reads an outcome.
     *
     * @throws InvalidInputException when the bytes are not one (a decision without its reward included)
     */
    public static Outcome decodeOutcome(byte[] json) {
        Outcome o = read(json);
        if (Double.isNaN(o.reward())) {
            throw new InvalidInputException("an outcome has no \"reward\" (a logged decision is not an outcome)");
        }
        return o;
    }

    private static Outcome read(byte[] json) {
        String id = null;
        String bandit = null;
        String version = null;
        String action = null;
        long ts = Long.MIN_VALUE;
        double probability = Double.NaN;
        Map<String, String> entities = new LinkedHashMap<>();
        Map<String, Object> inputs = new LinkedHashMap<>();
        List<String> candidates = new ArrayList<>();
        List<Double> distribution = new ArrayList<>();
        double reward = Double.NaN;
        int rewards = 0;
        long rewardTs = 0;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad("is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "decision_id" -> id = RecordJson.text(p, t, name, RECORD);
                    case "bandit" -> bandit = RecordJson.text(p, t, name, RECORD);
                    case "policy_version" -> version = RecordJson.text(p, t, name, RECORD);
                    case "action" -> action = RecordJson.text(p, t, name, RECORD);
                    case "ts" -> ts = RecordJson.integer(p, t, name, RECORD);
                    case "probability" -> probability = RecordJson.number(p, t, name, RECORD);
                    case "entities" -> RecordJson.readStrings(p, t, name, entities);
                    case "inputs" -> RecordJson.readInputs(p, t, name, inputs);
                    case "candidates" -> {
                        array(t, name);
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            candidates.add(RecordJson.text(p, p.currentToken(), name, RECORD));
                        }
                    }
                    case "distribution" -> {
                        array(t, name);
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            distribution.add(RecordJson.number(p, p.currentToken(), name, RECORD));
                        }
                    }
                    case "reward" -> reward = RecordJson.number(p, t, name, RECORD);
                    case "rewards" -> rewards = (int) RecordJson.integer(p, t, name, RECORD);
                    case "reward_ts" -> rewardTs = RecordJson.integer(p, t, name, RECORD);
                    default -> p.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            throw bad("is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a byte array does no I/O
        }
        if (id == null || bandit == null || version == null || action == null || ts == Long.MIN_VALUE || Double.isNaN(probability)) {
            throw bad("lacks one of decision_id, bandit, policy_version, ts, action and probability");
        }
        try {
            DecisionRecord d = new DecisionRecord(id, bandit, version, ts, entities, inputs, candidates, distribution, action, probability);
            return new Outcome(d, reward, rewards, rewardTs);
        } catch (IllegalArgumentException e) {
            throw bad("is inconsistent: " + e.getMessage());
        }
    }

    private static void array(JsonToken t, String name) {
        if (t != JsonToken.START_ARRAY) {
            throw bad("\"" + name + "\" is not an array");
        }
    }

    private static InvalidInputException bad(String what) {
        return new InvalidInputException("a decision record " + what);
    }
}
