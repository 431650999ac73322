package dev.freshet.offline.join;

import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.definition.Schema;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The tiles of one view for the entity being joined, fed its events in event-time order and asked
 * for values at non-decreasing spine times.
 *
 * <p>Tiles must be built as the streaming path builds them, events added in log order
 * ((partition, offset)) — floating-point sums and ties of last/first depend on it. Events arrive in
 * time order, so the events of the open tile (the latest one) are kept with their log position:
 * while they also arrive in log order (the usual case) they go straight into a live tile; when one
 * arrives out of log order the tile is rebuilt from the kept events sorted by log position, when
 * it is read or sealed. The open tile at evaluation holds only events before the spine time (the
 * join adds only those), so it is exactly the head tile {@code evaluate} wants.
 *
 * <p>Complete tiles are kept while they lie in the longest requested window; older ones are
 * folded, oldest first, into one lifetime tile when a lifetime feature is requested (dropped
 * otherwise). The lifetime tile keeps the start of its oldest tile, which lies before every
 * window, so windowed features skip it; tiles are passed to {@code evaluate} oldest first, so the
 * merge order is the one of evaluating every tile.
 *
 * <p>When only lifetime features are requested and their aggregates are exact under regrouping
 * ({@link ViewAggregator#regroupable}: counts, integer sums, minimum, maximum, {@code last},
 * {@code first}), the view is <em>direct</em>: the events go straight into the lifetime tile as they
 * come, in (time, partition, offset) order ({@link ViewAggregator#addFolded}), without a tile of their
 * own or being kept. By that property the values are those of the tiles built in log order and folded.
 * Not thread-safe.
 */
final class ViewState {

    private final JoinPlan.ViewPlan plan;
    private final ViewAggregator aggregator;
    private final Schema schema;
    private final int[] fields;
    private final ArrayDeque<Tile> complete = new ArrayDeque<>();
    private Tile lifetime;
    private long openStart = Long.MIN_VALUE;
    private Tile openTile;
    // the open tile's events by value (the stream's row is reused), with a count: clearing them per
    // tile and per entity must not touch every slot (the stale strings kept are at most the largest tile's)
    private EventRows openEvents;
    private final EventRow scratchRow;
    private int openCount;
    private long[] openOrder = new long[32];
    private boolean inLogOrder = true;
    private Tile[] buffer = new Tile[8];
    /**
     * Tiles that left the window (or the entity), kept for reuse: with short tiles nearly every event
     * opens one, and the join drops them as fast as it makes them. Never more than the most tiles one
     * entity held at once.
     */
    private final ArrayDeque<Tile> spare = new ArrayDeque<>();
    /** The accumulator of {@link #evaluate}, reused for every value. */
    private final Tile scratch;
    /** Lifetime features of regroupable aggregates only: see the class comment. */
    private final boolean direct;

    /**
     * @param schema the source's schema
     * @param fields the schema positions of the fields the join aggregates (those its rows carry)
     */
    ViewState(JoinPlan.ViewPlan plan, Schema schema, int[] fields) {
        this.plan = plan;
        this.aggregator = plan.aggregator();
        this.schema = schema;
        this.fields = fields.clone();
        this.openEvents = new EventRows(schema, fields, 16);
        this.scratchRow = new EventRow(schema, fields);
        this.scratch = aggregator.newTile(0);
        this.direct = plan.lifetime() && plan.maxWindow() == 0 && aggregator.regroupable();
    }

    JoinPlan.ViewPlan plan() {
        return plan;
    }

    /** Forgets everything: the next entity begins. */
    void reset() {
        spare.addAll(complete);
        complete.clear();
        if (lifetime != null) {
            spare.add(lifetime);
        }
        lifetime = null;
        openStart = Long.MIN_VALUE;
        if (openTile != null) {
            spare.add(openTile);
        }
        openTile = null;
        openCount = 0;
        inLogOrder = true;
    }

    /**
     * The earliest tile start this view reads at spine time {@code t} and every later one: the start of
     * its longest window, or none ({@link Long#MIN_VALUE}) with a lifetime feature. {@link #evaluate}
     * drops older tiles unread, so their events need not be added.
     */
    long readsFrom(long t) {
        return plan.lifetime() ? Long.MIN_VALUE : aggregator.tileStart(t) - plan.maxWindow();
    }

    /** Whether an event at {@code ts} goes to a tile this view reads, given {@link #readsFrom} of the current spine time. */
    boolean reads(long ts, long from) {
        return from == Long.MIN_VALUE || aggregator.tileStart(ts) >= from;
    }

    /**
     * Adds the entity's next event in time order to a view that is not {@link #direct} (a direct one takes its events
     * a run at a time, {@link #addAll}); {@code event} is read during the call only.
     */
    void add(EventRow event, int partition, long offset) {
        if (direct) {
            throw new IllegalStateException("view '" + aggregator.view().name() + "' is direct: add its events with addAll");
        }
        long start = aggregator.tileStart(event.timestamp());
        if (start != openStart) {
            seal();
            // every later spine time is after this event, so tiles this old have left every window already
            evict(start - plan.maxWindow());
            openStart = start;
            openTile = tile(start);
        }
        int n = openCount;
        if (openOrder.length < 2 * (n + 1)) {
            openOrder = Arrays.copyOf(openOrder, openOrder.length * 2);
        }
        openOrder[2 * n] = partition;
        openOrder[2 * n + 1] = offset;
        openEvents.set(n, event);
        openCount = n + 1;
        if (inLogOrder && n > 0 && compareLog(n - 1, n) > 0) {
            inLogOrder = false;
        }
        if (inLogOrder) {
            aggregator.add(openTile, event);
        }
    }

    /** Whether the view is direct (see the class comment): it then takes its events a range at a time, {@link #addAll}. */
    boolean direct() {
        return direct;
    }

    /**
     * Adds rows {@code from} to {@code to} of {@code rows}, the entity's next events in time order, to a direct view: into
     * the lifetime tile, which starts with the first event's tile.
     */
    void addAll(EventRows rows, int from, int to) {
        if (lifetime == null) {
            lifetime = tile(aggregator.tileStart(rows.timestamp(from)));
        }
        aggregator.addFolded(lifetime, rows, from, to);
    }

    private int compareLog(int i, int j) {
        int c = Long.compare(openOrder[2 * i], openOrder[2 * j]);
        return c != 0 ? c : Long.compare(openOrder[2 * i + 1], openOrder[2 * j + 1]);
    }

    /** The open tile: built live, or rebuilt in log order from the kept events (which are then kept in that order). */
    private Tile openTile() {
        if (inLogOrder) {
            return openTile;
        }
        int n = openCount;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, this::compareLog);
        EventRows events = new EventRows(schema, fields, Math.max(n, 16));
        long[] positions = new long[openOrder.length];
        Tile t = tile(openStart);
        for (int k = 0; k < n; k++) {
            int i = order[k];
            openEvents.load(i, scratchRow);
            events.set(k, scratchRow);
            positions[2 * k] = openOrder[2 * i];
            positions[2 * k + 1] = openOrder[2 * i + 1];
            aggregator.add(t, scratchRow);
        }
        openEvents = events;
        openOrder = positions;
        spare.add(openTile);
        openTile = t;
        // events added from now on extend this tile live while they come in log order
        inLogOrder = true;
        return t;
    }

    private void seal() {
        if (openStart == Long.MIN_VALUE) {
            return;
        }
        complete.addLast(openTile());
        openStart = Long.MIN_VALUE;
        openTile = null;
        openCount = 0;
        inLogOrder = true;
    }

    /** Folds the complete tiles that start before {@code keepFrom} into the lifetime tile (oldest first), or drops them. */
    private void evict(long keepFrom) {
        while (!complete.isEmpty() && complete.peekFirst().start() < keepFrom) {
            Tile old = complete.pollFirst();
            if (plan.lifetime()) {
                if (lifetime == null) {
                    lifetime = tile(old.start());
                }
                aggregator.merge(lifetime, old);
            }
            // merge shares nothing between the tiles, so the old one is free
            spare.add(old);
        }
    }

    /** An empty tile at {@code start}: a spare one when there is one. */
    private Tile tile(long start) {
        Tile t = spare.pollLast();
        if (t == null) {
            return aggregator.newTile(start);
        }
        aggregator.clear(t, start);
        return t;
    }

    /**
     * Evaluates the requested features at {@code t} into {@code out[slot]}: every event added is before
     * {@code t}, and {@code t} does not decrease between calls for one entity.
     */
    void evaluate(long t, Object[] out) {
        if (direct) {
            evaluateDirect(t, out);
            return;
        }
        long head = aggregator.tileStart(t);
        if (openStart != Long.MIN_VALUE && openStart < head) {
            seal();
        }
        evict(head - plan.maxWindow());
        int n = complete.size() + 2;
        if (buffer.length < n) {
            buffer = new Tile[Math.max(n, buffer.length * 2)];
        }
        int count = 0;
        if (lifetime != null) {
            buffer[count++] = lifetime;
        }
        for (Tile tile : complete) {
            buffer[count++] = tile;
        }
        if (openStart != Long.MIN_VALUE) {
            buffer[count++] = openTile();
        }
        int[] index = plan.featureIndex();
        int[] slot = plan.slot();
        for (int k = 0; k < index.length; k++) {
            out[slot[k]] = aggregator.value(index[k], buffer, count, t, scratch);
        }
        Arrays.fill(buffer, 0, count, null);
    }

    /** {@link #evaluate} of a direct view: the lifetime tile holds every event before {@code t}. */
    private void evaluateDirect(long t, Object[] out) {
        int count = 0;
        if (lifetime != null) {
            buffer[count++] = lifetime;
        }
        int[] index = plan.featureIndex();
        int[] slot = plan.slot();
        for (int k = 0; k < index.length; k++) {
            out[slot[k]] = aggregator.value(index[k], buffer, count, t, scratch);
        }
        Arrays.fill(buffer, 0, count, null);
    }
}
