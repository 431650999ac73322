package dev.freshet.features;

import org.apache.kafka.common.utils.Bytes;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which of a task's recent tiles are in its tile store, so that an event opening a new tile (in a
 * stream in time order, most events do) need not look it up in RocksDB: a lookup of a missing key
 * is the dearest kind there is, since RocksDB's Java binding throws and catches a C++ exception
 * for every miss.
 *
 * <p>Exact from a tile start {@link #from} on: the tiles at or after it that were in the store when
 * tracking began (one range scan, at the task's start) and every tile written since. The start
 * follows stream time ({@link #advance}), so only the last {@link #TRACKED_TILES} tiles are kept;
 * older tiles, and every tile once more than {@link #MAX_KEYS} keys are tracked (tracking then
 * stops for good), are looked up in the store as before. Not thread-safe (one stream task).
 */
final class KnownTiles {

    /** How many tiles back from stream time's are tracked. */
    static final int TRACKED_TILES = 8;
    /**
     * Tracking stops above this many keys (about 100 bytes of heap each, so some 13 MB per task and
     * view at most): 16,000 entities with an event in each of the last 8 tiles.
     */
    static final int MAX_KEYS = 1 << 17;

    private final TreeMap<Long, Set<Bytes>> byStart = new TreeMap<>();
    private long from = Long.MAX_VALUE;
    private int size;

    /** Forgets everything and tracks from {@code from} on (Long.MAX_VALUE: nothing), for a scan of the store's tiles from there to follow. */
    void reset(long from) {
        byStart.clear();
        size = 0;
        this.from = from;
    }

    /** Whether the tile starting at {@code start} is tracked: {@link #exists} then answers for it. */
    boolean tracks(long start) {
        return start >= from;
    }

    /** Whether a tracked tile is in the store. */
    boolean exists(Bytes key, long start) {
        Set<Bytes> keys = byStart.get(start);
        return keys != null && keys.contains(key);
    }

    /** A tile is in the store (found by the scan, or written). */
    void written(Bytes key, long start) {
        if (start < from) {
            return;
        }
        if (byStart.computeIfAbsent(start, s -> new HashSet<>()).add(key) && ++size > MAX_KEYS) {
            reset(Long.MAX_VALUE);
        }
    }

    /** A tile left the store. */
    void removed(Bytes key, long start) {
        Set<Bytes> keys = start >= from ? byStart.get(start) : null;
        if (keys != null && keys.remove(key)) {
            size--;
        }
    }

    /** Stops tracking the tiles before {@code newFrom} (a later start than now; an earlier one is ignored). */
    void advance(long newFrom) {
        if (newFrom <= from) {
            return;
        }
        var heads = byStart.headMap(newFrom);
        for (Set<Bytes> keys : heads.values()) {
            size -= keys.size();
        }
        heads.clear();
        from = newFrom;
    }

    /** The first tracked tile start (Long.MAX_VALUE when tracking stopped). */
    long from() {
        return from;
    }

    /** How many tiles are tracked. */
    int size() {
        return size;
    }
}
