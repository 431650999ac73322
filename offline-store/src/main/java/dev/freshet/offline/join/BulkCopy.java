package dev.freshet.offline.join;

import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;

import java.nio.ByteOrder;

/**
 * Copies the buffers of Arrow vectors into Java arrays in bulk, so that per-row work reads plain
 * arrays instead of going through a vector's accessors (and allocating a {@code byte[]} per string).
 * Each method reuses the array it is given when it is large enough. Stateless.
 */
final class BulkCopy {

    private BulkCopy() {
    }

    /** The 8-byte values of a fixed-width vector (longs, timestamps, doubles' bits) of {@code n} rows. */
    static long[] longs(FieldVector v, int n, long[] into) {
        long[] a = into != null && into.length >= n ? into : new long[n];
        v.getDataBuffer().nioBuffer(0, n * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(a, 0, n);
        return a;
    }

    /** The 4-byte values of a fixed-width vector (ints) of {@code n} rows. */
    static int[] ints(FieldVector v, int n, int[] into) {
        int[] a = into != null && into.length >= n ? into : new int[n];
        v.getDataBuffer().nioBuffer(0, n * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(a, 0, n);
        return a;
    }

    /** The {@code n + 1} offsets of a string vector's rows: row {@code r} is {@code data[offsets[r], offsets[r + 1])}. */
    static int[] offsets(VarCharVector v, int n, int[] into) {
        int[] a = into != null && into.length >= n + 1 ? into : new int[n + 1];
        v.getOffsetBuffer().nioBuffer(0, (n + 1) * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(a, 0, n + 1);
        return a;
    }

    /** The bytes of a string vector's rows; {@code offsets} (from {@link #offsets}) index into them. */
    static byte[] data(VarCharVector v, int[] offsets, int n, byte[] into) {
        int end = offsets[n];
        byte[] a = into != null && into.length >= end ? into : new byte[Math.max(end, 64)];
        if (end > 0) {
            v.getDataBuffer().getBytes(0, a, 0, end);
        }
        return a;
    }
}
