package dev.freshet.offline.join;

import dev.freshet.core.definition.Schema;
import dev.freshet.core.error.CorruptDataException;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

import java.util.Arrays;

/**
 * Encodes the aggregated fields of archived rows straight from the Arrow vectors, without building
 * an {@link dev.freshet.core.event.Event} per row, into one reused buffer: the compact payload the external sort keeps and
 * {@link EventStream#sorted} decodes. Per field: a tag byte (0 null, 1 value), then the value's 64
 * bits (long, timestamp, double bits, boolean 0/1) or a string's varint length and UTF-8 bytes.
 * Bound to one batch at a time; not thread-safe.
 */
final class FieldEncoder {

    private final Schema schema;
    private final int[] fields;
    private final FieldVector[] vectors;
    private byte[] buf = new byte[64];
    private int length;

    FieldEncoder(Schema schema, int[] fields) {
        this.schema = schema;
        this.fields = fields;
        this.vectors = new FieldVector[fields.length];
    }

    /** Reads from this batch from now on (the archive columns were checked by {@code EventColumns.bind}). */
    void bind(VectorSchemaRoot root) {
        for (int i = 0; i < fields.length; i++) {
            vectors[i] = root.getVector(schema.field(fields[i]).name());
            if (vectors[i] == null) {
                throw new CorruptDataException("archive batch has no column '" + schema.field(fields[i]).name() + "'");
            }
        }
    }

    /** Encodes a row into {@link #buffer()}{@code [0, }{@link #length()}{@code )}, which the next call overwrites. */
    void encode(int row) {
        length = 0;
        for (int i = 0; i < fields.length; i++) {
            FieldVector v = vectors[i];
            ensure(11);
            if (v.isNull(row)) {
                buf[length++] = 0;
                continue;
            }
            buf[length++] = 1;
            switch (schema.field(fields[i]).type()) {
                case STRING -> {
                    VarCharVector s = (VarCharVector) v;
                    int start = s.getStartOffset(row);
                    int n = s.getEndOffset(row) - start;
                    putVarLength(n);
                    ensure(n);
                    s.getDataBuffer().getBytes(start, buf, length, n);
                    length += n;
                }
                case LONG -> putLong(((BigIntVector) v).get(row));
                case DOUBLE -> putLong(Double.doubleToRawLongBits(((Float8Vector) v).get(row)));
                case BOOLEAN -> putLong(((BitVector) v).get(row));
                case TIMESTAMP -> putLong(((TimeStampVector) v).get(row));
            }
        }
    }

    byte[] buffer() {
        return buf;
    }

    int length() {
        return length;
    }

    private void ensure(int n) {
        if (length + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(length + n, buf.length * 2));
        }
    }

    /** As {@code ByteWriter.writeVarLong}: 7 bits a byte, low first. */
    private void putVarLength(int n) {
        ensure(5);
        while ((n & ~0x7F) != 0) {
            buf[length++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        buf[length++] = (byte) n;
    }

    /** As {@code ByteWriter.writeLong}: big-endian. */
    private void putLong(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[length++] = (byte) (v >>> shift);
        }
    }
}
