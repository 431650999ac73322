package dev.freshet.bench.freshness;

import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The probe events of a freshness run: probe {@code n} is the only event of entity {@code probe-<n>},
 * so the first time that entity shows up somewhere is the time that one event got there. Records,
 * per probe, {@link System#nanoTime()} at the producer's {@code send} and when it was first seen at
 * each {@link Stage}; 0 while not yet seen. Thread-safe: one producer thread allocates probes, and
 * each stage has one watcher thread.
 */
final class Probes {

    /** Where a probe is seen, in pipeline order. */
    enum Stage {
        /** The raw topic, read uncommitted by a plain consumer: Kafka's own latency (the anchor). */
        RAW,
        /** The parsed-events topic, read committed: after the ingest sub-topology's transaction commits. */
        EVENTS,
        /** The tiles topic, read committed: after the features sub-topology publishes and commits the tile. */
        TILES,
        /** The HTTP API answers PRESENT: after the tile sink wrote the tile to the online store. */
        API
    }

    private final AtomicLongArray sent;
    private final Map<Stage, AtomicLongArray> seen = new EnumMap<>(Stage.class);
    private final AtomicInteger count = new AtomicInteger();

    Probes(int capacity) {
        sent = new AtomicLongArray(capacity);
        for (Stage s : Stage.values()) {
            seen.put(s, new AtomicLongArray(capacity));
        }
    }

    static String id(int n) {
        return "probe-" + n;
    }

    /** The probe number of an entity id, or -1 when it is not a probe. */
    static int parse(String id) {
        return id.startsWith("probe-") ? Integer.parseInt(id, 6, id.length(), 10) : -1;
    }

    /** Allocates the next probe and records its send time; call just before sending it, from one thread. */
    int next() {
        int n = count.get();
        if (n >= sent.length()) {
            throw new IllegalStateException("more than " + sent.length() + " probes");
        }
        sent.set(n, System.nanoTime());
        count.set(n + 1); // published after its send time: a reader that sees the count sees the time
        return n;
    }

    int count() {
        return count.get();
    }

    /** Records that probe {@code n} was seen at a stage at {@code nanos}, unless it was seen there before. */
    void seen(Stage stage, int n, long nanos) {
        if (n < sent.length()) {
            seen.get(stage).compareAndSet(n, 0, nanos);
        }
    }

    boolean isSeen(Stage stage, int n) {
        return seen.get(stage).get(n) != 0;
    }

    /**
     * The {@code k} probes of {@code [from, to)} slowest to reach the API: for each, when it was sent (seconds after
     * probe {@code from}) and its delay to every stage, so that a tail made of one stall shows as probes sent together.
     */
    String slowest(int from, int to, int k) {
        Integer[] order = new Integer[to - from];
        for (int i = 0; i < order.length; i++) {
            order[i] = from + i;
        }
        AtomicLongArray api = seen.get(Stage.API);
        Arrays.sort(order, Comparator.comparingLong(n -> -(api.get(n) == 0 ? Long.MAX_VALUE : api.get(n) - sent.get(n))));
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(k, order.length); i++) {
            int n = order[i];
            long wall = System.currentTimeMillis() - (System.nanoTime() - sent.get(n)) / 1_000_000;
            b.append(String.format(Locale.ROOT, "    sent at %6.2f s (%tT.%<tL):", (sent.get(n) - sent.get(from)) / 1e9, wall));
            for (Stage s : Stage.values()) {
                long at = seen.get(s).get(n);
                b.append(String.format(Locale.ROOT, " %s %s", s, at == 0 ? "-" : String.format(Locale.ROOT, "%.0f ms", (at - sent.get(n)) / 1e6)));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** Delays in ms from send to first seen at {@code stage}, of probes {@code [from, to)}. */
    Stats stats(Stage stage, int from, int to) {
        AtomicLongArray at = seen.get(stage);
        double[] ms = new double[to - from];
        int found = 0;
        for (int n = from; n < to; n++) {
            if (at.get(n) != 0) {
                ms[found++] = (at.get(n) - sent.get(n)) / 1e6;
            }
        }
        double[] sorted = Arrays.copyOf(ms, found);
        Arrays.sort(sorted);
        return new Stats(to - from, sorted);
    }

    /** Delays in ms, sorted; {@link #missing()} probes never got there. */
    record Stats(int probes, double[] sortedMs) {
        int missing() {
            return probes - sortedMs.length;
        }

        double percentile(double q) {
            if (sortedMs.length == 0) {
                return Double.NaN;
            }
            return sortedMs[Math.min(sortedMs.length - 1, Math.max(0, (int) Math.ceil(q * sortedMs.length) - 1))];
        }

        double max() {
            return sortedMs.length == 0 ? Double.NaN : sortedMs[sortedMs.length - 1];
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms%s", percentile(0.5), percentile(0.99), max(),
                    missing() == 0 ? "" : " (" + missing() + " of " + probes + " never seen)");
        }
    }
}
