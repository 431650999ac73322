package dev.freshet.learners.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Source;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A Kafka Streams topology that joins subjects (predictions, decisions) with their outcomes
 * (labels, rewards) within each group's window, exactly once:
 * <ol>
 *   <li>subjects are read from their topic, keyed by their id;</li>
 *   <li>each outcome source's canonical events, and the optional topic of outcomes sent through the
 *       API, are re-keyed by the subject id they carry and repartitioned like the subjects, so that a
 *       subject and its outcomes meet in one task;</li>
 *   <li>{@link OutcomeJoinProcessor} keeps each subject until its outcome is settled (the first outcome,
 *       or the sum or last when the window closes) or its window passes (then the group's default applies),
 *       and writes the joined record to the group's topic.</li>
 * </ol>
 * The label join of models ({@link LabelJoin}) and the reward join of bandits are two configurations of it.
 */
public final class OutcomeJoin {

    static final byte SUBJECT = 'S';
    static final byte OUTCOME = 'O';
    /**
     * One event's outcomes of several kinds for one subject: groups that read other fields of one source.
     * One record, so that the subject's group takes the outcome of its kind and the others are not counted
     * as unknown or duplicate outcomes of that one event.
     */
    static final byte OUTCOMES = 'M';
    /** The record header that names a joined record's group; it routes the record to its topic. */
    static final String GROUP_HEADER = "freshet.group";
    /** How long an outcome that arrives before its subject waits for it before it counts as unknown, in ms. */
    public static final long EARLY_GRACE_MS = OutcomeJoinProcessor.EARLY_GRACE_MS;
    /** The outcome kind of outcomes sent through the API: they apply to a subject of any group. */
    static final int ANY_KIND = -1;

    private static final JsonFactory JSON = new JsonFactory();

    private OutcomeJoin() {
    }

    /**
     * The topology.
     *
     * @param name          names the processors and state stores (e.g. {@code label-join})
     * @param subjectsTopic where subjects are logged, keyed by id
     * @param rules         by group name
     * @param eventsTopic   the canonical events topic of a source, by source name
     * @param partitions    the partition count of the subjects topic (the repartitioned outcomes get as many)
     * @param apiTopic      a topic of outcomes sent through the API ({@link #apiOutcome}), or null
     */
    public static Topology topology(String name, String subjectsTopic, Subjects subjects, Map<String, OutcomeRule> rules,
                                    Definitions definitions, Function<String, String> eventsTopic, int partitions,
                                    String apiTopic, JoinCounters counters) {
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("an outcome join needs at least one group");
        }
        StreamsBuilder builder = new StreamsBuilder();
        // a kind of outcome is a source and the fields read from it; groups may share one
        List<OutcomeRule.OutcomeSource> kinds = new ArrayList<>();
        Map<String, Integer> kindOfGroup = new LinkedHashMap<>();
        rules.forEach((group, rule) -> {
            if (!kinds.contains(rule.source())) {
                kinds.add(rule.source());
            }
            kindOfGroup.put(group, kinds.indexOf(rule.source()));
        });
        KStream<byte[], byte[]> merged = builder.stream(subjectsTopic,
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-subjects"))
                .mapValues(v -> tagged(SUBJECT, v), Named.as(name + "-tag-subjects"));
        for (String source : kinds.stream().map(OutcomeRule.OutcomeSource::source).distinct().toList()) {
            KStream<byte[], byte[]> events = builder.stream(eventsTopic.apply(source),
                    Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-outcomes-" + source));
            merged = merged.merge(repartitioned(outcomesOf(events, definitions, source, kinds, counters, name), name, source, partitions),
                    Named.as(name + "-merge-" + source));
        }
        if (apiTopic != null) {
            KStream<byte[], byte[]> api = builder.stream(apiTopic,
                    Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-api-outcomes"));
            KStream<byte[], byte[]> read = api.flatMap((key, value) -> {
                OutcomeEvents.Outcome o = readApiOutcome(value);
                if (o == null) {
                    counters.unusableOutcomes.increment();
                    return List.of();
                }
                return List.of(KeyValue.pair(OutcomeEvents.key(o), OutcomeEvents.encode(ANY_KIND, o)));
            }, Named.as(name + "-api-by-subject"));
            merged = merged.merge(repartitioned(read, name, "api", partitions), Named.as(name + "-merge-api"));
        }
        String pending = name + "-pending";
        String deadlines = name + "-deadlines";
        String early = name + "-early";
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(pending), Serdes.Bytes(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(deadlines), Serdes.Bytes(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(early), Serdes.Bytes(), Serdes.ByteArray()));
        Map<String, OutcomeRule> byGroup = Map.copyOf(rules);
        merged.process(() -> new OutcomeJoinProcessor(byGroup, kindOfGroup, subjects, counters, pending, deadlines, early),
                        Named.as(name), pending, deadlines, early)
                .to((key, value, context) -> byGroup.get(new String(context.headers().lastHeader(GROUP_HEADER).value(),
                                StandardCharsets.UTF_8)).outputTopic(),
                        Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(name + "-joined"));
        return builder.build();
    }

    private static KStream<byte[], byte[]> outcomesOf(KStream<byte[], byte[]> events, Definitions definitions, String sourceName,
                                                      List<OutcomeRule.OutcomeSource> kinds, JoinCounters counters, String name) {
        Source source = definitions.source(sourceName).orElseThrow(
                () -> new IllegalArgumentException("outcome source " + sourceName + " is not a source of the configuration"));
        List<Integer> indexes = new ArrayList<>();
        List<OutcomeEvents> readers = new ArrayList<>();
        for (int k = 0; k < kinds.size(); k++) {
            if (kinds.get(k).source().equals(sourceName)) {
                indexes.add(k);
                readers.add(new OutcomeEvents(source, kinds.get(k)));
            }
        }
        return events.flatMap((key, value) -> {
            List<Integer> kindsRead = new ArrayList<>(1);
            List<OutcomeEvents.Outcome> read = new ArrayList<>(1);
            for (int r = 0; r < readers.size(); r++) {
                OutcomeEvents.Outcome o = readers.get(r).read(value);
                if (o != null) {
                    kindsRead.add(indexes.get(r));
                    read.add(o);
                }
            }
            if (read.isEmpty()) {
                counters.unusableOutcomes.increment();
                return List.of();
            }
            if (read.size() == 1) {
                return List.of(KeyValue.pair(OutcomeEvents.key(read.get(0)), OutcomeEvents.encode(kindsRead.get(0), read.get(0))));
            }
            return bySubject(kindsRead, read);
        }, Named.as(name + "-by-subject-" + sourceName));
    }

    /** One record per subject of an event's outcomes of several kinds (their join keys may name different subjects). */
    private static List<KeyValue<byte[], byte[]>> bySubject(List<Integer> kinds, List<OutcomeEvents.Outcome> outcomes) {
        Map<String, List<Integer>> bySubject = new LinkedHashMap<>();
        for (int i = 0; i < outcomes.size(); i++) {
            bySubject.computeIfAbsent(outcomes.get(i).subjectId(), s -> new ArrayList<>()).add(i);
        }
        List<KeyValue<byte[], byte[]>> out = new ArrayList<>(bySubject.size());
        for (List<Integer> of : bySubject.values()) {
            OutcomeEvents.Outcome first = outcomes.get(of.get(0));
            out.add(KeyValue.pair(OutcomeEvents.key(first), of.size() == 1 ? OutcomeEvents.encode(kinds.get(of.get(0)), first)
                    : OutcomeEvents.encode(of.stream().map(kinds::get).toList(), of.stream().map(outcomes::get).toList())));
        }
        return out;
    }

    private static KStream<byte[], byte[]> repartitioned(KStream<byte[], byte[]> stream, String name, String what, int partitions) {
        return stream.repartition(Repartitioned.with(Serdes.ByteArray(), Serdes.ByteArray())
                .withName(name + "-" + what).withNumberOfPartitions(partitions));
    }

    /** The JSON of an outcome sent through the API: {@code {"id": "...", "value": 1.0, "ts": 1700000000000}}. */
    public static byte[] apiOutcome(String subjectId, double value, long timestamp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", subjectId);
            g.writeNumberField("value", value);
            g.writeNumberField("ts", timestamp);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** An API outcome, or null when the record is not a usable one. */
    static OutcomeEvents.Outcome readApiOutcome(byte[] json) {
        String id = null;
        double value = Double.NaN;
        long ts = 0;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "id" -> id = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "value" -> value = t.isNumeric() ? p.getDoubleValue() : Double.NaN;
                    case "ts" -> ts = t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : 0;
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return id == null || id.isEmpty() || !Double.isFinite(value) ? null : new OutcomeEvents.Outcome(id, value, ts);
    }

    static byte[] tagged(byte tag, byte[] value) {
        byte[] out = new byte[value.length + 1];
        out[0] = tag;
        System.arraycopy(value, 0, out, 1, value.length);
        return out;
    }

    static Bytes key(String subjectId) {
        return Bytes.wrap(subjectId.getBytes(StandardCharsets.UTF_8));
    }
}
