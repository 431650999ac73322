package dev.freshet.online;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.event.EntityKey;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The decoded tiles of the entities read recently, so that a lookup of a busy entity neither crosses
 * into RocksDB nor decodes a tile: reading a window's tiles from the database and decoding them
 * costs about a microsecond per tile, merging them a few nanoseconds.
 *
 * <p>An entry holds every tile the store has for one entity in one view. It is kept current by the
 * store's own writes ({@link #applied}): a written tile replaces the cached one, a removal drops it.
 * This is exact only because the RocksDB store has one writer, in this process, and the store calls
 * {@link #applied} after each database write. Readers that load an entity race with writers; the
 * write stamp settles it: a reader offers what it loaded with the stamp it saw before loading, and
 * nothing is cached when a write happened meanwhile ({@link #offer}).
 *
 * <p>Bounded by the number of tiles held (an entry weighs its tile count plus one); the least
 * recently and frequently used entities leave first. Thread-safe.
 */
final class TileCache {

    /** One entity of one view. */
    record Key(String view, EntityKey entity) {
    }

    /** A change a write made to one tile of a cached entity: the new encoded tile, or null for a removal. */
    record Change(long start, byte[] tile) {
    }

    /** All tiles of an entity in a view, decoded; immutable once published. */
    static final class Entry {
        final Tile lifetime;
        final Tile[] tiles;
        final long latest;

        Entry(Tile lifetime, Tile[] tiles, long latest) {
            this.lifetime = lifetime;
            this.tiles = tiles;
            this.latest = latest;
        }

        int weight() {
            return tiles.length + 1;
        }

        /** The tiles as a store read returns them: the lifetime tile and the ordinary ones from {@code fromTile}. */
        EntityTiles view(EntityKey entity, long fromTile) {
            int from = 0;
            if (fromTile != TileKey.LIFETIME) {
                int lo = 0;
                int hi = tiles.length;
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (tiles[mid].start() < fromTile) {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                from = lo;
            }
            if (lifetime == null && tiles.length == 0) {
                return EntityTiles.none(entity);
            }
            return new EntityTiles(entity, lifetime, Arrays.asList(tiles).subList(from, tiles.length), latest);
        }

        /** A copy with the changes applied; decodes only the tiles the changes carry. */
        Entry with(List<Change> changes, ViewAggregator aggregator) {
            Tile life = lifetime;
            List<Tile> list = new ArrayList<>(Arrays.asList(tiles));
            for (Change c : changes) {
                if (c.start() == TileKey.LIFETIME) {
                    life = c.tile() == null ? null : aggregator.decode(c.tile());
                    continue;
                }
                int at = indexOf(list, c.start());
                if (c.tile() == null) {
                    if (at >= 0) {
                        list.remove(at);
                    }
                } else if (at >= 0) {
                    list.set(at, aggregator.decode(c.tile()));
                } else {
                    list.add(-at - 1, aggregator.decode(c.tile()));
                }
            }
            long newest = life == null ? Long.MIN_VALUE : life.latestEventTime();
            if (!list.isEmpty()) {
                // a tile holds only events of its own time slice, so the newest tile holds the latest event
                newest = Math.max(newest, list.getLast().latestEventTime());
            }
            return new Entry(life, list.toArray(new Tile[0]), newest);
        }

        private static int indexOf(List<Tile> list, long start) {
            int lo = 0;
            int hi = list.size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                long s = list.get(mid).start();
                if (s < start) {
                    lo = mid + 1;
                } else if (s > start) {
                    hi = mid - 1;
                } else {
                    return mid;
                }
            }
            return -(lo + 1);
        }
    }

    private final long maxTiles;
    private final Function<String, ViewAggregator> aggregators;
    private final AtomicLong writes = new AtomicLong();
    /** Replaced, not emptied, by {@link #clear}: see there. */
    private volatile Cache<Key, Entry> cache;

    /**
     * @param maxTiles    the most tiles held (0 disables the cache)
     * @param aggregators the aggregator of a view, to decode written tiles
     */
    TileCache(long maxTiles, Function<String, ViewAggregator> aggregators) {
        this.maxTiles = maxTiles;
        this.aggregators = aggregators;
        this.cache = newCache();
    }

    private Cache<Key, Entry> newCache() {
        return Caffeine.newBuilder().maximumWeight(maxTiles).weigher((Key k, Entry e) -> e.weight()).build();
    }

    /** The stamp to pass to {@link #offer}: read it before the database read takes its snapshot (creates its iterator). */
    long stamp() {
        return writes.get();
    }

    /** The cached tiles of an entity, or null. */
    Entry get(Key key) {
        return cache.getIfPresent(key);
    }

    /**
     * Caches what a reader loaded, unless the entity is cached already or a write happened since {@code stamp}
     * (then it may be stale). The check and the insertion are one atomic step on the key, so a stale entry is never
     * visible, not even for a moment: a writer counts its write before it updates the key ({@link #applied}).
     */
    void offer(Key key, Entry loaded, long stamp) {
        cache.asMap().compute(key, (k, old) -> old != null || writes.get() != stamp ? old : loaded);
    }

    /**
     * After a database write: brings the cached entities it touched up to date. Each key is updated with
     * {@code compute}, which waits for an {@link #offer} of the same key in progress. Not {@code computeIfPresent}:
     * Caffeine's looks the key up first without the key's lock, and while an offer that checked the stamp before this
     * write was counted is still inserting its entry, that lookup finds nothing, and the stale entry would stay
     * ({@code TileCacheTest.anOfferRacingAWriteOrAClearNeverLeavesAStaleEntry}).
     */
    void applied(Map<Key, List<Change>> changes) {
        writes.incrementAndGet();
        Map<Key, Entry> map = cache.asMap();
        changes.forEach((key, list) -> map.compute(key, (k, old) -> {
            if (old == null) {
                return null;
            }
            try {
                return old.with(list, aggregators.apply(k.view()));
            } catch (CorruptDataException e) {
                return null; // the next read loads the entity again and reports what cannot be read
            }
        }));
    }

    /**
     * After a write the cache cannot follow (a sweep): forgets everything, by starting a new cache. Emptying the
     * old one would not do: its iteration misses an entry that an offer which checked the stamp before this call is
     * still inserting. Such an offer now inserts into the old cache, which no reader sees any more.
     */
    void clear() {
        writes.incrementAndGet();
        cache = newCache();
    }

    long size() {
        return cache.estimatedSize();
    }
}
