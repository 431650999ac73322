package dev.freshet.features;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the features topology did, per feature view. Thread-safe. Like the ingest counters these
 * count processing: records of an aborted transaction are processed, and counted, again.
 */
public final class FeatureCounters {

    /** Something the topology counts. */
    public enum Kind {
        /** Events added to a tile. */
        APPLIED,
        /** Events whose tile was already closed (older than the view's retention behind stream time), skipped. */
        LATE,
        /** Canonical events that could not be read, or lack the view's entity key, skipped. */
        UNREADABLE,
        /** Tile records published to {@code freshet.tiles.<view>} (updates, lifetime prefixes and deletions). */
        PUBLISHED,
        /** Tiles closed and dropped from state (rolled into the lifetime prefix when the view has lifetime features). */
        EXPIRED
    }

    private final ConcurrentMap<String, LongAdder[]> byView = new ConcurrentHashMap<>();

    void add(String view, Kind kind, long n) {
        byView.computeIfAbsent(view, v -> {
            LongAdder[] a = new LongAdder[Kind.values().length];
            for (int i = 0; i < a.length; i++) {
                a[i] = new LongAdder();
            }
            return a;
        })[kind.ordinal()].add(n);
    }

    /** The count of {@code kind} for a view (0 for a view not seen yet). */
    public long get(String view, Kind kind) {
        LongAdder[] a = byView.get(view);
        return a == null ? 0 : a[kind.ordinal()].sum();
    }
}
