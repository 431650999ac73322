package dev.freshet.bandits.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.definition.Source;
import dev.freshet.core.definition.SourceFormat;
import dev.freshet.core.event.Event;
import dev.freshet.learners.stream.RecordJson;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A bandit's outcomes as flat rows, the way the offline store archives them (one row per decision with
 * its reward, under {@code <offline_store.path>/events/outcomes.<bandit>/}) and {@code freshet
 * evaluate-policy} reads them back. The context, entities, candidates and distribution are JSON text
 * columns, since their shape is the bandit's and the request's. Thread-safe.
 */
public final class OutcomeRows {

    private static final JsonFactory JSON = new JsonFactory();

    private OutcomeRows() {
    }

    /** The archive's name and schema, as a source whose timestamp is the decision's time. */
    public static Source source(BanditDefinition bandit) {
        return new Source("outcomes." + bandit.name(), bandit.outcomesTopic(), SourceFormat.JSON, "ts", Schema.of(
                new Field("decision_id", FieldType.STRING), new Field("bandit", FieldType.STRING),
                new Field("policy_version", FieldType.STRING), new Field("ts", FieldType.TIMESTAMP),
                new Field("action", FieldType.STRING), new Field("probability", FieldType.DOUBLE),
                new Field("reward", FieldType.DOUBLE), new Field("rewards", FieldType.LONG),
                new Field("reward_ts", FieldType.TIMESTAMP), new Field("candidates", FieldType.STRING),
                new Field("distribution", FieldType.STRING), new Field("context", FieldType.STRING),
                new Field("entities", FieldType.STRING)));
    }

    /**
     * An outcome record of {@code freshet.outcomes.<bandit>} as a row of the schema.
     *
     * @throws dev.freshet.core.error.InvalidInputException when the record is not an outcome
     */
    public static Event row(Source source, byte[] outcomeJson) {
        Outcome o = DecisionJson.decodeOutcome(outcomeJson);
        DecisionRecord d = o.decision();
        return Event.builder(source.schema()).key("").timestamp(d.timestamp())
                .set("decision_id", d.decisionId()).set("bandit", d.bandit()).set("policy_version", d.policyVersion())
                .set("ts", d.timestamp()).set("action", d.action()).set("probability", d.probability())
                .set("reward", o.reward()).set("rewards", (long) o.rewards()).set("reward_ts", o.rewardTimestamp())
                .set("candidates", json(g -> strings(g, d.candidates())))
                .set("distribution", json(g -> {
                    g.writeStartArray();
                    for (double p : d.distribution()) {
                        g.writeNumber(p);
                    }
                    g.writeEndArray();
                }))
                .set("context", json(g -> RecordJson.writeInputs(g, d.inputs())))
                .set("entities", json(g -> RecordJson.writeStrings(g, d.entities())))
                .build();
    }

    private static void strings(JsonGenerator g, List<String> values) throws IOException {
        g.writeStartArray();
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private interface Writing {
        void write(JsonGenerator g) throws IOException;
    }

    private static String json(Writing w) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
