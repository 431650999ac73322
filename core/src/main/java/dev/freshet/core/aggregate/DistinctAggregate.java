package dev.freshet.core.aggregate;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.freshet.core.codec.ByteReader;
import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.event.EventFields;
import dev.freshet.core.sketch.DistinctSketch;

/**
 * {@code count_distinct}: one object slot holding a {@link DistinctSketch} (exact up to 256
 * distinct values, then HyperLogLog with about 1.6 % relative standard error), created on the
 * first value. Values are hashed with komihash 5.0, a fixed algorithm, because the hashes are
 * stored in tiles. The result is a Long, 0 when empty.
 */
final class DistinctAggregate extends Aggregate {

    private static final int CODEC = 1;
    private static final Hasher64 HASH = Hashing.komihash5_0();
    private final FieldType type;

    DistinctAggregate(String key, int field, FieldType type) {
        super(key, field);
        this.type = type;
    }

    @Override
    int longSlots() {
        return 0;
    }

    @Override
    int objectSlots() {
        return 1;
    }

    private DistinctSketch sketch(Tile t) {
        DistinctSketch s = (DistinctSketch) t.objects[objectBase];
        if (s == null) {
            s = new DistinctSketch();
            t.objects[objectBase] = s;
        }
        return s;
    }

    @Override
    void add(Tile t, EventFields e) {
        if (e.isNull(field)) {
            return;
        }
        long hash = switch (type) {
            case STRING -> HASH.hashCharsToLong(e.getString(field));
            // doubleToLongBits folds every NaN into one value; -0.0 and 0.0 stay distinct, as Double.equals has them
            case DOUBLE -> HASH.hashLongToLong(Double.doubleToLongBits(e.getDouble(field)));
            case LONG, TIMESTAMP, BOOLEAN -> HASH.hashLongToLong(e.getBits(field));
        };
        sketch(t).addHash(hash);
    }

    @Override
    void merge(Tile into, Tile from) {
        DistinctSketch other = (DistinctSketch) from.objects[objectBase];
        if (other != null && !other.isEmpty()) {
            sketch(into).merge(other);
        }
    }

    @Override
    Object result(Tile t, FeatureDefinition def) {
        DistinctSketch s = (DistinctSketch) t.objects[objectBase];
        return s == null ? 0L : s.estimate();
    }

    @Override
    void encode(Tile t, ByteWriter out) {
        out.writeByte(CODEC);
        DistinctSketch s = (DistinctSketch) t.objects[objectBase];
        if (s == null || s.isEmpty()) {
            out.writeByte(0);
        } else {
            out.writeByte(1);
            s.writeTo(out);
        }
    }

    @Override
    void decode(Tile t, ByteReader in) {
        checkCodecVersion(in, CODEC);
        t.objects[objectBase] = in.readByte() == 0 ? null : DistinctSketch.readFrom(in);
    }
}
