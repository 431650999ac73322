package dev.freshet.core.sketch;

import dev.freshet.core.codec.ByteReader;
import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.error.CorruptDataException;

import java.util.Arrays;
import java.util.Objects;

/**
 * A deterministic KLL quantile sketch of {@code double} values (Karnin, Lang, Liberty 2016,
 * "Optimal Quantile Approximation in Streams"), laid out like Apache DataSketches'
 * {@code KllDoublesSketch}: one {@code double[]} holding levels of geometrically decreasing
 * capacity (about {@code k * (2/3)^depth}, never below 8), where an item of level {@code h}
 * stands for {@code 2^h} values. Retained items stay {@code O(k log(n/k))}; about {@code 3k} in practice.
 *
 * <p><b>Determinism.</b> A compaction keeps either the even- or the odd-indexed half of a sorted
 * level. DataSketches draws that bit from a global random generator; here it comes from state
 * inside the sketch, serialized with it: the top bit of a SplitMix64 hash of a counter of
 * compactions. The bits look random to any data, so KLL's analysis still applies (measured
 * errors match a truly random generator and per-level alternating offsets). So the same
 * sequence of {@link #update}s and {@link #merge}s always yields a bit-identical sketch and
 * identical {@link #toBytes()}, whichever process runs it. Queries never change the state.
 *
 * <p><b>Error.</b> For {@code n <= k} every query is exact. Beyond that a rank query is off by at
 * most {@link #normalizedRankError()} (a fraction of {@code n}) with 99% confidence, as documented
 * for DataSketches' KLL; merging sketches keeps the same bound.
 *
 * <p>Not thread-safe: callers confine an instance to one thread or synchronize.
 */
public final class KllSketch {

    public static final int DEFAULT_K = 200;
    static final int MIN_K = 8;
    static final int MAX_K = 65535;
    /** Minimum level width, as in DataSketches. */
    private static final int M = 8;
    /** Reachable only with {@code n >= 2^63}; bounds corrupt input. */
    static final int MAX_LEVELS = 61;
    private static final int FORMAT_VERSION = 1;
    private static final double[] NO_ITEMS = {};
    private static final long[] POWERS_OF_THREE = new long[31];

    static {
        POWERS_OF_THREE[0] = 1;
        for (int i = 1; i < POWERS_OF_THREE.length; i++) {
            POWERS_OF_THREE[i] = POWERS_OF_THREE[i - 1] * 3;
        }
    }

    private final int k;
    private long n;
    private double min = Double.NaN;
    private double max = Double.NaN;
    private int numLevels = 1;
    /** Level h is {@code items[levels[h], levels[h + 1])}; free space is {@code items[0, levels[0])}. Level 0 is unsorted, the others sorted. */
    private int[] levels = {0, 0};
    private double[] items = NO_ITEMS;
    /** Compactions so far, including those of merged sketches; the next offset is a hash of it. */
    private long coinCounter;

    /** Query view built on demand and dropped by every change: all retained items sorted, with cumulative weights. */
    private double[] sortedValues;
    private long[] cumulativeWeights;

    /** A sketch with {@link #DEFAULT_K} (rank error about 1.3%). */
    public KllSketch() {
        this(DEFAULT_K);
    }

    /** @param k accuracy parameter, 8 to 65535; the rank error falls roughly as {@code 1/k} */
    public KllSketch(int k) {
        if (k < MIN_K || k > MAX_K) {
            throw new IllegalArgumentException("KLL k was " + k + " but must be between " + MIN_K + " and " + MAX_K);
        }
        this.k = k;
    }

    public int k() {
        return k;
    }

    /** Adds one value; NaN is ignored. Allocates only when the item array grows (amortized). */
    public void update(double value) {
        if (Double.isNaN(value)) {
            return;
        }
        if (n == 0) {
            min = value;
            max = value;
        } else if (value < min) {
            min = value;
        } else if (value > max) {
            max = value;
        }
        if (levels[0] == 0) {
            makeRoom();
        }
        items[--levels[0]] = value;
        n++;
        sortedValues = null;
    }

    /**
     * Adds everything {@code other} has seen. {@code other} is not changed and shares no arrays with this sketch.
     *
     * @throws IllegalArgumentException if the two sketches have different {@code k}
     */
    public void merge(KllSketch other) {
        Objects.requireNonNull(other, "other");
        if (other.k != k) {
            throw new IllegalArgumentException("cannot merge a KLL sketch with k=" + other.k + " into one with k=" + k);
        }
        if (other.n == 0) {
            return;
        }
        int mergedLevels = Math.max(numLevels, other.numLevels);
        double[] out = new double[retained() + other.retained()];
        int[] outLevels = new int[mergedLevels + 1];
        int pos = 0;
        for (int h = 0; h < mergedLevels; h++) {
            outLevels[h] = pos;
            int aBeg = h < numLevels ? levels[h] : 0;
            int aLen = h < numLevels ? levels[h + 1] - aBeg : 0;
            int bBeg = h < other.numLevels ? other.levels[h] : 0;
            int bLen = h < other.numLevels ? other.levels[h + 1] - bBeg : 0;
            if (h == 0) {
                System.arraycopy(items, aBeg, out, pos, aLen);
                System.arraycopy(other.items, bBeg, out, pos + aLen, bLen);
            } else {
                mergeSorted(items, aBeg, aLen, other.items, bBeg, bLen, out, pos);
            }
            pos += aLen + bLen;
        }
        outLevels[mergedLevels] = pos;

        if (n == 0) {
            min = other.min;
            max = other.max;
        } else {
            min = Math.min(min, other.min);
            max = Math.max(max, other.max);
        }
        n = Math.addExact(n, other.n);
        // Later coins depend on how many either side drew, so sketches merged from
        // differently built parts do not all replay one coin sequence.
        coinCounter += other.coinCounter;
        items = out;
        levels = outLevels;
        numLevels = mergedLevels;
        int capacity;
        while (retained() > (capacity = totalCapacity(k, numLevels))) {
            compactLowestFullLevel();
        }
        if (items.length > capacity) {
            resize(capacity);
        }
        sortedValues = null;
    }

    public boolean isEmpty() {
        return n == 0;
    }

    /** Number of (non-NaN) values seen, including those of merged sketches. */
    public long count() {
        return n;
    }

    /** The exact smallest value seen; NaN when empty. */
    public double min() {
        return min;
    }

    /** The exact largest value seen; NaN when empty. */
    public double max() {
        return max;
    }

    /**
     * The approximate inclusive quantile: the smallest retained value {@code v} whose weighted count
     * of values {@code <= v} is at least {@code rank * count()}. Rank 0 gives {@link #min()}, rank 1
     * {@link #max()}; exact while {@code count() <= k}.
     *
     * @param rank normalized rank in [0, 1]
     * @return the quantile, or NaN when the sketch is empty
     */
    public double quantile(double rank) {
        if (!(rank >= 0 && rank <= 1)) {
            throw new IllegalArgumentException("quantile rank was " + rank + " but must be in [0, 1]");
        }
        if (n == 0) {
            return Double.NaN;
        }
        if (rank == 0) {
            return min;
        }
        if (rank == 1) {
            return max;
        }
        buildSortedView();
        long target = (long) Math.ceil(rank * n);
        int lo = 0;
        int hi = cumulativeWeights.length - 1;
        while (lo < hi) { // first index whose cumulative weight reaches target
            int mid = (lo + hi) >>> 1;
            if (cumulativeWeights[mid] >= target) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return sortedValues[lo];
    }

    /** The approximate fraction of values {@code <= value}, in [0, 1]; NaN when empty or for a NaN argument. */
    public double rank(double value) {
        if (n == 0 || Double.isNaN(value)) {
            return Double.NaN;
        }
        buildSortedView();
        int lo = 0;
        int hi = sortedValues.length;
        while (lo < hi) { // number of retained items <= value
            int mid = (lo + hi) >>> 1;
            if (sortedValues[mid] <= value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == 0 ? 0.0 : (double) cumulativeWeights[lo - 1] / n;
    }

    /** A-priori single-sided normalized rank error at 99% confidence for this k, as DataSketches documents it. */
    public double normalizedRankError() {
        return normalizedRankError(k);
    }

    /** @see #normalizedRankError() */
    public static double normalizedRankError(int k) {
        return 2.296 / Math.pow(k, 0.9723);
    }

    /** An independent deep copy. */
    public KllSketch copy() {
        KllSketch c = new KllSketch(k);
        c.n = n;
        c.min = min;
        c.max = max;
        c.numLevels = numLevels;
        c.levels = levels.clone();
        c.items = items.clone();
        c.coinCounter = coinCounter;
        return c;
    }

    /** Number of items kept (the memory that matters is about 8 bytes each). */
    int retained() {
        return levels[numLevels] - levels[0];
    }

    int numLevels() {
        return numLevels;
    }

    /**
     * Format version 1: version byte; varints k and n; min and max as doubles; the compaction state
     * (varint compaction counter); varint level count; varint size of each level; the
     * retained items as doubles, level 0 first, in storage order.
     */
    public byte[] toBytes() {
        int retained = retained();
        ByteWriter w = new ByteWriter(48 + 2 * numLevels + 8 * retained);
        w.writeByte(FORMAT_VERSION).writeVarLong(k).writeVarLong(n).writeDouble(min).writeDouble(max);
        w.writeVarLong(coinCounter).writeVarLong(numLevels);
        for (int h = 0; h < numLevels; h++) {
            w.writeVarLong(levels[h + 1] - levels[h]);
        }
        for (int i = levels[0]; i < levels[numLevels]; i++) {
            w.writeDouble(items[i]);
        }
        return w.toByteArray();
    }

    /**
     * Decodes {@link #toBytes()}.
     *
     * @throws CorruptDataException on truncated or trailing bytes, an unknown version, or sizes,
     *     weights or items that no sketch could have
     */
    public static KllSketch fromBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        ByteReader r = new ByteReader(bytes, "KLL sketch");
        int version = r.readByte();
        if (version != FORMAT_VERSION) {
            throw new CorruptDataException("KLL sketch has unknown format version " + version + " (expected " + FORMAT_VERSION + ")");
        }
        long k = r.readVarLong();
        if (k < MIN_K || k > MAX_K) {
            throw new CorruptDataException("KLL sketch has k=" + k + ", outside " + MIN_K + ".." + MAX_K);
        }
        KllSketch s = new KllSketch((int) k);
        s.n = r.readVarLong();
        s.min = r.readDouble();
        s.max = r.readDouble();
        s.coinCounter = r.readVarLong();
        long numLevels = r.readVarLong();
        if (s.n < 0 || numLevels < 1 || numLevels > MAX_LEVELS) {
            throw new CorruptDataException("KLL sketch has impossible count " + s.n + " or level count " + numLevels);
        }
        s.numLevels = (int) numLevels;
        int capacity = totalCapacity(s.k, s.numLevels);
        int[] sizes = new int[s.numLevels];
        long retained = 0;
        long weight = 0;
        try {
            for (int h = 0; h < s.numLevels; h++) {
                long size = r.readVarLong();
                if (size < 0 || size > capacity) {
                    throw new CorruptDataException("KLL sketch level " + h + " has size " + size + ", above the capacity " + capacity);
                }
                sizes[h] = (int) size;
                retained += size;
                weight = Math.addExact(weight, Math.multiplyExact(size, 1L << h));
            }
        } catch (ArithmeticException e) {
            throw new CorruptDataException("KLL sketch level sizes overflow the count", e);
        }
        if (retained > capacity || weight != s.n) {
            throw new CorruptDataException("KLL sketch level sizes " + Arrays.toString(sizes) + " hold " + retained
                    + " items of total weight " + weight + " but the count is " + s.n + " and the capacity " + capacity);
        }
        if (r.remaining() != 8 * retained) {
            throw new CorruptDataException("KLL sketch needs " + 8 * retained + " bytes of items but " + r.remaining() + " remain");
        }
        if (s.n == 0 ? !(Double.isNaN(s.min) && Double.isNaN(s.max)) : !(s.min <= s.max)) {
            throw new CorruptDataException("KLL sketch of " + s.n + " values has min " + s.min + " and max " + s.max);
        }
        s.items = new double[(int) retained];
        s.levels = new int[s.numLevels + 1];
        for (int h = 0, pos = 0; h < s.numLevels; h++) {
            s.levels[h] = pos;
            for (int end = pos + sizes[h]; pos < end; pos++) {
                double v = r.readDouble();
                if (!(v >= s.min && v <= s.max) || (h > 0 && pos > s.levels[h] && v < s.items[pos - 1])) {
                    throw new CorruptDataException("KLL sketch item " + pos + " (" + v + ") is outside [min, max] or out of order");
                }
                s.items[pos] = v;
            }
            s.levels[h + 1] = pos;
        }
        return s;
    }

    /** Frees at least one slot below level 0: grows the array up to the capacity, else compacts. */
    private void makeRoom() {
        int capacity = totalCapacity(k, numLevels);
        if (items.length < capacity) {
            resize(Math.min(capacity, Math.max(16, 2 * items.length)));
        } else {
            compactLowestFullLevel();
        }
    }

    /** Moves the items to the top of a new array of {@code length >= retained()}. */
    private void resize(int length) {
        double[] grown = new double[length];
        int shift = length - items.length;
        System.arraycopy(items, levels[0], grown, levels[0] + shift, retained());
        for (int h = 0; h <= numLevels; h++) {
            levels[h] += shift;
        }
        items = grown;
    }

    /** Needs {@code retained() >= totalCapacity}, so that some level is at or over its capacity. */
    private void compactLowestFullLevel() {
        int h = 0;
        while (levels[h + 1] - levels[h] < levelCapacity(k, numLevels, h)) {
            h++;
        }
        if (h == numLevels - 1) {
            if (numLevels == MAX_LEVELS) {
                throw new IllegalStateException("KLL sketch cannot grow past " + MAX_LEVELS + " levels");
            }
            levels = Arrays.copyOf(levels, numLevels + 2);
            levels[numLevels + 1] = levels[numLevels];
            numLevels++;
        }
        int low = levels[0];
        int rawBeg = levels[h];
        int rawLim = levels[h + 1];
        int popAbove = levels[h + 2] - rawLim;
        if (h == 0) {
            Arrays.sort(items, rawBeg, rawLim);
        }
        int odd = (rawLim - rawBeg) & 1; // an odd item out (the smallest) stays on this level
        int adjBeg = rawBeg + odd;
        int half = (rawLim - adjBeg) / 2;
        int offset = nextOffset();
        if (popAbove == 0) {
            for (int i = rawLim - 1, j = rawLim - 2 + offset; i >= adjBeg + half; i--, j -= 2) {
                items[i] = items[j];
            }
        } else {
            for (int i = adjBeg, j = adjBeg + offset; i < adjBeg + half; i++, j += 2) {
                items[i] = items[j];
            }
            // The output ends where level h+1 ends and never overtakes its unread items.
            mergeSorted(items, adjBeg, half, items, rawLim, popAbove, items, adjBeg + half);
        }
        levels[h + 1] = rawLim - half;
        if (odd == 1) {
            items[levels[h + 1] - 1] = items[rawBeg];
        }
        levels[h] = levels[h + 1] - odd;
        // The lower levels move up into the freed slots, leaving the free space at the bottom.
        System.arraycopy(items, low, items, low + half, rawBeg - low);
        for (int i = 0; i < h; i++) {
            levels[i] += half;
        }
    }

    /** 0 keeps the even-indexed (smaller) item of each pair, 1 the odd-indexed one. */
    private int nextOffset() {
        return (int) (mix64(++coinCounter) >>> 63);
    }

    /** SplitMix64's finalizer: consecutive counters give unrelated bits. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static void mergeSorted(double[] a, int aBeg, int aLen, double[] b, int bBeg, int bLen, double[] out, int outBeg) {
        int i = aBeg;
        int j = bBeg;
        int aEnd = aBeg + aLen;
        int bEnd = bBeg + bLen;
        int o = outBeg;
        while (i < aEnd && j < bEnd) {
            out[o++] = b[j] < a[i] ? b[j++] : a[i++];
        }
        while (i < aEnd) {
            out[o++] = a[i++];
        }
        while (j < bEnd) {
            out[o++] = b[j++];
        }
    }

    private void buildSortedView() {
        if (sortedValues != null) {
            return;
        }
        int total = retained();
        double[] values = new double[total];
        long[] weights = new long[total];
        double[] scratchValues = new double[total];
        long[] scratchWeights = new long[total];
        // Level 0 is sorted in a copy so that queries leave the serialized state alone.
        int len = levels[1] - levels[0];
        System.arraycopy(items, levels[0], values, 0, len);
        Arrays.sort(values, 0, len);
        Arrays.fill(weights, 0, len, 1L);
        for (int h = 1; h < numLevels; h++) {
            int beg = levels[h];
            int size = levels[h + 1] - beg;
            long w = 1L << h;
            int i = 0;
            int j = beg;
            int o = 0;
            while (i < len || j < beg + size) {
                if (j == beg + size || (i < len && values[i] <= items[j])) {
                    scratchValues[o] = values[i];
                    scratchWeights[o++] = weights[i++];
                } else {
                    scratchValues[o] = items[j++];
                    scratchWeights[o++] = w;
                }
            }
            len = o;
            double[] tv = values;
            values = scratchValues;
            scratchValues = tv;
            long[] tw = weights;
            weights = scratchWeights;
            scratchWeights = tw;
        }
        for (int i = 1; i < total; i++) {
            weights[i] += weights[i - 1];
        }
        cumulativeWeights = weights;
        sortedValues = values;
    }

    /** Capacity of level {@code h}: {@code k * (2/3)^depth} rounded, at least {@link #M}. */
    static int levelCapacity(int k, int numLevels, int h) {
        int depth = numLevels - h - 1;
        if (depth >= POWERS_OF_THREE.length) {
            return M;
        }
        long doubled = ((2L * k) << depth) / POWERS_OF_THREE[depth];
        return (int) Math.max(M, (doubled + 1) >>> 1);
    }

    static int totalCapacity(int k, int numLevels) {
        int total = 0;
        for (int h = 0; h < numLevels; h++) {
            total += levelCapacity(k, numLevels, h);
        }
        return total;
    }

    @Override
    public String toString() {
        return "KllSketch{k=" + k + ", n=" + n + ", min=" + min + ", max=" + max + ", levels=" + numLevels + ", retained=" + retained() + "}";
    }
}
