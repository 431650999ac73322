package dev.freshet.core.sketch;

import com.dynatrace.hash4j.distinctcount.HyperLogLog;
import dev.freshet.core.codec.ByteReader;
import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.error.CorruptDataException;

import java.util.Arrays;

/**
 * Counts distinct values given as 64-bit hashes: exactly, as a sorted set of hashes, up to
 * {@value #EXACT_LIMIT} distinct hashes; beyond that as a HyperLogLog of precision {@value #P}
 * (hash4j; 4,096 registers, relative standard error 1.04 / 64 &#8776; 1.6 %).
 *
 * <p>The state depends only on the set of hashes added, never on the order of adds and merges:
 * the set is exact, HyperLogLog registers merge by maximum, and the switch to HyperLogLog happens
 * exactly when the set grows past the limit, whatever path it took. So tiles built online and
 * offline agree bit for bit. Small tiles stay small (8 bytes a hash). Not thread-safe.
 */
public final class DistinctSketch {

    /** Distinct hashes kept exactly before switching to HyperLogLog. */
    public static final int EXACT_LIMIT = 256;
    /** HyperLogLog precision: 2^P registers. */
    public static final int P = 12;
    /** Relative standard error of the HyperLogLog estimate. */
    public static final double RELATIVE_STANDARD_ERROR = 1.04 / Math.sqrt(1 << P);

    private static final int FORMAT = 1;
    private static final int EXACT = 0;
    private static final int HLL = 1;

    private long[] hashes = new long[4];
    private int size;
    private HyperLogLog hll;

    public DistinctSketch() {
    }

    public boolean isEmpty() {
        return hll == null ? size == 0 : hll.isEmpty();
    }

    /** True while the count is exact (the set has not grown past {@link #EXACT_LIMIT}). */
    public boolean isExact() {
        return hll == null;
    }

    /** Adds one value, given as a good 64-bit hash of it. */
    public void addHash(long hash) {
        if (hll != null) {
            hll.add(hash);
            return;
        }
        int i = Arrays.binarySearch(hashes, 0, size, hash);
        if (i >= 0) {
            return;
        }
        int at = -i - 1;
        if (size == hashes.length) {
            hashes = Arrays.copyOf(hashes, Math.min(2 * size, EXACT_LIMIT + 1));
        }
        System.arraycopy(hashes, at, hashes, at + 1, size - at);
        hashes[at] = hash;
        size++;
        if (size > EXACT_LIMIT) {
            densify();
        }
    }

    private void densify() {
        HyperLogLog h = HyperLogLog.create(P);
        for (int i = 0; i < size; i++) {
            h.add(hashes[i]);
        }
        hll = h;
        hashes = null;
        size = 0;
    }

    /** Adds every value of {@code other}, which is not changed. */
    public void merge(DistinctSketch other) {
        if (other.hll != null) {
            if (hll == null) {
                densify();
            }
            hll.add(other.hll);
            return;
        }
        if (other.size == 0 || other == this) {
            return;
        }
        if (hll != null) {
            for (int i = 0; i < other.size; i++) {
                hll.add(other.hashes[i]);
            }
            return;
        }
        unionSorted(other.hashes, other.size);
        if (size > EXACT_LIMIT) {
            densify();
        }
    }

    /**
     * Makes the exact set the union of itself and the sorted {@code b[0, m)}, in place, from the back:
     * each of {@code b}'s hashes, largest first, finds its place by binary search and the block of
     * larger hashes moves once with {@code System.arraycopy}. That is the hot path of reading a window
     * (a tile's few hashes merged into the window's set, sixty times a read): m searches and m block
     * moves, and the array grows by doubling, not by m.
     */
    private void unionSorted(long[] b, int m) {
        int n = size;
        if (hashes.length < n + m) {
            hashes = Arrays.copyOf(hashes, Math.max(n + m, Math.min(2 * hashes.length, EXACT_LIMIT + 1)));
        }
        long[] a = hashes;
        int i = n - 1;      // the last hash of a not yet moved
        int k = n + m - 1;  // where the next hash goes
        for (int j = m - 1; j >= 0; j--) {
            long v = b[j];
            int p = Arrays.binarySearch(a, 0, i + 1, v);
            int firstGreater = p >= 0 ? p + 1 : -p - 1;
            int len = i + 1 - firstGreater;
            if (len > 0) {
                System.arraycopy(a, firstGreater, a, k - len + 1, len);
                k -= len;
            }
            i = firstGreater - 1;
            if (p < 0) {
                a[k--] = v;
            }
            // a hash both sets hold stays where it is, in the part not yet moved
        }
        // a[0, i] is in place; duplicates left a gap between it and what was written from the back
        int start = k + 1;
        int kept = i + 1;
        if (start > kept) {
            System.arraycopy(a, start, a, kept, n + m - start);
        }
        size = kept + (n + m - start);
    }

    /** The number of distinct values: exact while {@link #isExact()}, else the HyperLogLog estimate rounded. */
    public long estimate() {
        return hll == null ? size : Math.round(hll.getDistinctCountEstimate());
    }

    public DistinctSketch copy() {
        DistinctSketch c = new DistinctSketch();
        c.merge(this);
        return c;
    }

    /** {@code format, mode, then the sorted hashes or the HyperLogLog registers}. */
    public void writeTo(ByteWriter out) {
        out.writeByte(FORMAT);
        if (hll == null) {
            out.writeByte(EXACT).writeVarLong(size);
            for (int i = 0; i < size; i++) {
                out.writeLong(hashes[i]);
            }
        } else {
            out.writeByte(HLL).writeByte(P).writeLengthPrefixed(hll.getState());
        }
    }

    /**
     * Reads what {@link #writeTo} wrote.
     *
     * @throws CorruptDataException on an unknown format, a bad mode or size, or truncated bytes
     */
    public static DistinctSketch readFrom(ByteReader in) {
        int format = in.readByte();
        if (format != FORMAT) {
            throw new CorruptDataException("distinct-count sketch has format version " + format + "; this Freshet reads version " + FORMAT);
        }
        DistinctSketch s = new DistinctSketch();
        int mode = in.readByte();
        if (mode == EXACT) {
            int n = in.readLength();
            if (n > EXACT_LIMIT) {
                throw new CorruptDataException("distinct-count sketch claims " + n + " exact hashes; at most " + EXACT_LIMIT + " are kept");
            }
            s.hashes = new long[Math.max(4, n)];
            for (int i = 0; i < n; i++) {
                long h = in.readLong();
                if (i > 0 && h <= s.hashes[i - 1]) {
                    throw new CorruptDataException("distinct-count sketch has unsorted or repeated hashes at position " + i);
                }
                s.hashes[i] = h;
            }
            s.size = n;
        } else if (mode == HLL) {
            int p = in.readByte();
            if (p != P) {
                throw new CorruptDataException("distinct-count sketch has HyperLogLog precision " + p + "; this Freshet uses " + P);
            }
            byte[] state = in.readLengthPrefixed();
            try {
                s.hll = HyperLogLog.wrap(state);
            } catch (IllegalArgumentException e) {
                throw new CorruptDataException("distinct-count sketch holds unreadable HyperLogLog registers: " + e.getMessage(), e);
            }
            s.hashes = null;
        } else {
            throw new CorruptDataException("distinct-count sketch has unknown mode " + mode);
        }
        return s;
    }
}
