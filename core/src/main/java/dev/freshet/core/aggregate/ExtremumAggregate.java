package dev.freshet.core.aggregate;

import dev.freshet.core.codec.ByteReader;
import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.event.EventBatch;
import dev.freshet.core.event.EventFields;

/**
 * {@code min} and {@code max}: two long slots, {@code [present, value]}, the value as a long for
 * integral fields and as double bits for double fields. The result has the field's type.
 */
final class ExtremumAggregate extends Aggregate {

    private static final int CODEC = 1;
    private final boolean max;
    private final boolean floating;

    ExtremumAggregate(String key, int field, boolean max, boolean floating) {
        super(key, field);
        this.max = max;
        this.floating = floating;
    }

    @Override
    int longSlots() {
        return 2;
    }

    @Override
    int objectSlots() {
        return 0;
    }

    @Override
    boolean regroupable() {
        return true;
    }

    @Override
    void add(Tile t, EventFields e) {
        if (!e.isNull(field)) {
            offer(t, e.getBits(field));
        }
    }

    @Override
    void addRange(Tile t, EventBatch b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!b.isNull(field, i)) {
                offer(t, b.getBits(field, i));
            }
        }
    }

    private void offer(Tile t, long bits) {
        int s = longBase;
        if (t.longs[s] == 0 || better(bits, t.longs[s + 1])) {
            t.longs[s] = 1;
            t.longs[s + 1] = bits;
        }
    }

    private boolean better(long candidate, long current) {
        if (floating) {
            // Double.compare is a total order (-0.0 < 0.0, NaN largest), so the result does not depend on event order.
            int c = Double.compare(Double.longBitsToDouble(candidate), Double.longBitsToDouble(current));
            return max ? c > 0 : c < 0;
        }
        return max ? candidate > current : candidate < current;
    }

    @Override
    void merge(Tile into, Tile from) {
        if (from.longs[longBase] != 0) {
            offer(into, from.longs[longBase + 1]);
        }
    }

    @Override
    Object result(Tile t, FeatureDefinition def) {
        if (t.longs[longBase] == 0) {
            return null;
        }
        long bits = t.longs[longBase + 1];
        return floating ? (Object) Double.longBitsToDouble(bits) : (Object) bits;
    }

    @Override
    void encode(Tile t, ByteWriter out) {
        out.writeByte(CODEC).writeByte((int) t.longs[longBase]);
        if (t.longs[longBase] != 0) {
            out.writeLong(t.longs[longBase + 1]);
        }
    }

    @Override
    void decode(Tile t, ByteReader in) {
        checkCodecVersion(in, CODEC);
        int present = in.readByte();
        t.longs[longBase] = present == 0 ? 0 : 1;
        t.longs[longBase + 1] = present == 0 ? 0 : in.readLong();
    }
}
