package dev.freshet.offline.join;

import org.apache.arrow.vector.VarCharVector;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A column of strings by row, kept as their UTF-8 bytes in large chunks rather than as string
 * objects: a million results would otherwise be a million objects for the collector to copy at
 * every young collection until they are promoted, where a few large arrays are never copied.
 * Rows may be set in any order, each once. Not thread-safe.
 */
final class StringColumn {

    /** Bytes per chunk; large enough that each chunk is allocated outside the young generation. */
    private static final int CHUNK = 4 << 20;

    /** Per row: its chunk in the high half, its offset in the low half. */
    private final long[] at;
    /** Per row: its length in bytes, -1 for none (null). */
    private final int[] lengths;
    private final List<byte[]> chunks = new ArrayList<>();
    private byte[] current;
    private int used;

    StringColumn(int rows) {
        this.at = new long[rows];
        this.lengths = new int[rows];
        Arrays.fill(lengths, -1);
    }

    void set(int row, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        if (current == null || used + b.length > current.length) {
            current = new byte[Math.max(CHUNK, b.length)];
            chunks.add(current);
            used = 0;
        }
        System.arraycopy(b, 0, current, used, b.length);
        at[row] = (long) (chunks.size() - 1) << 32 | used;
        lengths[row] = b.length;
        used += b.length;
    }

    /** Sets rows {@code [0, n)} of {@code v} to rows {@code [from, from + n)} of this column. */
    void fill(VarCharVector v, int from, int n) {
        for (int r = 0; r < n; r++) {
            int length = lengths[from + r];
            if (length < 0) {
                v.setNull(r);
            } else {
                long p = at[from + r];
                v.setSafe(r, chunks.get((int) (p >>> 32)), (int) p, length);
            }
        }
    }
}
