package dev.freshet.learners.stream;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.ModelDefinition;
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

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The topology that turns predictions and labels into training examples, for every model of a
 * configuration:
 * <ol>
 *   <li>predictions are read from {@value TrainingTopics#PREDICTIONS}, keyed by prediction id;</li>
 *   <li>each label source's canonical events are re-keyed by the prediction id they carry and
 *       repartitioned like the predictions, so a prediction and its label meet in one task;</li>
 *   <li>{@link LabelJoinProcessor} keeps each prediction until its label arrives (the first wins)
 *       or its window passes (then the model's default label applies), and writes the example to
 *       {@code freshet.examples.<model>}.</li>
 * </ol>
 * Exactly once, like the rest of the pipeline: the pending predictions live in state stores whose
 * changelogs commit with the output.
 */
public final class LabelJoin {

    static final byte PREDICTION = 'P';
    static final byte LABEL = 'L';
    static final String PENDING_STORE = "pending-predictions";
    static final String DEADLINE_STORE = "prediction-deadlines";
    /** The record header that names an example's model; it routes the example to its topic. */
    static final String MODEL_HEADER = "freshet.model";

    private LabelJoin() {
    }

    /**
     * The topology for a configuration's models.
     *
     * @param eventsTopic the canonical events topic of a source, by source name
     * @throws IllegalArgumentException when the configuration has no models
     */
    public static Topology topology(FreshetConfig config, Function<String, String> eventsTopic, TrainingCounters counters) {
        if (config.models().isEmpty()) {
            throw new IllegalArgumentException("the configuration has no models, so there is nothing to train");
        }
        StreamsBuilder builder = new StreamsBuilder();
        // a kind of label is a source and the two fields read from it; models may share one
        List<LabelKind> kinds = new ArrayList<>();
        Map<String, Integer> kindOfModel = new LinkedHashMap<>();
        for (ModelDefinition m : config.models()) {
            LabelKind kind = new LabelKind(m.label().source(), m.label().joinKey(), m.label().field());
            if (!kinds.contains(kind)) {
                kinds.add(kind);
            }
            kindOfModel.put(m.name(), kinds.indexOf(kind));
        }
        KStream<byte[], byte[]> merged = builder.stream(TrainingTopics.PREDICTIONS,
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("predictions"))
                .mapValues(v -> tagged(PREDICTION, v), Named.as("tag-predictions"));
        List<String> sources = kinds.stream().map(LabelKind::source).distinct().toList();
        for (String sourceName : sources) {
            merged = merged.merge(labels(builder, config, sourceName, kinds, eventsTopic, counters), Named.as("merge-labels-" + sourceName));
        }
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_STORE), Serdes.Bytes(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEADLINE_STORE), Serdes.Bytes(), Serdes.ByteArray()));
        Map<String, ModelDefinition> models = new LinkedHashMap<>();
        config.models().forEach(m -> models.put(m.name(), m));
        merged.process(() -> new LabelJoinProcessor(models, kindOfModel, counters), Named.as("label-join"), PENDING_STORE, DEADLINE_STORE)
                .to((key, value, context) -> examplesTopic(models, context.headers().lastHeader(MODEL_HEADER).value()),
                        Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("examples"));
        return builder.build();
    }

    /** A source and the fields its label events are read from. */
    record LabelKind(String source, String joinKey, String field) {
    }

    private static KStream<byte[], byte[]> labels(StreamsBuilder builder, FreshetConfig config, String sourceName, List<LabelKind> kinds,
                                                  Function<String, String> eventsTopic, TrainingCounters counters) {
        Source source = config.definitions().source(sourceName).orElseThrow(
                () -> new IllegalArgumentException("label source " + sourceName + " is not a source of the configuration"));
        List<Integer> indexes = new ArrayList<>();
        List<LabelEvents> readers = new ArrayList<>();
        for (int k = 0; k < kinds.size(); k++) {
            LabelKind kind = kinds.get(k);
            if (kind.source().equals(sourceName)) {
                indexes.add(k);
                readers.add(new LabelEvents(source, kind.joinKey(), kind.field()));
            }
        }
        return builder.stream(eventsTopic.apply(sourceName), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("labels-" + sourceName))
                .flatMap((key, value) -> {
                    List<KeyValue<byte[], byte[]>> out = new ArrayList<>(1);
                    for (int r = 0; r < readers.size(); r++) {
                        LabelEvents.Label label = readers.get(r).read(value);
                        if (label != null) {
                            out.add(KeyValue.pair(LabelEvents.key(label), LabelEvents.encode(indexes.get(r), label)));
                        }
                    }
                    if (out.isEmpty()) {
                        counters.badLabels.increment();
                    }
                    return out;
                }, Named.as("label-by-prediction-" + sourceName))
                .repartition(Repartitioned.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withName("labels-" + sourceName)
                        .withNumberOfPartitions(config.kafka().partitions()));
    }

    private static String examplesTopic(Map<String, ModelDefinition> models, byte[] model) {
        return models.get(new String(model, StandardCharsets.UTF_8)).examplesTopic();
    }

    static byte[] tagged(byte tag, byte[] value) {
        byte[] out = new byte[value.length + 1];
        out[0] = tag;
        System.arraycopy(value, 0, out, 1, value.length);
        return out;
    }

    static Bytes key(String predictionId) {
        return Bytes.wrap(predictionId.getBytes(StandardCharsets.UTF_8));
    }
}
