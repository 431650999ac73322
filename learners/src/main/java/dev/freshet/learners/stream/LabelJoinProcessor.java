package dev.freshet.learners.stream;

import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.error.InvalidInputException;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Joins predictions with their labels within each model's label window.
 *
 * <p>A prediction waits in the pending store (prediction id → deadline and the prediction's JSON),
 * and in the deadline store, whose keys (deadline as big-endian bytes, then the id) sort by
 * deadline so that expired predictions are found by a range scan rather than a scan of all. The
 * first usable label of the model's kind turns the prediction into a labelled example; a wall-clock
 * punctuation turns every prediction whose deadline has passed into an example with the model's
 * default label. Either way the prediction leaves both stores, so a later label is unknown.
 *
 * <p>Windows are measured on the wall clock against the prediction's serving time: predictions are
 * served now, and a window must close even when no more records arrive.
 */
final class LabelJoinProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger log = LoggerFactory.getLogger(LabelJoinProcessor.class);
    private static final byte[] EMPTY = new byte[0];

    private final Map<String, ModelDefinition> models;
    private final Map<String, Integer> kindOfModel;
    private final TrainingCounters counters;
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<Bytes, byte[]> pending;
    private KeyValueStore<Bytes, byte[]> deadlines;

    LabelJoinProcessor(Map<String, ModelDefinition> models, Map<String, Integer> kindOfModel, TrainingCounters counters) {
        this.models = models;
        this.kindOfModel = kindOfModel;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.pending = context.getStateStore(LabelJoin.PENDING_STORE);
        this.deadlines = context.getStateStore(LabelJoin.DEADLINE_STORE);
        context.schedule(sweepInterval(models.values()), PunctuationType.WALL_CLOCK_TIME, this::expire);
    }

    /** A tenth of the shortest window, between 100 ms and 1 s: a default label comes at most that late. */
    static Duration sweepInterval(Iterable<ModelDefinition> models) {
        long shortest = Long.MAX_VALUE;
        for (ModelDefinition m : models) {
            shortest = Math.min(shortest, m.label().window().toMillis());
        }
        return Duration.ofMillis(Math.clamp(shortest / 10, 100, 1_000));
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        byte[] value = record.value();
        if (value == null || value.length == 0 || record.key() == null) {
            return;
        }
        if (value[0] == LabelJoin.PREDICTION) {
            prediction(record.key(), Arrays.copyOfRange(value, 1, value.length));
        } else if (value[0] == LabelJoin.LABEL) {
            ByteBuffer b = ByteBuffer.wrap(value, 1, value.length - 1);
            label(record.key(), b.getInt(), b.getDouble(), b.getLong());
        }
    }

    private void prediction(byte[] id, byte[] json) {
        LoggedPrediction p;
        try {
            p = TrainingJson.decodePrediction(json);
        } catch (InvalidInputException e) {
            log.warn("skipped a record of {} that is not a prediction: {}", TrainingTopics.PREDICTIONS, e.getMessage());
            return;
        }
        ModelDefinition model = models.get(p.model());
        if (model == null) {
            counters.unknownModels.increment();
            return;
        }
        Bytes key = Bytes.wrap(id);
        if (pending.get(key) != null) {
            counters.duplicatePredictions.increment();
            return;
        }
        long deadline = p.timestamp() + model.label().window().toMillis();
        pending.put(key, ByteBuffer.allocate(8 + json.length).putLong(deadline).put(json).array());
        deadlines.put(deadlineKey(deadline, id), EMPTY);
        counters.predictions.increment();
    }

    private void label(byte[] id, int kind, double value, long timestamp) {
        Bytes key = Bytes.wrap(id);
        byte[] stored = pending.get(key);
        if (stored == null) {
            counters.unknownLabels.increment();
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(stored);
        long deadline = b.getLong();
        LoggedPrediction p = TrainingJson.decodePrediction(Arrays.copyOfRange(stored, 8, stored.length));
        Integer expected = kindOfModel.get(p.model());
        if (expected == null || expected != kind) {
            counters.unknownLabels.increment(); // a label of another kind: the prediction keeps waiting for its own
            return;
        }
        emit(new TrainingExample(p, value, true, timestamp), id);
        counters.labelled.increment();
        pending.delete(key);
        deadlines.delete(deadlineKey(deadline, id));
    }

    private void expire(long now) {
        List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = deadlines.range(null, deadlineKey(now, EMPTY))) {
            while (it.hasNext()) {
                due.add(it.next());
            }
        }
        for (KeyValue<Bytes, byte[]> d : due) {
            byte[] k = d.key.get();
            long deadline = ByteBuffer.wrap(k).getLong();
            byte[] id = Arrays.copyOfRange(k, 8, k.length);
            byte[] stored = pending.get(Bytes.wrap(id));
            if (stored != null) {
                LoggedPrediction p = TrainingJson.decodePrediction(Arrays.copyOfRange(stored, 8, stored.length));
                ModelDefinition model = models.get(p.model());
                if (model != null) {
                    emit(new TrainingExample(p, model.label().defaultLabel(), false, deadline), id);
                    counters.defaulted.increment();
                }
                pending.delete(Bytes.wrap(id));
            }
            deadlines.delete(d.key);
        }
    }

    private void emit(TrainingExample example, byte[] id) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(LabelJoin.MODEL_HEADER, example.prediction().model().getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(id, TrainingJson.encode(example), example.labelTimestamp(), headers));
    }

    /** Deadline (big-endian, so keys sort by time for non-negative deadlines) then the prediction id. */
    private static Bytes deadlineKey(long deadline, byte[] id) {
        return Bytes.wrap(ByteBuffer.allocate(8 + id.length).putLong(Math.max(0, deadline)).put(id).array());
    }
}
