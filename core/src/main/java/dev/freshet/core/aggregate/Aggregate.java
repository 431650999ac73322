package dev.freshet.core.aggregate;

import dev.freshet.core.codec.ByteReader;
import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.event.EventBatch;
import dev.freshet.core.event.EventFields;

/**
 * One aggregate function over one field, bound to its slots in a view's tile layout. Holds no
 * state of its own: the state lives in the tile's {@code longs} (from {@code longBase}) and
 * {@code objects} (from {@code objectBase}), so one instance serves every tile of the view.
 *
 * <p>Each subclass defines its intermediate representation, {@code add} of one event,
 * {@code merge} of two partial aggregates, {@code result}, and its binary codec, which starts
 * with a one-byte codec version.
 */
abstract class Aggregate {

    /** Identifies the state in layouts and codecs, e.g. {@code sum(price:double)}. Stable across releases. */
    final String key;
    /** The schema position of the aggregated field, or -1 for a count of events. */
    final int field;
    int longBase;
    int objectBase;

    Aggregate(String key, int field) {
        this.key = key;
        this.field = field;
    }

    /** Number of {@code long} slots the state takes. */
    abstract int longSlots();

    /** Number of object slots the state takes. */
    abstract int objectSlots();

    /** Sets the slots to the empty aggregate. Tiles start zeroed; only functions whose empty state is not zero override. */
    void reset(Tile t) {
        for (int i = 0; i < longSlots(); i++) {
            t.longs[longBase + i] = 0;
        }
        for (int i = 0; i < objectSlots(); i++) {
            t.objects[objectBase + i] = null;
        }
    }

    /**
     * Whether the state of a set of events is the same however they are split into tiles and merged, and in
     * whatever order they are added as long as events of equal time come in log order (the ties of
     * {@code last}/{@code first}): true where nothing rounds or compacts (counts, sums of integers, minimum,
     * maximum, {@code last}, {@code first}); false, the default, for sums of doubles (the order of additions
     * shows in the last bits), averages and sketches.
     */
    boolean regroupable() {
        return false;
    }

    /**
     * Adds one event; null field values are skipped. Keeps no reference to {@code e} (it may be a
     * reused row), only to the immutable values it returns.
     */
    abstract void add(Tile t, EventFields e);

    /**
     * Adds rows {@code from} to {@code to} of a batch, as {@link #add} of each in turn would. Aggregates that
     * need only some of the rows (the latest of {@code last}) or none of the strings override it.
     */
    void addRange(Tile t, EventBatch b, int from, int to) {
        for (int i = from; i < to; i++) {
            add(t, b.row(i));
        }
    }

    /**
     * Merges {@code from} into {@code into}, never sharing mutable state between them. Where
     * order matters (ties of {@code last} and {@code first}), {@code from} is the later part of the log.
     */
    abstract void merge(Tile into, Tile from);

    /**
     * Merges every tile of {@code tiles[lo, hi)} whose start lies in {@code [from, to)} into
     * {@code acc}, in one pass, and returns the latest event time among them
     * ({@code Long.MIN_VALUE} when none).
     */
    long mergeWindow(Tile acc, Tile[] tiles, int lo, int hi, long from, long to) {
        long latest = Long.MIN_VALUE;
        for (int i = lo; i < hi; i++) {
            Tile t = tiles[i];
            if (t.start >= from && t.start < to) {
                merge(acc, t);
                latest = Math.max(latest, t.latestEventTime);
            }
        }
        return latest;
    }

    /** The feature's value from the (accumulated) state; boxed, once per lookup. */
    abstract Object result(Tile t, FeatureDefinition def);

    /** Writes the state: a codec version byte, then the payload. */
    abstract void encode(Tile t, ByteWriter out);

    /** Reads what {@link #encode} wrote into the (reset) slots. */
    abstract void decode(Tile t, ByteReader in);

    /** A double kept as raw bits in a long slot, plus {@code v}, back as raw bits. */
    static long plus(long doubleBits, double v) {
        return Double.doubleToRawLongBits(Double.longBitsToDouble(doubleBits) + v);
    }

    final void checkCodecVersion(ByteReader in, int supported) {
        int v = in.readByte();
        if (v != supported) {
            throw new CorruptDataException("aggregate " + key + " was written with codec version " + v
                    + "; this Freshet reads version " + supported + " (was the tile written by a newer Freshet?)");
        }
    }

    @Override
    public String toString() {
        return key;
    }
}
