package dev.freshet.ingest.stream;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of raw records per source: turned into canonical events, or dead-lettered (by reason).
 * Thread-safe; shared by every stream thread of a process.
 *
 * <p>These count processing, not committed output: when a transaction aborts (a crash, a
 * rebalance) its records are processed again and counted again. The topics are the exact record;
 * these are for watching the pipeline.
 */
public final class IngestCounters {

    private final ConcurrentMap<String, LongAdder> valid = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ConcurrentMap<String, LongAdder>> dead = new ConcurrentHashMap<>();

    void countValid(String source) {
        valid.computeIfAbsent(source, s -> new LongAdder()).increment();
    }

    void countDeadLetter(String source, String reason) {
        dead.computeIfAbsent(source, s -> new ConcurrentHashMap<>()).computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** Records of the source that became canonical events. */
    public long valid(String source) {
        LongAdder a = valid.get(source);
        return a == null ? 0 : a.sum();
    }

    /** Records of the source sent to the dead-letter topic, for every reason. */
    public long deadLettered(String source) {
        return deadLetteredByReason(source).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Dead-lettered records of the source by reason code (see {@link DeadLetters}), sorted by code. */
    public Map<String, Long> deadLetteredByReason(String source) {
        Map<String, Long> out = new TreeMap<>();
        Map<String, LongAdder> byReason = dead.get(source);
        if (byReason != null) {
            byReason.forEach((reason, count) -> out.put(reason, count.sum()));
        }
        return out;
    }
}
