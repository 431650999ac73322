package dev.freshet.online;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.freshet.core.aggregate.FeatureValue;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The feature values of the entities read recently, as the window merge computed them, so that a
 * repeated lookup of an entity neither merges its tiles again nor reads them: a lookup whose entity
 * is here costs a map lookup per feature.
 *
 * <p>What a feature's value depends on, besides the entity's tiles, is where the lookup time falls on
 * the tile grid: a window takes the tiles that start in {@code [tileStart(t) - window, t)}. So an
 * entry holds the values for one {@link Position} and is of no use at another (the next tile). The
 * statuses (expiry, {@code ttl}) depend on the time itself and are not cached, only what they are
 * computed from (whether the entity is known, its latest event time).
 *
 * <p>Kept current by the store's own writes: a write to an entity drops its entry ({@link #invalidate}).
 * This is exact only because the RocksDB store has one writer, in this process. A reader that computed
 * values from tiles read before a write offers them with the stamp it saw first, and they are not
 * cached when a write happened meanwhile ({@link #offer}), as in {@link TileCache}. Bounded by entries (entities
 * of a view), least recently and frequently used first out. Thread-safe.
 */
final class ValueCache {

    /**
     * Where a lookup time falls on a view's tile grid: the start of its tile, and whether it is past that
     * start (then the tile itself is in the windows) or exactly on it (then the windows end before it).
     */
    record Position(long tileStart, boolean inside) {
        static Position of(long t, long tileStart) {
            return new Position(tileStart, t > tileStart);
        }
    }

    /**
     * The values of one entity in one view at one position, by the view's feature index: every feature of
     * the view (none for an entity the store does not know), computed from one reading of its tiles, so
     * that an entry is never pieced together from readings on either side of a write. Immutable.
     *
     * @param known  whether the store holds any tile of the entity
     * @param latest the latest event time of its tiles ({@link EntityTiles#latestEventTime()})
     */
    record Entry(Position position, boolean known, long latest, FeatureValue[] values) {

        /** The value of a feature (null for an entity the store does not know). */
        FeatureValue value(int feature) {
            return values[feature];
        }
    }

    private final long maxEntities;
    private final AtomicLong writes = new AtomicLong();
    /** Replaced, not emptied, by {@link #clear}: see there. */
    private volatile Cache<TileCache.Key, Entry> cache;

    /** @param maxEntities the most entities held, over all views */
    ValueCache(long maxEntities) {
        this.maxEntities = maxEntities;
        this.cache = newCache();
    }

    private Cache<TileCache.Key, Entry> newCache() {
        return Caffeine.newBuilder().maximumSize(maxEntities).build();
    }

    /** The stamp to pass to {@link #offer}: read it before reading the tiles the values are computed from. */
    long stamp() {
        return writes.get();
    }

    /** The entry of an entity at a position, or null. */
    Entry get(TileCache.Key key, Position position) {
        Entry e = cache.getIfPresent(key);
        return e != null && e.position().equals(position) ? e : null;
    }

    /**
     * Caches values computed from tiles read after {@code stamp}, unless a write happened since. The check and the
     * insertion are one atomic step on the key: a stale entry is never visible, not even for a moment (a writer
     * counts its write before it invalidates the key, and its invalidation waits for a check in progress).
     */
    void offer(TileCache.Key key, Entry computed, long stamp) {
        cache.asMap().compute(key, (k, old) -> writes.get() == stamp ? computed : old);
    }

    /**
     * After a database write: forgets the entities it touched. Each key is removed with {@code compute}, which waits
     * for an {@link #offer} of the same key in progress (as in {@link TileCache#applied}).
     */
    void invalidate(Collection<TileCache.Key> written) {
        writes.incrementAndGet();
        Map<TileCache.Key, Entry> map = cache.asMap();
        for (TileCache.Key key : written) {
            map.compute(key, (k, old) -> null);
        }
    }

    /** After a write that may touch any entity (a sweep): forgets everything, by starting a new cache (as {@link TileCache#clear}). */
    void clear() {
        writes.incrementAndGet();
        cache = newCache();
    }

    long size() {
        return cache.estimatedSize();
    }
}
