package dev.freshet.features;

import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.event.Event;
import dev.freshet.core.event.EventJson;
import dev.freshet.core.event.InvalidEventException;
import dev.freshet.features.FeatureCounters.Kind;

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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the tiles of one feature view for the entities of one task, and publishes them.
 *
 * <h2>Per event</h2>
 * The event's tile is read (from a small cache of decoded tiles, else the tiles not yet written,
 * else the RocksDB store, unless it is a recent tile known not to be there yet: {@link KnownTiles}),
 * the event added, and the tile marked pending and unwritten. Events whose tile is closed (it ends
 * more than the view's retention before stream time) are skipped and counted.
 *
 * <h2>Before every commit ({@link BeforeCommit})</h2>
 * The unwritten tiles are written to the store, once each however many events changed them, and
 * in key order: RocksDB's memtable then inserts each key beside the previous one rather than
 * searching its skip list from the top, which made a write several times cheaper than one per
 * event in arrival order (BENCHMARKS.md, pipeline). They are also written before closed tiles are
 * looked for in the store, and whenever more than {@link #MAX_UNWRITTEN} are waiting (writing
 * early is always safe).
 *
 * <h2>Every publish interval (wall-clock punctuation, a quarter of the commit interval)</h2>
 * Each changed tile is published once to {@code freshet.tiles.<view>}, however many events changed
 * it, so a hot tile costs one record per interval, and a commit is requested so that readers see
 * the tiles now rather than at the next regular commit (see {@link CommitRequests}). Then closed
 * tiles leave state: with lifetime features, they are folded into the entity's lifetime prefix tile
 * (published first, its start the newest tile folded in), and a tombstone deletes each from the
 * compacted tiles topic.
 *
 * <h2>Exactly once</h2>
 * Everything that decides future output is in logged state stores by the time its input offsets
 * are committed (the unwritten tiles are written just before): tiles, lifetime prefixes,
 * stream time (written when it moves the boundary below which tiles are closed, the only thing it
 * decides, rather than for every event), and the start of the oldest tile changed since the last
 * publication (written when it goes down, cleared when tiles are published; two writes per
 * interval, not one per tile). A
 * crash between an update and its publication therefore loses nothing: the update and that start
 * were committed together, and a restarted task publishes again every tile from that start on
 * (publishing a tile twice is harmless: it carries its full state and its version).
 */
final class TileProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger log = LoggerFactory.getLogger(TileProcessor.class);
    private static final String STREAM_TIME_KEY = "stream_time";
    private static final String PENDING_KEY = "oldest_unpublished_tile";
    /**
     * Unwritten tiles held at most before they are written without waiting for the commit (some
     * megabytes of encodings), so that a long commit interval at a high rate cannot fill the heap.
     */
    static final int MAX_UNWRITTEN = 50_000;

    private final ViewAggregator aggregator;
    private final EventJson json;
    private final long retentionMs;
    private final Duration publishInterval;
    private final ViewStores stores;
    private final CommitRequests commits;
    private final FeatureCounters counters;
    private final String view;
    /** {@code <view>|} in UTF-8: the start of every key on the tiles topic. */
    private final byte[] viewPrefix;
    private final long tileMs;
    private final boolean lifetime;
    private final int cacheSize;
    private final ByteWriter writer = new ByteWriter(256);

    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<Bytes, byte[]> tiles;
    private KeyValueStore<Bytes, byte[]> prefixes;
    private KeyValueStore<String, Long> pendingStore;
    private KeyValueStore<String, Long> timeStore;
    /** Tiles changed since the last publication, with their latest encoding, in the order they first changed. */
    private final Map<Bytes, byte[]> pending = new LinkedHashMap<>();
    /** Tiles changed since they were last written to the store, with their latest encoding. */
    private final Map<Bytes, byte[]> unwritten = new HashMap<>();
    /** The oldest start among the pending tiles (as logged), or Long.MAX_VALUE when none is pending. */
    private long pendingFrom = Long.MAX_VALUE;
    private Map<Bytes, Tile> cache;
    private final KnownTiles known = new KnownTiles();
    private long streamTime;
    /** The stream time in the store: the latest one that moved {@link #closedBelow}. */
    private long storedStreamTime;
    /** The largest record timestamp (when the raw event was produced) among the events added since the last publication. */
    private long newestInput = Long.MIN_VALUE;
    private long expiredBelow;
    private boolean warnedLate;
    /** The tile start whose decimal digits {@link #startDigits} holds (when not null). */
    private long digitsOf;
    private byte[] startDigits;
    private boolean warnedUnreadable;

    TileProcessor(ViewAggregator aggregator, EventJson json, long retentionMs, Duration publishInterval, CommitRequests commits,
                  ViewStores stores, FeatureCounters counters, int cacheSize) {
        this.aggregator = aggregator;
        this.json = json;
        this.retentionMs = retentionMs;
        this.publishInterval = publishInterval;
        this.commits = commits;
        this.stores = stores;
        this.counters = counters;
        this.view = aggregator.view().name();
        this.viewPrefix = (view + "|").getBytes(StandardCharsets.UTF_8);
        this.tileMs = aggregator.tileMillis();
        this.lifetime = aggregator.view().features().stream().anyMatch(f -> f.isLifetime());
        this.cacheSize = cacheSize;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        tiles = context.getStateStore(stores.tiles());
        pendingStore = context.getStateStore(stores.pending());
        timeStore = context.getStateStore(stores.streamTime());
        prefixes = lifetime ? context.getStateStore(stores.lifetime()) : null;
        // init runs again when a task is revived: nothing from before may survive in memory
        pending.clear();
        unwritten.clear();
        BeforeCommit beforeCommit = context.getStateStore(stores.beforeCommit());
        beforeCommit.onCommit(this::writeUnwritten);
        Long from = pendingStore.get(PENDING_KEY);
        pendingFrom = from == null ? Long.MAX_VALUE : from;
        if (from != null) {
            // changes committed before a crash may not have been published: publish every tile from there on again
            try (KeyValueIterator<Bytes, byte[]> it = tiles.range(TileStoreKey.boundary(from), null)) {
                it.forEachRemaining(kv -> pending.put(kv.key, kv.value));
            }
        }
        cache = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Bytes, Tile> eldest) {
                return size() > cacheSize;
            }
        };
        Long stored = timeStore.get(STREAM_TIME_KEY);
        streamTime = stored == null ? Long.MIN_VALUE : stored;
        storedStreamTime = streamTime;
        expiredBelow = Long.MIN_VALUE;
        // the recent tiles in the store (all of them when no event was seen yet: then there are none)
        long trackFrom = streamTime == Long.MIN_VALUE ? Long.MIN_VALUE : trackedFrom(streamTime);
        known.reset(trackFrom);
        try (KeyValueIterator<Bytes, byte[]> it = tiles.range(trackFrom == Long.MIN_VALUE ? null : TileStoreKey.boundary(trackFrom), null)) {
            while (it.hasNext() && known.from() != Long.MAX_VALUE) {
                Bytes key = it.next().key;
                known.written(key, TileStoreKey.tileStart(key));
            }
        }
        context.schedule(publishInterval, PunctuationType.WALL_CLOCK_TIME, now -> punctuate());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Event event;
        try {
            event = json.decode(record.value());
        } catch (InvalidEventException e) {
            // only a producer other than Freshet's ingest can write such an event: say so once, count them all
            counters.add(view, Kind.UNREADABLE, 1);
            if (!warnedUnreadable) {
                warnedUnreadable = true;
                log.warn("feature view {}: skipping an unreadable event (further ones are only counted): {}: {}", view,
                        e.getMessage(), record.value() == null ? "null" : new String(record.value(), StandardCharsets.UTF_8));
            }
            return;
        }
        String entity = event.key().value();
        if (entity.isEmpty()) {
            counters.add(view, Kind.UNREADABLE, 1);
            return;
        }
        long ts = event.timestamp();
        long start = aggregator.tileStart(ts);
        if (isClosed(start)) {
            counters.add(view, Kind.LATE, 1);
            if (!warnedLate) {
                warnedLate = true;
                log.warn("feature view {}: an event at {} ms for entity {} came after its tile closed (stream time {} ms, "
                        + "retention {} ms); such events are skipped and counted", view, ts, entity, streamTime, retentionMs);
            }
            return;
        }
        if (ts > streamTime) {
            if (storedStreamTime == Long.MIN_VALUE || closedBelow(ts) != closedBelow(storedStreamTime)) {
                timeStore.put(STREAM_TIME_KEY, ts);
                storedStreamTime = ts;
            }
            streamTime = ts;
            known.advance(trackedFrom(ts));
        }
        Bytes key = TileStoreKey.of(start, entity.getBytes(StandardCharsets.UTF_8));
        Tile tile = cache.get(key);
        if (tile == null) {
            byte[] stored = unwritten.get(key);
            if (stored == null && !(known.tracks(start) && !known.exists(key, start))) {
                stored = tiles.get(key);
            }
            tile = stored == null ? aggregator.newTile(start) : aggregator.decode(stored);
            cache.put(key, tile);
        }
        aggregator.add(tile, event);
        newestInput = Math.max(newestInput, record.timestamp());
        byte[] encoded = aggregator.encode(tile, writer);
        if (unwritten.put(key, encoded) == null && unwritten.size() > MAX_UNWRITTEN) {
            writeUnwritten();
        }
        known.written(key, start);
        pending.put(key, encoded);
        if (start < pendingFrom) {
            pendingFrom = start;
            pendingStore.put(PENDING_KEY, start);
        }
        counters.add(view, Kind.APPLIED, 1);
    }

    /** Writes the tiles changed since they were last written to the store, in key order. */
    private void writeUnwritten() {
        if (unwritten.isEmpty()) {
            return;
        }
        Bytes[] keys = unwritten.keySet().toArray(Bytes[]::new);
        Arrays.sort(keys, TileStoreKey::compare);
        List<KeyValue<Bytes, byte[]>> batch = new ArrayList<>(keys.length);
        for (Bytes key : keys) {
            batch.add(KeyValue.pair(key, unwritten.get(key)));
        }
        tiles.putAll(batch);
        unwritten.clear();
    }

    /** The key on the tiles topic of the tile stored under {@code key}. */
    private byte[] topicKey(Bytes key) {
        long start = TileStoreKey.tileStart(key);
        if (start != digitsOf || startDigits == null) {
            // the tiles published together mostly share a few starts
            digitsOf = start;
            startDigits = Long.toString(start).getBytes(StandardCharsets.US_ASCII);
        }
        return TileStoreKey.topicKey(viewPrefix, startDigits, key);
    }

    /** Whether a tile has ended more than the retention before stream time, so it may no longer change. */
    private boolean isClosed(long tileStart) {
        return tileStart < closedBelow(streamTime);
    }

    /**
     * The start of the first tile still open at stream time {@code t}: every tile before it is
     * closed ({@link #isClosed}) and expires. It is all that stream time decides, so the stored stream
     * time need only change when this does.
     */
    private long closedBelow(long t) {
        // Long.MIN_VALUE (no event yet, or a time too early for the retention to reach back): nothing is closed
        return t < Long.MIN_VALUE + retentionMs + tileMs ? Long.MIN_VALUE : aggregator.tileStart(t - retentionMs);
    }

    /** The first tile start {@link #known} tracks at stream time {@code t}. */
    private long trackedFrom(long t) {
        long start = aggregator.tileStart(t);
        long back = (KnownTiles.TRACKED_TILES - 1) * tileMs;
        return start < Long.MIN_VALUE + back ? Long.MIN_VALUE : start - back;
    }

    private void punctuate() {
        publishPending();
        expire();
    }

    private void publishPending() {
        if (pending.isEmpty()) {
            return;
        }
        long now = context.currentSystemTimeMs();
        for (Map.Entry<Bytes, byte[]> e : pending.entrySet()) {
            context.forward(new Record<>(topicKey(e.getKey()), e.getValue(), now));
        }
        counters.add(view, Kind.PUBLISHED, pending.size());
        if (commits.claim(now, newestInput)) {
            context.commit();
        }
        pending.clear();
        pendingFrom = Long.MAX_VALUE;
        newestInput = Long.MIN_VALUE;
        pendingStore.delete(PENDING_KEY);
    }

    /** Drops closed tiles from state, folding them into lifetime prefixes, and deletes them from the topic. */
    private void expire() {
        long below = closedBelow(streamTime);
        if (below <= expiredBelow) {
            return;
        }
        // the closed tiles are looked for in the store
        writeUnwritten();
        List<KeyValue<Bytes, byte[]>> closed = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = tiles.range(null, TileStoreKey.boundary(below))) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                if (TileStoreKey.tileStart(kv.key) < below) {
                    closed.add(kv);
                }
            }
        }
        expiredBelow = below;
        if (closed.isEmpty()) {
            return;
        }
        long now = context.currentSystemTimeMs();
        if (lifetime) {
            foldIntoPrefixes(closed, now);
        }
        for (KeyValue<Bytes, byte[]> kv : closed) {
            context.forward(new Record<byte[], byte[]>(topicKey(kv.key), null, now));
            tiles.delete(kv.key);
            cache.remove(kv.key);
            known.removed(kv.key, TileStoreKey.tileStart(kv.key));
        }
        counters.add(view, Kind.EXPIRED, closed.size());
        counters.add(view, Kind.PUBLISHED, closed.size());
    }

    /** Closed tiles come in time order; each entity's prefix takes them in, then is published once. */
    private void foldIntoPrefixes(List<KeyValue<Bytes, byte[]>> closed, long now) {
        Map<String, Tile> updated = new LinkedHashMap<>();
        for (KeyValue<Bytes, byte[]> kv : closed) {
            String entity = TileStoreKey.entity(kv.key);
            Tile previous = updated.get(entity);
            if (previous == null) {
                byte[] stored = prefixes.get(prefixKey(entity));
                previous = stored == null ? null : aggregator.decode(stored);
            }
            Tile tile = aggregator.decode(kv.value);
            // the prefix starts at the newest tile it holds: readers ignore ordinary tiles up to that start
            Tile prefix = aggregator.newTile(tile.start());
            if (previous != null) {
                aggregator.merge(prefix, previous);
            }
            aggregator.merge(prefix, tile);
            updated.put(entity, prefix);
        }
        for (Map.Entry<String, Tile> e : updated.entrySet()) {
            byte[] value = aggregator.encode(e.getValue(), writer);
            prefixes.put(prefixKey(e.getKey()), value);
            context.forward(new Record<>(TileKey.lifetime(view, new EntityKey(e.getKey())).toBytes(), value, now));
            counters.add(view, Kind.PUBLISHED, 1);
        }
    }

    private static Bytes prefixKey(String entity) {
        return Bytes.wrap(entity.getBytes(StandardCharsets.UTF_8));
    }
}
