package dev.freshet.core.aggregate;

/**
 * The partial aggregates of one feature view for one entity over one tile of event time,
 * {@code [start, start + tile)}: the intermediate representation that the streaming path keeps
 * in state stores and online stores, and that the offline path builds from the archive.
 *
 * <p>Create, update, merge and encode tiles through the {@link ViewAggregator} of their view; a
 * tile is only meaningful to the aggregator (layout) that made it. Mutable and not thread-safe.
 */
public final class Tile {

    // not final: ViewAggregator.clear moves a tile to another start for reuse
    long start;
    long version;
    long latestEventTime = Long.MIN_VALUE;
    final long[] longs;
    final Object[] objects;

    Tile(long start, int longSlots, int objectSlots) {
        this.start = start;
        this.longs = new long[longSlots];
        this.objects = new Object[objectSlots];
    }

    /** The first millisecond of the tile (inclusive), epoch milliseconds. */
    public long start() {
        return start;
    }

    /**
     * How many updates (events added, or the versions of tiles merged in) this tile holds. Grows
     * with every update, so a store that keeps the highest version of a tile is idempotent under replays.
     */
    public long version() {
        return version;
    }

    /** True when no event has been added or merged into the tile. */
    public boolean isEmpty() {
        return latestEventTime == Long.MIN_VALUE;
    }

    /** The largest event time in the tile, epoch milliseconds, or {@code Long.MIN_VALUE} when empty. */
    public long latestEventTime() {
        return latestEventTime;
    }

    @Override
    public String toString() {
        return "Tile[start=" + start + ", version=" + version + ", latestEventTime=" + latestEventTime + "]";
    }
}
