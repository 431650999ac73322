package dev.freshet.offline.join;

import dev.freshet.core.codec.ByteReader;
import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FieldType;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

import java.nio.charset.StandardCharsets;

/**
 * The type of a feature's value in a training set, as {@code ViewAggregator.evaluate} returns it
 * (see each aggregate's {@code result}): count and count_distinct give Long; sum, min and max give
 * the field's type (sum of a timestamp is a plain Long); avg and quantile give Double; last and
 * first give the field's type. Timestamps are Longs of epoch milliseconds, written as
 * Timestamp(ms, UTC). Also the compact encoding of values between the join and the output.
 */
enum ValueKind {
    LONG(new ArrowType.Int(64, true)),
    DOUBLE(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
    STRING(ArrowType.Utf8.INSTANCE),
    BOOLEAN(ArrowType.Bool.INSTANCE),
    TIMESTAMP(new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC"));

    private final ArrowType arrowType;

    ValueKind(ArrowType arrowType) {
        this.arrowType = arrowType;
    }

    ArrowType arrowType() {
        return arrowType;
    }

    /** The kind of a feature's value, given the type of the field it aggregates (null for a count of events). */
    static ValueKind of(FeatureDefinition f, FieldType field) {
        return switch (f.function()) {
            case COUNT, COUNT_DISTINCT -> LONG;
            case AVG, QUANTILE -> DOUBLE;
            case SUM -> field == FieldType.DOUBLE ? DOUBLE : LONG;
            case MIN, MAX, LAST, FIRST -> switch (field) {
                case STRING -> STRING;
                case LONG -> LONG;
                case DOUBLE -> DOUBLE;
                case BOOLEAN -> BOOLEAN;
                case TIMESTAMP -> TIMESTAMP;
            };
        };
    }

    /** Writes a value (null, or the object the aggregate returned) as a tag byte and the value. */
    void encode(Object value, ByteWriter out) {
        if (value == null) {
            out.writeByte(0);
            return;
        }
        out.writeByte(1);
        switch (this) {
            case LONG, TIMESTAMP -> out.writeLong((Long) value);
            case DOUBLE -> out.writeLong(Double.doubleToRawLongBits((Double) value));
            case BOOLEAN -> out.writeByte((Boolean) value ? 1 : 0);
            case STRING -> out.writeLengthPrefixed(((String) value).getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Reads what {@link #encode} wrote into row {@code row} of a vector of {@link #arrowType}.
     *
     * @param bytes the array {@code in} reads (a string is copied from it into the vector directly)
     */
    void decode(ByteReader in, byte[] bytes, FieldVector vector, int row) {
        if (in.readByte() == 0) {
            vector.setNull(row);
            return;
        }
        switch (this) {
            case LONG -> ((BigIntVector) vector).setSafe(row, in.readLong());
            case TIMESTAMP -> ((TimeStampMilliTZVector) vector).setSafe(row, in.readLong());
            case DOUBLE -> ((Float8Vector) vector).setSafe(row, Double.longBitsToDouble(in.readLong()));
            case BOOLEAN -> ((BitVector) vector).setSafe(row, in.readByte());
            case STRING -> {
                int length = in.readLength();
                int at = in.position();
                in.skip(length);
                ((VarCharVector) vector).setSafe(row, bytes, at, length);
            }
        }
    }
}
