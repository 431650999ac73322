package dev.freshet.core.aggregate;

import dev.freshet.core.codec.ByteReader;
import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.event.EventBatch;
import dev.freshet.core.event.EventFields;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The aggregation library for one feature view: the single implementation of tiles, aggregate
 * functions and window evaluation that the streaming path (tiles in state and online stores) and
 * the offline path (point-in-time joins over the archive) both call, so that they agree by
 * construction.
 *
 * <h2>Semantics</h2>
 * A tile holds the partial aggregates of the events with {@code start <= ts < start + tile},
 * {@code start} a multiple of the tile length. The value of a feature with window {@code W} at
 * time {@code t} aggregates exactly the events with {@code floor_tile(t - W) <= ts < t}; a lifetime
 * feature aggregates every event with {@code ts < t}. {@link #evaluate} merges every given tile
 * whose start lies in {@code [floor_tile(t) - W, t)}: the tiles before {@code floor_tile(t)} are
 * whole, and the caller guarantees that the head tile (the one containing {@code t}, if given)
 * holds only events before {@code t}. The offline path builds that head tile from the events
 * before {@code t}; online, the head tile is exact as long as no event later than the lookup time
 * has been ingested.
 *
 * <p>Aggregates are shared within a view: features with the same function and field (say
 * {@code count} over 5 minutes and over the lifetime, or two quantile ranks of one field) use one
 * state in the tile. Immutable and thread-safe; the tiles it makes are not.
 */
public final class ViewAggregator {

    private static final int TILE_FORMAT = 1;

    private final FeatureView view;
    private final long tileMillis;
    /** See {@link #lastExpiredStart}: the longest window, or the ttl when longer, ms. */
    private final long expiryHorizon;
    /** See {@link #tilesExpire}. */
    private final boolean tilesExpire;
    private final Aggregate[] aggregates;
    /** The codec id of each aggregate ({@code aggregates[i]}'s key's hash), scanned on decode: no boxing, and a view has few. */
    private final int[] aggregateIds;
    /** Error-message context, built once rather than on every decode. */
    private final String tileWhat;
    private final String[] aggregateWhat;
    private final Aggregate[] featureAggregate;
    private final long[] featureWindow;
    private final Map<String, Integer> featureIndex = new LinkedHashMap<>();
    private final int longSlots;
    private final int objectSlots;
    /** See {@link #regroupable}. */
    private final boolean regroupable;

    private ViewAggregator(FeatureView view, Schema schema) {
        this.view = view;
        this.tileMillis = view.tile().toMillis();
        long horizon = view.longestWindow().toMillis();
        this.expiryHorizon = view.ttl() == null ? horizon : Math.max(horizon, view.ttl().toMillis());
        this.tilesExpire = view.features().stream().noneMatch(FeatureDefinition::isLifetime);
        if (tileMillis <= 0) {
            throw new IllegalArgumentException("feature view '" + view.name() + "' has a tile of " + tileMillis + " ms; it must be positive");
        }
        Map<String, Aggregate> byKey = new LinkedHashMap<>();
        List<FeatureDefinition> features = view.features();
        featureAggregate = new Aggregate[features.size()];
        featureWindow = new long[features.size()];
        for (int i = 0; i < features.size(); i++) {
            FeatureDefinition f = features.get(i);
            Aggregate a = byKey.computeIfAbsent(stateKey(f, schema), key -> create(key, f, schema));
            featureAggregate[i] = a;
            featureWindow[i] = f.windowMillis();
            if (!f.isLifetime() && f.windowMillis() % tileMillis != 0) {
                throw new IllegalArgumentException("feature '" + f.name() + "' of view '" + view.name()
                        + "' has a window that is not a multiple of the tile");
            }
            featureIndex.put(f.name(), i);
        }
        aggregates = byKey.values().toArray(new Aggregate[0]);
        aggregateIds = new int[aggregates.length];
        tileWhat = "tile of view '" + view.name() + "'";
        aggregateWhat = new String[aggregates.length];
        int longs = 0;
        int objects = 0;
        for (int i = 0; i < aggregates.length; i++) {
            Aggregate a = aggregates[i];
            a.longBase = longs;
            a.objectBase = objects;
            longs += a.longSlots();
            objects += a.objectSlots();
            aggregateIds[i] = a.key.hashCode();
            aggregateWhat[i] = tileWhat + ", aggregate " + a.key;
            for (int j = 0; j < i; j++) {
                if (aggregateIds[j] == aggregateIds[i]) {
                    throw new IllegalStateException("aggregates " + aggregates[j].key + " and " + a.key + " have the same codec id; rename a field");
                }
            }
        }
        longSlots = longs;
        objectSlots = objects;
        boolean exact = true;
        for (Aggregate a : aggregates) {
            exact &= a.regroupable();
        }
        regroupable = exact;
    }

    /** The aggregator of a view of valid definitions. */
    public static ViewAggregator of(Definitions definitions, FeatureView view) {
        return new ViewAggregator(view, definitions.sourceOf(view).schema());
    }

    /**
     * The aggregator of a view over events of the given schema.
     *
     * @throws IllegalArgumentException when a feature names a field the schema lacks or cannot aggregate
     */
    public static ViewAggregator of(FeatureView view, Schema schema) {
        return new ViewAggregator(view, schema);
    }

    private static String stateKey(FeatureDefinition f, Schema schema) {
        String fn = switch (f.function()) {
            case QUANTILE -> "kll";
            case COUNT_DISTINCT -> "hll";
            default -> f.function().yamlName();
        };
        if (f.field() == null) {
            return fn + "(*)";
        }
        Field field = schema.find(f.field()).orElse(null);
        return fn + "(" + f.field() + ":" + (field == null ? "?" : field.type().yamlName()) + ")";
    }

    private Aggregate create(String key, FeatureDefinition f, Schema schema) {
        int pos = -1;
        FieldType type = null;
        if (f.field() != null) {
            pos = schema.indexOf(f.field());
            if (pos < 0) {
                throw new IllegalArgumentException("feature '" + f.name() + "' of view '" + view.name()
                        + "' aggregates field '" + f.field() + "', which the schema does not have");
            }
            type = schema.field(pos).type();
            if (!f.function().accepts(type)) {
                throw new IllegalArgumentException("feature '" + f.name() + "' of view '" + view.name() + "': "
                        + f.function().yamlName() + " does not apply to " + type.yamlName() + " field '" + f.field() + "'");
            }
        }
        boolean floating = type == FieldType.DOUBLE;
        return switch (f.function()) {
            case COUNT -> new CountAggregate(key, pos);
            case SUM -> new SumAggregate(key, pos, floating);
            case MIN -> new ExtremumAggregate(key, pos, false, floating);
            case MAX -> new ExtremumAggregate(key, pos, true, floating);
            case AVG -> new AvgAggregate(key, pos);
            case LAST -> new EndpointAggregate(key, pos, true, type);
            case FIRST -> new EndpointAggregate(key, pos, false, type);
            case COUNT_DISTINCT -> new DistinctAggregate(key, pos, type);
            case QUANTILE -> new QuantileAggregate(key, pos);
        };
    }

    public FeatureView view() {
        return view;
    }

    /** The tile length in milliseconds. */
    public long tileMillis() {
        return tileMillis;
    }

    /** The start of the tile holding {@code ts}: the largest multiple of the tile length not after it. */
    public long tileStart(long ts) {
        return Math.floorDiv(ts, tileMillis) * tileMillis;
    }

    /**
     * True when the view's tiles expire: it has no lifetime feature, so a tile that no window can read
     * any more is dropped (the online store's sweeper removes it), and an entity whose every tile has
     * expired is unknown again ({@code NOT_FOUND}). Tiles of views with lifetime features never
     * expire: they are folded into the lifetime tile.
     */
    public boolean tilesExpire() {
        return tilesExpire;
    }

    /**
     * The start of the newest expired tile at {@code now} (see {@link #tilesExpire}): tiles starting at or
     * before it end at least the view's horizon (its longest window, or its ttl when longer) before the
     * tile holding {@code now}, so no window read at or after {@code now} reads them, and the ttl part
     * keeps an entity's latest event time, and so its {@code OUTSIDE_MAX_AGE} status, until it is
     * older than the ttl anyway. The online store and the offline join apply the same rule.
     */
    public long lastExpiredStart(long now) {
        return tileStart(now) - expiryHorizon - tileMillis;
    }

    /** The position of a feature in the view (and in {@link #evaluate}), or -1 when the view has none of that name. */
    public int featureIndex(String featureName) {
        return featureIndex.getOrDefault(featureName, -1);
    }

    /** The number of distinct aggregate states a tile holds (features sharing a state count once). */
    public int stateCount() {
        return aggregates.length;
    }

    /**
     * An empty tile.
     *
     * @throws IllegalArgumentException when {@code start} is not a tile boundary
     */
    public Tile newTile(long start) {
        if (tileStart(start) != start) {
            throw new IllegalArgumentException("tile start " + start + " is not a multiple of the tile length " + tileMillis + " ms");
        }
        Tile t = new Tile(start, longSlots, objectSlots);
        for (Aggregate a : aggregates) {
            a.reset(t);
        }
        return t;
    }

    /**
     * Empties {@code tile} and moves it to {@code start}: afterwards it is what {@link #newTile}
     * would return, without the allocation, for callers that drop tiles as fast as they make them
     * (the offline join slides one entity's tiles along its events). The values the tile held (strings,
     * sketches) are dropped from it, not reset in place, so a tile merged from it earlier is unaffected.
     *
     * @throws IllegalArgumentException when {@code start} is not a tile boundary or the tile was not made by this aggregator
     */
    public void clear(Tile tile, long start) {
        if (tileStart(start) != start) {
            throw new IllegalArgumentException("tile start " + start + " is not a multiple of the tile length " + tileMillis + " ms");
        }
        checkLayout(tile);
        tile.start = start;
        tile.version = 0;
        tile.latestEventTime = Long.MIN_VALUE;
        Arrays.fill(tile.longs, 0L);
        Arrays.fill(tile.objects, null);
        for (Aggregate a : aggregates) {
            a.reset(tile);
        }
    }

    /**
     * Whether the view's values come out the same however its events are split into tiles (and folded into
     * a lifetime tile), and in whatever order they are added as long as events of equal time come in log
     * order: every aggregate is exact under regrouping
     * (counts, sums of integers, minimum, maximum, {@code last}, {@code first}; not sums of doubles, averages or
     * sketches). A batch reader may then add a lifetime's events to fewer tiles than the stream made.
     */
    public boolean regroupable() {
        return regroupable;
    }

    /**
     * Adds an event to a tile that folds the events of many (a lifetime tile), as adding it to a tile of its own and
     * merging that in would: the same state, by {@link #regroupable}, without a tile per event. The event may lie
     * anywhere at or after the tile's start; the caller adds events in time order, ties in log order.
     *
     * @throws IllegalStateException    when the view is not {@link #regroupable}
     * @throws IllegalArgumentException when the event's time is before the tile's start
     */
    public void addFolded(Tile tile, EventFields event) {
        checkRegroupable();
        long ts = event.timestamp();
        checkFoldedStart(tile, ts);
        for (Aggregate a : aggregates) {
            a.add(tile, event);
        }
        tile.version++;
        if (ts > tile.latestEventTime) {
            tile.latestEventTime = ts;
        }
    }

    /**
     * {@link #addFolded(Tile, EventFields)} of rows {@code from} to {@code to} of a batch, in time order, ties in log
     * order: the same state as adding them one at a time. Each aggregate takes the range at once, reading only the rows
     * it needs (the latest of {@code last}, whose string alone is then read).
     *
     * @throws IllegalStateException    when the view is not {@link #regroupable}
     * @throws IllegalArgumentException when an event's time is before the tile's start
     */
    public void addFolded(Tile tile, EventBatch rows, int from, int to) {
        checkRegroupable();
        long latest = tile.latestEventTime;
        for (int i = from; i < to; i++) {
            long ts = rows.timestamp(i);
            checkFoldedStart(tile, ts);
            latest = Math.max(latest, ts);
        }
        for (Aggregate a : aggregates) {
            a.addRange(tile, rows, from, to);
        }
        tile.version += to - from;
        tile.latestEventTime = latest;
    }

    private void checkRegroupable() {
        if (!regroupable) {
            throw new IllegalStateException("view '" + view.name() + "' has aggregates whose values depend on how events are"
                    + " tiled (a sum or average of doubles, a sketch): add its events to their own tiles");
        }
    }

    private void checkFoldedStart(Tile tile, long ts) {
        if (ts < tile.start) {
            throw new IllegalArgumentException("event time " + ts + " is before the start " + tile.start + " of the folded tile of view '"
                    + view.name() + "'");
        }
    }

    /**
     * Adds an event to its tile: every aggregate of the view is updated, the version grows by one.
     * The event is read during the call only, so a caller may pass a reused, mutable row (see
     * {@link EventFields}); its string values may be kept by the tile.
     *
     * @throws IllegalArgumentException when the event's time is outside the tile
     */
    public void add(Tile tile, EventFields event) {
        long ts = event.timestamp();
        if (ts < tile.start || ts - tile.start >= tileMillis) {
            throw new IllegalArgumentException("event time " + ts + " is outside tile [" + tile.start + ", "
                    + (tile.start + tileMillis) + ") of view '" + view.name() + "'");
        }
        for (Aggregate a : aggregates) {
            a.add(tile, event);
        }
        tile.version++;
        if (ts > tile.latestEventTime) {
            tile.latestEventTime = ts;
        }
    }

    /**
     * Merges {@code from} into {@code into}: afterwards {@code into} holds the aggregates of both.
     * {@code from} is taken as the later part of the log for ties of {@code last}/{@code first}.
     * The tiles may have different starts (e.g. rolling old tiles into a lifetime prefix); the
     * result keeps {@code into}'s start. {@code from} is not changed and shares nothing with
     * {@code into} afterwards.
     */
    public void merge(Tile into, Tile from) {
        checkLayout(into);
        checkLayout(from);
        for (Aggregate a : aggregates) {
            a.merge(into, from);
        }
        into.version += from.version;
        into.latestEventTime = Math.max(into.latestEventTime, from.latestEventTime);
    }

    /** A deep copy of a tile. */
    public Tile copy(Tile tile) {
        Tile c = newTile(tile.start);
        merge(c, tile);
        return c;
    }

    private void checkLayout(Tile t) {
        if (t.longs.length != longSlots || t.objects.length != objectSlots) {
            throw new IllegalArgumentException("tile " + t + " was not made by the aggregator of view '" + view.name() + "'");
        }
    }

    /**
     * The value of one feature at time {@code t}, from tiles given in any order (see the class
     * comment for which tiles count). Tiles outside the window are skipped, so callers may pass
     * every tile they have.
     *
     * @param feature the feature's position ({@link #featureIndex})
     * @param tiles   tiles of this view and one entity, distinct starts; only {@code tiles[0, count)} are read
     * @param t       the lookup time, epoch milliseconds; events at exactly {@code t} are excluded
     */
    public FeatureValue evaluate(int feature, Tile[] tiles, int count, long t) {
        return evaluate(feature, tiles, 0, count, t);
    }

    /**
     * {@link #evaluate(int, Tile[], int, long)} over {@code tiles[offset, offset + count)}. Tiles are merged
     * in array order, and with floating-point sums the order shows in the last bits: callers that hold
     * a lifetime tile (a left fold of the oldest tiles, oldest first) put it first, then the later tiles
     * by start, so that the result is the same left fold in time order however many tiles were folded.
     */
    public FeatureValue evaluate(int feature, Tile[] tiles, int offset, int count, long t) {
        Aggregate a = featureAggregate[feature];
        long window = featureWindow[feature];
        long to = t;
        long from = window == Long.MAX_VALUE ? Long.MIN_VALUE : tileStart(t) - window;
        Tile acc = new Tile(Long.MIN_VALUE, longSlots, objectSlots);
        a.reset(acc);
        long latest = a.mergeWindow(acc, tiles, offset, offset + count, from, to);
        return new FeatureValue(a.result(acc, view.features().get(feature)), latest);
    }

    /**
     * The value of {@link #evaluate(int, Tile[], int, long)} (its {@link FeatureValue#value()}), accumulated
     * in {@code scratch} instead of a new tile: no allocation per lookup but the boxed value. {@code scratch}
     * is a tile of this aggregator that the caller keeps for the purpose (its content is overwritten) and
     * that is not among {@code tiles}.
     */
    public Object value(int feature, Tile[] tiles, int count, long t, Tile scratch) {
        checkLayout(scratch);
        Aggregate a = featureAggregate[feature];
        long window = featureWindow[feature];
        long from = window == Long.MAX_VALUE ? Long.MIN_VALUE : tileStart(t) - window;
        a.reset(scratch);
        a.mergeWindow(scratch, tiles, 0, count, from, t);
        return a.result(scratch, view.features().get(feature));
    }

    /** {@link #evaluate(int, Tile[], int, long)} over a list. */
    public FeatureValue evaluate(int feature, List<Tile> tiles, long t) {
        Tile[] array = tiles.toArray(new Tile[0]);
        return evaluate(feature, array, array.length, t);
    }

    /** The values of every feature of the view at {@code t}, in the view's order. */
    public List<FeatureValue> evaluateAll(List<Tile> tiles, long t) {
        Tile[] array = tiles.toArray(new Tile[0]);
        List<FeatureValue> out = new ArrayList<>(featureAggregate.length);
        for (int i = 0; i < featureAggregate.length; i++) {
            out.add(evaluate(i, array, array.length, t));
        }
        return out;
    }

    /**
     * Encodes a tile: format byte, start, version, latest event time, then each aggregate as
     * {@code id, length, payload} so that a view may gain or lose features without breaking the
     * tiles already stored.
     */
    public byte[] encode(Tile tile) {
        return encode(tile, new ByteWriter(64 + 16 * aggregates.length));
    }

    /** Encodes into a caller-owned (reusable) writer and returns a copy of the bytes. */
    public byte[] encode(Tile tile, ByteWriter out) {
        checkLayout(tile);
        out.reset();
        out.writeByte(TILE_FORMAT).writeLong(tile.start).writeVarLong(tile.version).writeLong(tile.latestEventTime);
        out.writeVarLong(aggregates.length);
        for (Aggregate a : aggregates) {
            out.writeInt(a.key.hashCode());
            int lengthAt = out.size();
            out.writeInt(0);
            a.encode(tile, out);
            out.putInt(lengthAt, out.size() - lengthAt - 4);
        }
        return out.toByteArray();
    }

    /**
     * The header of an encoded tile (start, version, latest event time), read without decoding the
     * aggregates: what an online store compares to keep the newest version of a tile.
     *
     * @throws CorruptDataException on truncated bytes or an unknown format version
     */
    public static TileHeader header(byte[] bytes) {
        ByteReader in = new ByteReader(bytes, "tile header");
        int format = in.readByte();
        if (format != TILE_FORMAT) {
            throw new CorruptDataException("tile has format version " + format + "; this Freshet reads version " + TILE_FORMAT);
        }
        long start = in.readLong();
        long version = in.readVarLong();
        return new TileHeader(start, version, in.readLong());
    }

    /**
     * Decodes a tile written by {@link #encode} for this view. Aggregates the view no longer has
     * are skipped; aggregates the bytes lack (features added since) start empty.
     *
     * @throws CorruptDataException on truncated bytes, an unknown format version or an unreadable aggregate
     */
    public Tile decode(byte[] bytes) {
        String what = tileWhat;
        ByteReader in = new ByteReader(bytes, what);
        int format = in.readByte();
        if (format != TILE_FORMAT) {
            throw new CorruptDataException(what + " has format version " + format + "; this Freshet reads version " + TILE_FORMAT);
        }
        long start = in.readLong();
        if (tileStart(start) != start) {
            throw new CorruptDataException(what + " starts at " + start + ", not a multiple of the tile length " + tileMillis
                    + " ms (was the view's tile changed? tiles of the old length cannot be read)");
        }
        Tile tile = newTile(start);
        tile.version = in.readVarLong();
        tile.latestEventTime = in.readLong();
        int n = in.readLength();
        for (int i = 0; i < n; i++) {
            int id = in.readInt();
            int length = in.readInt();
            if (length < 0 || length > in.remaining()) {
                throw new CorruptDataException(what + " is truncated: aggregate " + i + " claims " + length
                        + " bytes but only " + in.remaining() + " remain");
            }
            int k = indexOfId(id);
            if (k < 0) {
                in.skip(length);
                continue;
            }
            Aggregate a = aggregates[k];
            ByteReader part = new ByteReader(bytes, in.position(), length, aggregateWhat[k]);
            a.decode(tile, part);
            if (part.remaining() != 0) {
                throw new CorruptDataException(aggregateWhat[k] + " has " + part.remaining() + " unexpected trailing bytes");
            }
            in.skip(length);
        }
        if (in.remaining() != 0) {
            throw new CorruptDataException(what + " has " + in.remaining() + " unexpected trailing bytes");
        }
        return tile;
    }

    /** The position of the aggregate with this codec id, or -1 (an aggregate the view no longer has). */
    private int indexOfId(int id) {
        for (int k = 0; k < aggregateIds.length; k++) {
            if (aggregateIds[k] == id) {
                return k;
            }
        }
        return -1;
    }
}
