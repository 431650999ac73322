package dev.freshet.core.aggregate;

import dev.freshet.core.codec.ByteReader;
import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.event.EventFields;

/** {@code avg}: two long slots, {@code [sum as double bits, count]}; the result is a Double, null when empty. */
final class AvgAggregate extends Aggregate {

    private static final int CODEC = 1;

    AvgAggregate(String key, int field) {
        super(key, field);
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
    void add(Tile t, EventFields e) {
        if (!e.isNull(field)) {
            int s = longBase;
            t.longs[s] = plus(t.longs[s], e.getDouble(field));
            t.longs[s + 1]++;
        }
    }

    @Override
    void merge(Tile into, Tile from) {
        int s = longBase;
        into.longs[s] = plus(into.longs[s], Double.longBitsToDouble(from.longs[s]));
        into.longs[s + 1] += from.longs[s + 1];
    }

    @Override
    Object result(Tile t, FeatureDefinition def) {
        long n = t.longs[longBase + 1];
        return n == 0 ? null : Double.longBitsToDouble(t.longs[longBase]) / n;
    }

    @Override
    void encode(Tile t, ByteWriter out) {
        out.writeByte(CODEC).writeLong(t.longs[longBase]).writeVarLong(t.longs[longBase + 1]);
    }

    @Override
    void decode(Tile t, ByteReader in) {
        checkCodecVersion(in, CODEC);
        t.longs[longBase] = in.readLong();
        t.longs[longBase + 1] = in.readVarLong();
    }
}
