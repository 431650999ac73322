package dev.freshet.learners.stream;

import dev.freshet.core.definition.RewardSpec;
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
 * Joins subjects with their outcomes within each group's window.
 *
 * <p>A subject waits in the pending store (id → its state and JSON), and in the deadline store, whose
 * keys (deadline as big-endian bytes, then the id) sort by deadline, so that subjects whose window has
 * passed are found by a range scan rather than a scan of all. With {@code first}, the first usable
 * outcome of the group's kind (or sent through the API) is written at once, and the subject stays,
 * marked settled, until its deadline, so that later outcomes count as duplicates; with {@code sum} and
 * {@code last}, outcomes accumulate and the joined record is written when the window closes. A
 * wall-clock punctuation closes windows: it writes every unsettled subject whose deadline passed, with
 * what accumulated or the group's default, and forgets it.
 *
 * <p>An outcome can overtake its subject (it takes the longer way, through its source's topics, but a
 * loaded machine reorders): one that finds no subject waits {@value #EARLY_GRACE_MS} ms for it in the
 * early store, and is applied when the subject arrives, or counted as unknown when it does not.
 *
 * <p>Windows are measured on the wall clock from the subject's time: subjects are made now, and a
 * window must close even when no more records arrive.
 */
final class OutcomeJoinProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger log = LoggerFactory.getLogger(OutcomeJoinProcessor.class);
    private static final byte[] EMPTY = new byte[0];
    /** Stored before a subject's JSON: deadline, outcome count (-1: settled), accumulated outcome, last outcome time. */
    private static final int HEADER = 8 + 4 + 8 + 8;
    private static final int SETTLED = -1;
    /** Deadline keys: a subject's window, or how long an early outcome waits for its subject. */
    private static final byte WINDOW = 0;
    private static final byte EARLY = 1;
    /**
     * How long an outcome that arrives before its subject waits for it: the outcome takes a longer way
     * (its source's raw topic, ingest, repartition) than the subject, but can still overtake it on a
     * loaded machine, and must not be lost then.
     */
    static final long EARLY_GRACE_MS = 10_000;

    private final Map<String, OutcomeRule> rules;
    private final Map<String, Integer> kindOfGroup;
    private final Subjects subjects;
    private final JoinCounters counters;
    private final String pendingName;
    private final String deadlinesName;
    private final String earlyName;
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<Bytes, byte[]> pending;
    private KeyValueStore<Bytes, byte[]> deadlines;
    /** Outcomes that arrived before their subject, by subject id: their deadline, then each record with its length. */
    private KeyValueStore<Bytes, byte[]> early;

    OutcomeJoinProcessor(Map<String, OutcomeRule> rules, Map<String, Integer> kindOfGroup, Subjects subjects, JoinCounters counters,
                         String pendingName, String deadlinesName, String earlyName) {
        this.rules = rules;
        this.kindOfGroup = kindOfGroup;
        this.subjects = subjects;
        this.counters = counters;
        this.pendingName = pendingName;
        this.deadlinesName = deadlinesName;
        this.earlyName = earlyName;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.pending = context.getStateStore(pendingName);
        this.deadlines = context.getStateStore(deadlinesName);
        this.early = context.getStateStore(earlyName);
        context.schedule(sweepInterval(rules.values()), PunctuationType.WALL_CLOCK_TIME, this::expire);
    }

    /** A tenth of the shortest window, between 100 ms and 1 s: a window closes at most that late. */
    static Duration sweepInterval(Iterable<OutcomeRule> rules) {
        long shortest = Long.MAX_VALUE;
        for (OutcomeRule r : rules) {
            shortest = Math.min(shortest, r.window().toMillis());
        }
        return Duration.ofMillis(Math.clamp(shortest / 10, 100, 1_000));
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        byte[] value = record.value();
        if (value == null || value.length == 0 || record.key() == null) {
            return;
        }
        if (value[0] == OutcomeJoin.SUBJECT) {
            subject(record.key(), Arrays.copyOfRange(value, 1, value.length));
        } else if (value[0] == OutcomeJoin.OUTCOME || value[0] == OutcomeJoin.OUTCOMES) {
            if (pending.get(Bytes.wrap(record.key())) == null) {
                holdEarly(record.key(), value);
            } else {
                outcome(record.key(), value);
            }
        }
    }

    /** Applies an outcome record to its waiting subject. */
    private void outcome(byte[] id, byte[] value) {
        if (value[0] == OutcomeJoin.OUTCOME) {
            outcome(id, ByteBuffer.wrap(value, 1, value.length - 1), 1);
        } else {
            ByteBuffer b = ByteBuffer.wrap(value, 1, value.length - 1);
            outcome(id, b, b.getInt());
        }
    }

    /** Keeps an outcome whose subject has not arrived (yet) for {@link #EARLY_GRACE_MS}; it counts as unknown if none comes. */
    private void holdEarly(byte[] id, byte[] value) {
        Bytes key = Bytes.wrap(id);
        byte[] held = early.get(key);
        if (held == null) {
            long deadline = context.currentSystemTimeMs() + EARLY_GRACE_MS;
            early.put(key, ByteBuffer.allocate(8 + 4 + value.length).putLong(deadline).putInt(value.length).put(value).array());
            deadlines.put(deadlineKey(deadline, EARLY, id), EMPTY);
        } else {
            early.put(key, ByteBuffer.allocate(held.length + 4 + value.length).put(held).putInt(value.length).put(value).array());
        }
    }

    /** The outcome records held for a subject that has just arrived, in arrival order; they leave the early store. */
    private List<byte[]> takeEarly(byte[] id) {
        Bytes key = Bytes.wrap(id);
        byte[] held = early.get(key);
        if (held == null) {
            return List.of();
        }
        ByteBuffer b = ByteBuffer.wrap(held);
        long deadline = b.getLong();
        List<byte[]> records = new ArrayList<>();
        while (b.hasRemaining()) {
            byte[] r = new byte[b.getInt()];
            b.get(r);
            records.add(r);
        }
        early.delete(key);
        deadlines.delete(deadlineKey(deadline, EARLY, id));
        return records;
    }

    private void subject(byte[] id, byte[] json) {
        Subjects.Subject s;
        try {
            s = subjects.read(json);
        } catch (InvalidInputException e) {
            log.warn("skipped a subject record that cannot be read: {}", e.getMessage());
            return;
        }
        OutcomeRule rule = rules.get(s.group());
        if (rule == null) {
            counters.unknownGroups.increment();
            return;
        }
        Bytes key = Bytes.wrap(id);
        if (pending.get(key) != null) {
            counters.duplicateSubjects.increment();
            return;
        }
        long deadline = s.timestamp() + rule.window().toMillis();
        pending.put(key, ByteBuffer.allocate(HEADER + json.length).putLong(deadline).putInt(0).putDouble(0).putLong(0).put(json).array());
        deadlines.put(deadlineKey(deadline, WINDOW, id), EMPTY);
        counters.subjects.increment();
        for (byte[] held : takeEarly(id)) {
            outcome(id, held);
        }
    }

    /** One event's outcomes for a subject: {@code n} of them (kind, value, time) in {@code b}, of different kinds. */
    private void outcome(byte[] id, ByteBuffer b, int n) {
        Bytes key = Bytes.wrap(id);
        byte[] stored = pending.get(key);
        ByteBuffer s = ByteBuffer.wrap(stored);
        long deadline = s.getLong();
        int count = s.getInt();
        double accumulated = s.getDouble();
        byte[] json = Arrays.copyOfRange(stored, HEADER, stored.length);
        if (count == SETTLED) {
            counters.duplicateOutcomes.increment();
            return;
        }
        String group = subjects.read(json).group();
        Integer expected = kindOfGroup.get(group);
        double value = 0;
        long timestamp = 0;
        boolean found = false;
        for (int i = 0; i < n && !found; i++) {
            int kind = b.getInt();
            value = b.getDouble();
            timestamp = b.getLong();
            found = kind == OutcomeJoin.ANY_KIND || (expected != null && expected == kind);
        }
        if (!found) {
            counters.unknownOutcomes.increment(); // outcomes of other kinds: the subject keeps waiting for its own
            return;
        }
        OutcomeRule rule = rules.get(group);
        switch (rule.aggregate()) {
            case FIRST -> {
                emit(group, json, value, 1, timestamp, id);
                counters.observed.increment();
                // kept, settled, until its deadline: later outcomes are duplicates, not unknown
                pending.put(key, ByteBuffer.allocate(HEADER).putLong(deadline).putInt(SETTLED).putDouble(value).putLong(timestamp).array());
            }
            case SUM, LAST -> {
                double next = rule.aggregate() == RewardSpec.Aggregate.SUM ? accumulated + value : value;
                pending.put(key, ByteBuffer.allocate(stored.length).putLong(deadline).putInt(count + 1).putDouble(next)
                        .putLong(timestamp).put(json).array());
            }
        }
    }

    private void expire(long now) {
        List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = deadlines.range(null, deadlineKey(now, EARLY, EMPTY))) {
            while (it.hasNext()) {
                due.add(it.next());
            }
        }
        for (KeyValue<Bytes, byte[]> d : due) {
            byte[] k = d.key.get();
            long deadline = ByteBuffer.wrap(k).getLong();
            byte type = k[8];
            byte[] id = Arrays.copyOfRange(k, 9, k.length);
            if (type == EARLY) {
                counters.unknownOutcomes.add(takeEarly(id).size()); // no subject came: never made, or past its window
                continue;
            }
            byte[] stored = pending.get(Bytes.wrap(id));
            if (stored != null) {
                close(id, stored, deadline);
                pending.delete(Bytes.wrap(id));
            }
            deadlines.delete(d.key);
        }
    }

    /** Writes what a subject's closed window holds: what accumulated, or the default; nothing when already settled. */
    private void close(byte[] id, byte[] stored, long deadline) {
        ByteBuffer b = ByteBuffer.wrap(stored);
        b.getLong();
        int count = b.getInt();
        double accumulated = b.getDouble();
        long last = b.getLong();
        if (count == SETTLED) {
            return;
        }
        byte[] json = Arrays.copyOfRange(stored, HEADER, stored.length);
        String group = subjects.read(json).group();
        OutcomeRule rule = rules.get(group);
        if (rule == null) {
            return;
        }
        if (count > 0) {
            emit(group, json, accumulated, count, last, id);
            counters.observed.increment();
        } else {
            emit(group, json, rule.defaultOutcome(), 0, deadline, id);
            counters.defaulted.increment();
        }
    }

    private void emit(String group, byte[] json, double outcome, int outcomes, long timestamp, byte[] id) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(OutcomeJoin.GROUP_HEADER, group.getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(id, subjects.joined(json, outcome, outcomes, timestamp), timestamp, headers));
    }

    /** Deadline (big-endian, so keys sort by time for non-negative deadlines), what it is due for, then the subject id. */
    private static Bytes deadlineKey(long deadline, byte type, byte[] id) {
        return Bytes.wrap(ByteBuffer.allocate(8 + 1 + id.length).putLong(Math.max(0, deadline)).put(type).put(id).array());
    }
}
