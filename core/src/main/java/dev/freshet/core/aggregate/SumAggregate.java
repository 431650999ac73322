package dev.freshet.core.aggregate;

import dev.freshet.core.codec.ByteReader;
import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.event.EventBatch;
import dev.freshet.core.event.EventFields;

/**
 * {@code sum}: one long slot. Integral fields (long, timestamp) sum exactly as a long and give a
 * Long; double fields sum as a double (its raw bits in the slot) and give a Double. Double sums
 * depend on the order of additions in their last bits only.
 */
final class SumAggregate extends Aggregate {

    private static final int CODEC = 1;
    private final boolean floating;

    SumAggregate(String key, int field, boolean floating) {
        super(key, field);
        this.floating = floating;
    }

    @Override
    int longSlots() {
        return 1;
    }

    @Override
    int objectSlots() {
        return 0;
    }

    @Override
    boolean regroupable() {
        return !floating;
    }

    @Override
    void add(Tile t, EventFields e) {
        if (e.isNull(field)) {
            return;
        }
        int s = longBase;
        if (floating) {
            t.longs[s] = plus(t.longs[s], Double.longBitsToDouble(e.getBits(field)));
        } else {
            t.longs[s] += e.getLong(field);
        }
    }

    /** In row order, so that a sum of doubles rounds as the adds one at a time would. */
    @Override
    void addRange(Tile t, EventBatch b, int from, int to) {
        int s = longBase;
        for (int i = from; i < to; i++) {
            if (!b.isNull(field, i)) {
                if (floating) {
                    t.longs[s] = plus(t.longs[s], Double.longBitsToDouble(b.getBits(field, i)));
                } else {
                    t.longs[s] += b.getBits(field, i);
                }
            }
        }
    }

    @Override
    void merge(Tile into, Tile from) {
        int s = longBase;
        if (floating) {
            into.longs[s] = plus(into.longs[s], Double.longBitsToDouble(from.longs[s]));
        } else {
            into.longs[s] += from.longs[s];
        }
    }

    @Override
    long mergeWindow(Tile acc, Tile[] tiles, int lo, int hi, long from, long to) {
        final int s = longBase;
        long latest = Long.MIN_VALUE;
        if (floating) {
            double sum = Double.longBitsToDouble(acc.longs[s]);
            for (int i = lo; i < hi; i++) {
                Tile t = tiles[i];
                if (t.start >= from && t.start < to) {
                    sum += Double.longBitsToDouble(t.longs[s]);
                    latest = Math.max(latest, t.latestEventTime);
                }
            }
            acc.longs[s] = Double.doubleToRawLongBits(sum);
        } else {
            long sum = acc.longs[s];
            for (int i = lo; i < hi; i++) {
                Tile t = tiles[i];
                if (t.start >= from && t.start < to) {
                    sum += t.longs[s];
                    latest = Math.max(latest, t.latestEventTime);
                }
            }
            acc.longs[s] = sum;
        }
        return latest;
    }

    @Override
    Object result(Tile t, FeatureDefinition def) {
        return floating ? (Object) Double.longBitsToDouble(t.longs[longBase]) : (Object) t.longs[longBase];
    }

    @Override
    void encode(Tile t, ByteWriter out) {
        out.writeByte(CODEC);
        if (floating) {
            out.writeLong(t.longs[longBase]);
        } else {
            out.writeZigZag(t.longs[longBase]);
        }
    }

    @Override
    void decode(Tile t, ByteReader in) {
        checkCodecVersion(in, CODEC);
        t.longs[longBase] = floating ? in.readLong() : in.readZigZag();
    }
}
