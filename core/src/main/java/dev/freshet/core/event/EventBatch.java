package dev.freshet.core.event;

/**
 * Read access to a batch of events by row: each row's time and typed field values by schema
 * position, as {@link EventFields} gives one event's. The aggregation library adds whole ranges of
 * rows through it ({@code ViewAggregator.addFolded(Tile, EventBatch, int, int)}), so that an
 * aggregate that needs only some rows of a range (the latest of {@code last}) reads only those, and
 * a batch may keep strings as bytes, decoded only when asked for.
 *
 * <p>The accessors follow {@link EventFields}' contract: raw 64 bits for non-strings, 0 (or null)
 * for null fields. An abstract class, not an interface, for the reason {@link EventFields} gives.
 */
public abstract class EventBatch {

    /** For the readers' batches. */
    protected EventBatch() {
    }

    /** Row {@code row}'s event time, epoch milliseconds. */
    public abstract long timestamp(int row);

    public abstract boolean isNull(int position, int row);

    /** The raw 64 bits of a non-string field of row {@code row} (see {@link EventFields#getBits}). */
    public abstract long getBits(int position, int row);

    /** A double field's value of row {@code row} (0 when null), or a long/timestamp field's value converted to double. */
    public abstract double getDouble(int position, int row);

    /** A string field of row {@code row}, or null; a batch may decode it on each call. */
    public abstract String getString(int position, int row);

    /** Row {@code row} as an {@link EventFields}: a view that reads the batch, for aggregates without a range add of their own. */
    public EventFields row(int row) {
        EventBatch batch = this;
        return new EventFields() {
            @Override
            public long timestamp() {
                return batch.timestamp(row);
            }

            @Override
            public boolean isNull(int position) {
                return batch.isNull(position, row);
            }

            @Override
            public long getBits(int position) {
                return batch.getBits(position, row);
            }

            @Override
            public double getDouble(int position) {
                return batch.getDouble(position, row);
            }

            @Override
            public long getLong(int position) {
                return batch.getBits(position, row);
            }

            @Override
            public String getString(int position) {
                return batch.getString(position, row);
            }
        };
    }
}
