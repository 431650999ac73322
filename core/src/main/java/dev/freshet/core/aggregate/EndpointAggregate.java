package dev.freshet.core.aggregate;

import dev.freshet.core.codec.ByteReader;
import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.event.EventBatch;
import dev.freshet.core.event.EventFields;

/**
 * {@code last} and {@code first}: long slots {@code [present, event time, value bits]} and, for
 * string fields, one object slot with the value. {@code last} keeps the latest event time, a tie
 * going to the later event in the log; {@code first} keeps the earliest, a tie going to the earlier.
 */
final class EndpointAggregate extends Aggregate {

    private static final int CODEC = 1;
    private final boolean last;
    private final FieldType type;

    EndpointAggregate(String key, int field, boolean last, FieldType type) {
        super(key, field);
        this.last = last;
        this.type = type;
    }

    @Override
    int longSlots() {
        return 3;
    }

    @Override
    int objectSlots() {
        return type == FieldType.STRING ? 1 : 0;
    }

    @Override
    boolean regroupable() {
        return true;
    }

    @Override
    void add(Tile t, EventFields e) {
        if (e.isNull(field)) {
            return;
        }
        if (wins(t, e.timestamp())) {
            set(t, e.timestamp(), e.getBits(field), type == FieldType.STRING ? e.getString(field) : null);
        }
    }

    /**
     * The row that adding the range one row at a time would leave in the tile, found among the rows' times alone
     * ({@code last}: the latest, ties to the later row; {@code first}: the earliest, ties to the earlier), then
     * offered once: a string is read for that row only.
     */
    @Override
    void addRange(Tile t, EventBatch b, int from, int to) {
        int best = -1;
        long bestTs = 0;
        for (int i = from; i < to; i++) {
            if (!b.isNull(field, i)) {
                long ts = b.timestamp(i);
                if (best < 0 || (last ? ts >= bestTs : ts < bestTs)) {
                    best = i;
                    bestTs = ts;
                }
            }
        }
        if (best >= 0 && wins(t, bestTs)) {
            set(t, bestTs, b.getBits(field, best), type == FieldType.STRING ? b.getString(field, best) : null);
        }
    }

    /** Whether a value at {@code ts}, later in the log than the tile's, replaces the tile's. */
    private boolean wins(Tile t, long ts) {
        int s = longBase;
        return t.longs[s] == 0 || (last ? ts >= t.longs[s + 1] : ts < t.longs[s + 1]);
    }

    private void set(Tile t, long ts, long bits, String text) {
        int s = longBase;
        t.longs[s] = 1;
        t.longs[s + 1] = ts;
        t.longs[s + 2] = bits;
        if (type == FieldType.STRING) {
            t.objects[objectBase] = text;
        }
    }

    @Override
    void merge(Tile into, Tile from) {
        int s = longBase;
        if (from.longs[s] != 0 && wins(into, from.longs[s + 1])) {
            set(into, from.longs[s + 1], from.longs[s + 2], type == FieldType.STRING ? (String) from.objects[objectBase] : null);
        }
    }

    @Override
    Object result(Tile t, FeatureDefinition def) {
        int s = longBase;
        if (t.longs[s] == 0) {
            return null;
        }
        long bits = t.longs[s + 2];
        return switch (type) {
            case STRING -> t.objects[objectBase];
            case LONG, TIMESTAMP -> bits;
            case DOUBLE -> Double.longBitsToDouble(bits);
            case BOOLEAN -> bits != 0;
        };
    }

    @Override
    void encode(Tile t, ByteWriter out) {
        int s = longBase;
        out.writeByte(CODEC).writeByte((int) t.longs[s]);
        if (t.longs[s] == 0) {
            return;
        }
        out.writeLong(t.longs[s + 1]);
        if (type == FieldType.STRING) {
            out.writeString((String) t.objects[objectBase]);
        } else {
            out.writeLong(t.longs[s + 2]);
        }
    }

    @Override
    void decode(Tile t, ByteReader in) {
        checkCodecVersion(in, CODEC);
        if (in.readByte() == 0) {
            reset(t);
            return;
        }
        long ts = in.readLong();
        if (type == FieldType.STRING) {
            set(t, ts, 0, in.readString());
        } else {
            set(t, ts, in.readLong(), null);
        }
    }
}
