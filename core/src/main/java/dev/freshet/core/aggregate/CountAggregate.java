package dev.freshet.core.aggregate;

import dev.freshet.core.codec.ByteReader;
import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.event.EventBatch;
import dev.freshet.core.event.EventFields;

/** {@code count}: one long, the number of events (or of non-null values of the field). */
final class CountAggregate extends Aggregate {

    private static final int CODEC = 1;

    CountAggregate(String key, int field) {
        super(key, field);
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
        return true;
    }

    @Override
    void add(Tile t, EventFields e) {
        if (field < 0 || !e.isNull(field)) {
            t.longs[longBase]++;
        }
    }

    @Override
    void addRange(Tile t, EventBatch b, int from, int to) {
        long n = to - from;
        if (field >= 0) {
            for (int i = from; i < to; i++) {
                if (b.isNull(field, i)) {
                    n--;
                }
            }
        }
        t.longs[longBase] += n;
    }

    @Override
    void merge(Tile into, Tile from) {
        into.longs[longBase] += from.longs[longBase];
    }

    @Override
    long mergeWindow(Tile acc, Tile[] tiles, int lo, int hi, long from, long to) {
        // A tight loop without a virtual call per tile: this is the hot path of a lookup.
        final int slot = longBase;
        long sum = 0;
        long latest = Long.MIN_VALUE;
        for (int i = lo; i < hi; i++) {
            Tile t = tiles[i];
            if (t.start >= from && t.start < to) {
                sum += t.longs[slot];
                latest = Math.max(latest, t.latestEventTime);
            }
        }
        acc.longs[slot] += sum;
        return latest;
    }

    @Override
    Object result(Tile t, FeatureDefinition def) {
        return t.longs[longBase];
    }

    @Override
    void encode(Tile t, ByteWriter out) {
        out.writeByte(CODEC).writeVarLong(t.longs[longBase]);
    }

    @Override
    void decode(Tile t, ByteReader in) {
        checkCodecVersion(in, CODEC);
        t.longs[longBase] = in.readVarLong();
    }
}
