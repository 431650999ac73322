package dev.freshet.online;

import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.TileHeader;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.OnlineStoreConfig;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.error.TransientException;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.core.feature.FeatureVector;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static dev.freshet.online.RocksDbDatabase.failure;

/**
 * The embedded online store: tiles in a RocksDB database of its own ({@code online_store.path}).
 * Key layout in {@link RocksDbKeys}: an 8-byte hash of (view, entity) as a fixed-length prefix, so
 * that one entity's tiles are contiguous and a read is a prefix seek checked by prefix bloom
 * filters (in the memtable and every SST file); the tile value is the encoded tile as the tile
 * topic carries it. Offsets live in the {@code meta} column family and are written in the same
 * {@link WriteBatch} as the tiles, so tiles and offsets are atomic; a stored offset is only ever
 * raised, so that a replayed batch cannot move it back. Options and native objects: {@link RocksDbDatabase}.
 *
 * <p>Writes go without fsync (the WAL is kept): the tile topics are the source of truth, and since
 * offsets are stored with the tiles, whatever a machine crash loses is consumed again.
 *
 * <p>Thread-safe. Every call holds the read side of a lock that {@link #close()} takes for writing,
 * because using a closed RocksDB handle from Java crashes the JVM instead of throwing.
 */
final class RocksDbOnlineStore implements OnlineStore {

    private static final Logger LOG = LoggerFactory.getLogger(RocksDbOnlineStore.class);
    private static final int SWEEP_BATCH = 10_000;

    private final Path path;
    private final WindowReader reader;
    private final UnknownViews unknownViews;
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private final RocksDbDatabase database;
    private final RocksDB db;
    private final ColumnFamilyHandle tiles;
    private final ColumnFamilyHandle meta;
    private final ReadOptions prefixRead;
    private final WriteOptions write;
    /** Decoded tiles of recently read entities; null when {@code cache_tiles} is 0. */
    private final TileCache cache;
    /** Computed values of recently read entities; null when {@code cache_values} is 0. */
    private final ValueCache values;

    private RocksDbOnlineStore(FreshetConfig config, RocksDbDatabase database, long cacheTiles, long cacheValues) {
        this.path = database.path;
        this.values = cacheValues == 0 ? null : new ValueCache(cacheValues);
        this.reader = new WindowReader(config.definitions(), values);
        this.cache = cacheTiles == 0 ? null : new TileCache(cacheTiles, reader::aggregator);
        this.unknownViews = new UnknownViews(config.definitions(), "online store " + path);
        this.database = database;
        this.db = database.db;
        this.tiles = database.tiles;
        this.meta = database.meta;
        this.prefixRead = database.prefixRead;
        this.write = database.write;
    }

    /**
     * Opens (creating when missing) the store in {@code settings.path()}.
     *
     * @throws TransientException when another process (probably another Freshet) has the directory open
     * @throws InvalidInputException when the directory cannot be created or holds something else
     * @throws CorruptDataException when the database cannot be read or has an unknown layout version
     */
    static RocksDbOnlineStore open(FreshetConfig config, OnlineStoreConfig.RocksDb settings) {
        RocksDbDatabase database = RocksDbDatabase.open(settings.path());
        try {
            return new RocksDbOnlineStore(config, database, settings.cacheTiles(), settings.cacheValues());
        } catch (RuntimeException | Error e) {
            database.close();
            throw e;
        }
    }

    @Override
    public void putTiles(TileBatch batch) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            // the newest state of each key the batch touches: what is stored, then each write in order
            Map<TileKey, Pending> pending = new LinkedHashMap<>();
            List<TileBatch.Write> writes = new ArrayList<>(batch.writes().size());
            for (TileBatch.Write w : batch.writes()) {
                if (!unknownViews.skip(w.key().view())) {
                    writes.add(w);
                    pending.computeIfAbsent(w.key(), k -> new Pending(RocksDbKeys.tileKey(k)));
                }
            }
            List<Pending> keys = new ArrayList<>(pending.values());
            // (RocksJava rejects an empty multiGet)
            List<byte[]> stored = keys.isEmpty() ? List.of() : db.multiGetAsList(keys.stream().map(p -> p.dbKey).toList());
            for (int i = 0; i < keys.size(); i++) {
                keys.get(i).present = stored.get(i) != null;
                keys.get(i).version = storedVersion(keys.get(i).dbKey, stored.get(i));
            }
            for (TileBatch.Write w : writes) {
                Pending p = pending.get(w.key());
                if (w.isRemoval()) {
                    p.remove();
                } else {
                    p.put(w.tile(), newVersion(w));
                }
            }
            try (WriteBatch wb = new WriteBatch()) {
                for (Pending p : keys) {
                    if (p.changed && p.value == null) {
                        wb.delete(tiles, p.dbKey);
                    } else if (p.changed) {
                        wb.put(tiles, p.dbKey, p.value);
                    }
                }
                putOffsets(batch.offsets(), wb);
                if (wb.count() > 0) {
                    db.write(write, wb);
                }
            }
            if (cache != null || values != null) {
                Map<TileCache.Key, List<TileCache.Change>> changes = changes(pending);
                if (cache != null) {
                    cache.applied(changes);
                }
                if (values != null) {
                    values.invalidate(changes.keySet()); // after the tile cache: see ValueCache.offer
                }
            }
        } catch (RocksDBException e) {
            throw failure("writing " + batch + " to", path, e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** What the batch changed, per entity: for the cache, which follows the database. */
    private static Map<TileCache.Key, List<TileCache.Change>> changes(Map<TileKey, Pending> pending) {
        Map<TileCache.Key, List<TileCache.Change>> changes = new HashMap<>();
        pending.forEach((key, p) -> {
            if (p.changed) {
                changes.computeIfAbsent(new TileCache.Key(key.view(), key.entity()), k -> new ArrayList<>())
                        .add(new TileCache.Change(key.tileStart(), p.value));
            }
        });
        return changes;
    }

    /** Adds the offsets that are higher than the stored ones to the batch: offsets never move back. */
    private void putOffsets(Map<TilePartition, Long> offsets, WriteBatch wb) throws RocksDBException {
        if (offsets.isEmpty()) {
            return;
        }
        List<TilePartition> partitions = new ArrayList<>(offsets.keySet());
        List<byte[]> keys = partitions.stream().map(RocksDbKeys::offsetKey).toList();
        List<byte[]> stored = db.multiGetAsList(Collections.nCopies(keys.size(), meta), keys);
        for (int i = 0; i < keys.size(); i++) {
            long next = offsets.get(partitions.get(i));
            byte[] old = stored.get(i);
            if (old == null || RocksDbKeys.longValue(old, "online store " + path + ": offset of " + partitions.get(i)) < next) {
                wb.put(meta, keys.get(i), RocksDbKeys.longBytes(next));
            }
        }
    }

    private static long newVersion(TileBatch.Write w) {
        try {
            return ViewAggregator.header(w.tile()).version();
        } catch (CorruptDataException e) {
            throw new CorruptDataException("tile " + w.key() + " to write cannot be read: " + e.getMessage(), e);
        }
    }

    /** The version of a stored tile, or -1 when there is none (or it is unreadable, so that a good tile replaces it). */
    private long storedVersion(byte[] dbKey, byte[] value) {
        if (value == null) {
            return -1;
        }
        try {
            return ViewAggregator.header(value).version();
        } catch (CorruptDataException e) {
            LOG.warn("online store {}: unreadable tile {} ({}); this batch overwrites or removes it", path, RocksDbKeys.parseTileKey(dbKey), e.getMessage());
            return -1;
        }
    }

    /**
     * One key's state while a batch is applied: whether a tile is there, and its version (-1 when
     * absent or unreadable, so that any tile replaces it).
     */
    private static final class Pending {
        final byte[] dbKey;
        boolean present;
        long version;
        byte[] value;
        boolean changed;

        Pending(byte[] dbKey) {
            this.dbKey = dbKey;
        }

        void put(byte[] tile, long tileVersion) {
            if (tileVersion > version) {
                present = true;
                value = tile;
                version = tileVersion;
                changed = true;
            }
        }

        void remove() {
            if (present) {
                present = false;
                value = null;
                version = -1;
                changed = true;
            }
        }
    }

    @Override
    public List<EntityTiles> getTiles(String view, List<EntityKey> entities, long fromTile) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            ViewAggregator aggregator = reader.aggregator(view);
            List<EntityTiles> out = new ArrayList<>(entities.size());
            // one iterator (one implicit snapshot) for the whole call, re-seeked per entity
            RocksIterator it = null;
            // the cache's write stamp, read before the iterator takes its snapshot: a write that lands between
            // the two must keep what this call loads out of the cache (read after the snapshot, the stamp would
            // already count the write while the snapshot misses it, and a stale entry would be cached)
            long stamp = 0;
            try {
                for (EntityKey entity : entities) {
                    TileCache.Entry cached = cache == null ? null : cache.get(new TileCache.Key(view, entity));
                    if (cached != null) {
                        out.add(cached.view(entity, fromTile));
                        continue;
                    }
                    if (it == null) {
                        stamp = cache == null ? 0 : cache.stamp();
                        it = db.newIterator(tiles, prefixRead);
                    }
                    if (cache == null) {
                        out.add(entityTiles(it, aggregator, entity, fromTile));
                    } else {
                        // a miss loads all of the entity's tiles, so that any window can be served from the entry
                        EntityTiles all = entityTiles(it, aggregator, entity, TileKey.LIFETIME);
                        TileCache.Entry loaded = new TileCache.Entry(all.lifetime(), all.tiles().toArray(new Tile[0]), all.latestEventTime());
                        cache.offer(new TileCache.Key(view, entity), loaded, stamp);
                        out.add(loaded.view(entity, fromTile));
                    }
                }
                if (it != null) {
                    it.status();
                }
            } finally {
                if (it != null) {
                    it.close();
                }
            }
            return out;
        } catch (RocksDBException e) {
            throw failure("reading tiles of view '" + view + "' from", path, e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private EntityTiles entityTiles(RocksIterator it, ViewAggregator aggregator, EntityKey entity, long fromTile) throws RocksDBException {
        byte[] prefix = RocksDbKeys.entityPrefix(aggregator.view().name(), entity);
        Tile lifetime = null;
        long latest = Long.MIN_VALUE;
        it.seek(prefix);
        if (it.isValid() && RocksDbKeys.isUnder(it.key(), prefix) && RocksDbKeys.start(it.key()) == TileKey.LIFETIME) {
            lifetime = decode(aggregator, it.key(), it.value());
            latest = lifetime.latestEventTime();
            it.next();
        }
        if (fromTile != TileKey.LIFETIME) {
            it.seek(RocksDbKeys.withStart(prefix, fromTile));
        }
        List<Tile> found = new ArrayList<>();
        for (; it.isValid() && RocksDbKeys.isUnder(it.key(), prefix); it.next()) {
            found.add(decode(aggregator, it.key(), it.value()));
        }
        it.status();
        if (!found.isEmpty()) {
            // a tile holds only events of its own time slice, so the newest tile holds the latest event
            latest = Math.max(latest, found.getLast().latestEventTime());
        } else if (fromTile != TileKey.LIFETIME) {
            // nothing in range: the newest tile before it, header only, still says when the entity was last seen
            it.seekForPrev(RocksDbKeys.withStart(prefix, fromTile));
            if (it.isValid() && RocksDbKeys.isUnder(it.key(), prefix) && RocksDbKeys.start(it.key()) != TileKey.LIFETIME) {
                latest = Math.max(latest, header(it.key(), it.value()).latestEventTime());
            }
            it.status();
        }
        if (lifetime == null && found.isEmpty() && latest == Long.MIN_VALUE) {
            return EntityTiles.none(entity);
        }
        return new EntityTiles(entity, lifetime, found, latest);
    }

    private Tile decode(ViewAggregator aggregator, byte[] key, byte[] value) {
        try {
            return aggregator.decode(value);
        } catch (CorruptDataException e) {
            throw new CorruptDataException("online store " + path + ": tile " + RocksDbKeys.parseTileKey(key)
                    + " cannot be read: " + e.getMessage(), e);
        }
    }

    private TileHeader header(byte[] key, byte[] value) {
        try {
            return ViewAggregator.header(value);
        } catch (CorruptDataException e) {
            throw new CorruptDataException("online store " + path + ": tile " + RocksDbKeys.parseTileKey(key)
                    + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Entities whose computed values are cached now (estimated); 0 without the cache. For tests. */
    long cachedValues() {
        return values == null ? 0 : values.size();
    }

    @Override
    public List<FeatureVector> read(List<FeatureRef> features, List<EntityKey> entities, long now) {
        return reader.read(this::getTiles, features, entities, now);
    }

    @Override
    public Map<TilePartition, Long> offsets() {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            Map<TilePartition, Long> out = new LinkedHashMap<>();
            try (RocksIterator it = db.newIterator(meta)) {
                for (it.seek(RocksDbKeys.OFFSET_PREFIX); it.isValid() && RocksDbKeys.startsWith(it.key(), RocksDbKeys.OFFSET_PREFIX); it.next()) {
                    TilePartition partition = RocksDbKeys.parseOffsetKey(it.key());
                    out.put(partition, RocksDbKeys.longValue(it.value(), "online store " + path + ": offset of " + partition));
                }
                it.status();
            }
            return out;
        } catch (RocksDBException e) {
            throw failure("reading the offsets from", path, e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * {@inheritDoc} A full scan of the tiles that bypasses the block cache, deleting in batches of
     * {@value #SWEEP_BATCH}; {@link #close()} waits for it. Tiles of views no longer defined are left alone.
     */
    @Override
    public long sweep(long now) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            // by the view's UTF-8 bytes: the newest expired tile start, or null when the view is not swept
            Map<ByteKey, Long> cutoffs = new HashMap<>();
            for (FeatureView view : reader.definitions().featureViews()) {
                ByteKey name = new ByteKey(view.name().getBytes(StandardCharsets.UTF_8));
                cutoffs.put(name, SweepRule.sweeps(view) ? SweepRule.lastExpiredStart(reader.aggregator(view.name()), now) : null);
            }
            long removed = 0;
            try (ReadOptions scan = new ReadOptions().setFillCache(false).setTotalOrderSeek(true);
                 RocksIterator it = db.newIterator(tiles, scan);
                 WriteBatch wb = new WriteBatch()) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    byte[] key = it.key();
                    Long cutoff = cutoffs.get(new ByteKey(RocksDbKeys.view(key)));
                    long start = RocksDbKeys.start(key);
                    if (cutoff != null && start != TileKey.LIFETIME && start <= cutoff) {
                        wb.delete(tiles, key);
                        removed++;
                        if (wb.count() >= SWEEP_BATCH) {
                            db.write(write, wb);
                            wb.clear();
                        }
                    }
                }
                it.status();
                if (wb.count() > 0) {
                    db.write(write, wb);
                }
            }
            if (removed > 0 && cache != null) {
                cache.clear();
            }
            if (removed > 0 && values != null) {
                values.clear();
            }
            return removed;
        } catch (RocksDBException e) {
            throw failure("sweeping", path, e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** A byte array with value equality, for map keys. */
    private record ByteKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ByteKey k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    /** How many writes of views not in the definitions were skipped since the store was opened. */
    long skippedUnknownViews() {
        return unknownViews.count();
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            database.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("online store " + path + " is closed");
        }
    }
}
