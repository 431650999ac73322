package dev.freshet.offline.join;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Sorts records {@code (key, a, b, c, payload)} by {@code key} ({@link String#compareTo}, the order of
 * sorted archive files), then {@code a}, {@code b}, {@code c}, within a heap budget.
 *
 * <p>Records are buffered in columns (primitive arrays and one byte arena for the payloads, so
 * there is no object per record for the collector to trace) and each distinct key is stored once.
 * When the buffer would outgrow the budget it is sorted and written to a run file in the spill
 * directory; {@link #sorted} merges the runs (k-way, one record of each run in memory). Sorting
 * needs no string comparison per record: the distinct keys are sorted once, records are placed by
 * key rank (a counting sort), then each key's records are merge-sorted by (a, b, c), which is near
 * linear since events and spine rows arrive roughly in time order.
 *
 * <p>The sorted result can be read any number of times. {@link #close} deletes every run file
 * (idempotent; also call it on failure). Not thread-safe.
 */
final class ExternalSorter implements AutoCloseable {

    /**
     * Heap per buffered record: group, a, b, c, payload end (4 + 24 + 4), sort index and scratch (8),
     * and the spare columns of the final in-memory sort (12).
     */
    private static final long RECORD_BYTES = 52;
    /** Rough heap cost of a distinct key besides its characters (the string, its map entry, its bytes). */
    private static final long KEY_OVERHEAD = 112;
    private static final int INITIAL_RECORDS = 16;
    /** Groups at least this large try {@link #sortPacked}; smaller ones are merge-sorted (near linear on ordered input). */
    private static final int PACKED_SORT_MIN = 256;

    private final String what;
    private final long budgetBytes;
    private final Path spillDirectory;
    private final List<Path> runs = new ArrayList<>();
    private final KeyIndex groups = new KeyIndex();
    private long keyBytes;
    private int size;
    private int[] group = new int[INITIAL_RECORDS];
    private long[] as = new long[INITIAL_RECORDS];
    private long[] bs = new long[INITIAL_RECORDS];
    private long[] cs = new long[INITIAL_RECORDS];
    private int[] payloadEnd = new int[INITIAL_RECORDS];
    private byte[] arena = new byte[256];
    private int[] order;
    private long count;
    private int spilled;
    private boolean finished;
    private boolean closed;

    /**
     * @param what           what is sorted, for file names and error messages ("events of clicks")
     * @param budgetBytes    the heap the buffered records may take before they are spilled
     * @param spillDirectory where run files go
     */
    ExternalSorter(String what, long budgetBytes, Path spillDirectory) {
        this.what = what;
        this.budgetBytes = budgetBytes;
        this.spillDirectory = spillDirectory;
    }

    /** Adds a record; the payload (null: empty) is copied. */
    void add(String key, long a, long b, long c, byte[] payload) {
        add(key, a, b, c, payload, payload == null ? 0 : payload.length);
    }

    /** Adds a record whose payload is {@code payload[0, length)}, copied. */
    void add(String key, long a, long b, long c, byte[] payload, int length) {
        reserve(length);
        int known = groups.size();
        int g = groups.idOf(key);
        if (g == known) {
            keyBytes += KEY_OVERHEAD + 3L * key.length();
        }
        append(g, a, b, c, payload, length);
    }

    /**
     * Adds a record whose key is given by its UTF-8 bytes, {@code key[keyFrom, keyFrom + keyLength)}
     * (a slice of a column copied out in bulk: no string is made for a key seen before), with an empty
     * payload.
     */
    void add(byte[] key, int keyFrom, int keyLength, long a, long b, long c) {
        reserve(0);
        int known = groups.size();
        int g = groups.idOf(key, keyFrom, keyLength);
        if (g == known) {
            keyBytes += KEY_OVERHEAD + 3L * keyLength;
        }
        append(g, a, b, c, null, 0);
    }

    /** Reads ahead where the key would be interned ({@link KeyIndex#touch}), before a run of {@link #add}s; returns a meaningless value. */
    long touch(byte[] key, int keyFrom, int keyLength) {
        return groups.touch(key, keyFrom, keyLength);
    }

    /** Makes room for one more record with a payload of {@code length} bytes, spilling when the budget is reached. */
    private void reserve(int length) {
        if (finished || closed) {
            throw new IllegalStateException("the sorter of " + what + " no longer accepts records");
        }
        if (size == as.length) {
            if (footprint() + as.length * RECORD_BYTES > budgetBytes) {
                spill();
            } else {
                growRecords();
            }
        }
        int start = size == 0 ? 0 : payloadEnd[size - 1];
        if (start + length > arena.length) {
            if (footprint() + arena.length > budgetBytes && size > 0) {
                spill();
                start = 0;
            }
            if (start + length > arena.length) {
                arena = Arrays.copyOf(arena, Math.max(start + length, arena.length * 2));
            }
        }
    }

    private void append(int g, long a, long b, long c, byte[] payload, int length) {
        int start = size == 0 ? 0 : payloadEnd[size - 1];
        group[size] = g;
        as[size] = a;
        bs[size] = b;
        cs[size] = c;
        if (length > 0) {
            System.arraycopy(payload, 0, arena, start, length);
        }
        payloadEnd[size] = start + length;
        size++;
        count++;
    }

    private long footprint() {
        return as.length * RECORD_BYTES + arena.length + keyBytes;
    }

    private void growRecords() {
        int n = as.length * 2;
        group = Arrays.copyOf(group, n);
        as = Arrays.copyOf(as, n);
        bs = Arrays.copyOf(bs, n);
        cs = Arrays.copyOf(cs, n);
        payloadEnd = Arrays.copyOf(payloadEnd, n);
    }

    /** Records added so far. */
    long count() {
        return count;
    }

    /** Run files written so far (deleted or not). */
    int runCount() {
        return spilled;
    }

    /**
     * The records in order. The first call ends adding; every call starts a new cursor over the
     * same records (close each cursor).
     */
    RecordCursor sorted() {
        if (closed) {
            throw new IllegalStateException("the sorter of " + what + " is closed");
        }
        if (!finished) {
            finished = true;
            if (runs.isEmpty()) {
                sortBuffer();
                permute();
            } else {
                spill();
                // everything is on disk now: give the buffer's memory back to the join's other parts
                group = new int[0];
                as = bs = cs = new long[0];
                payloadEnd = new int[0];
                arena = new byte[0];
            }
        }
        return runs.isEmpty() ? new BufferCursor() : new MergeCursor(runs);
    }

    /** Sets {@link #order} to the buffered records' sorted positions. */
    private void sortBuffer() {
        int groupCount = groups.size();
        // the distinct keys are sorted once (no string comparison per record)
        int[] rank = rankKeys(groupCount);
        int[] start = new int[groupCount + 1];
        for (int i = 0; i < size; i++) {
            start[rank[group[i]] + 1]++;
        }
        for (int g = 0; g < groupCount; g++) {
            start[g + 1] += start[g];
        }
        order = new int[size];
        int[] next = Arrays.copyOf(start, groupCount);
        for (int i = 0; i < size; i++) {
            order[next[rank[group[i]]]++] = i;
        }
        int[] scratch = null;
        for (int g = 0; g < groupCount; g++) {
            if (start[g + 1] - start[g] >= PACKED_SORT_MIN && sortPacked(start[g], start[g + 1])) {
                continue;
            }
            if (scratch == null) {
                scratch = new int[size];
            }
            mergeSort(order, scratch, start[g], start[g + 1]);
        }
    }

    /**
     * Each distinct key's rank in {@link String#compareTo} order (ties, keys of equal strings from
     * different bytes, by number). The keys are sorted by a prefix packed into a long, whose unsigned
     * order is the strings' order as far as it reaches (8 chars when every key is Latin-1, else 4
     * UTF-16 chars, padded with zeros), with a radix sort; only keys of equal prefixes are then
     * compared as strings. A spine's 100,000 keys took 80–100 ms as strings, most of it comparisons.
     */
    private int[] rankKeys(int groupCount) {
        boolean latin1 = true;
        for (int g = 0; g < groupCount && latin1; g++) {
            latin1 = isLatin1(groups.key(g));
        }
        long[] prefix = new long[groupCount];
        int[] ids = new int[groupCount];
        for (int g = 0; g < groupCount; g++) {
            prefix[g] = prefix(groups.key(g), latin1);
            ids[g] = g;
        }
        radixSort(prefix, ids);
        for (int lo = 0; lo < groupCount; ) {
            int hi = lo + 1;
            while (hi < groupCount && prefix[hi] == prefix[lo]) {
                hi++;
            }
            if (hi - lo > 1) {
                Ranked[] tied = new Ranked[hi - lo];
                for (int k = lo; k < hi; k++) {
                    tied[k - lo] = new Ranked(groups.key(ids[k]), ids[k]);
                }
                Arrays.sort(tied);
                for (int k = lo; k < hi; k++) {
                    ids[k] = tied[k - lo].id();
                }
            }
            lo = hi;
        }
        int[] rank = new int[groupCount];
        for (int r = 0; r < groupCount; r++) {
            rank[ids[r]] = r;
        }
        return rank;
    }

    private static boolean isLatin1(String key) {
        for (int k = 0; k < key.length(); k++) {
            if (key.charAt(k) > 0xFF) {
                return false;
            }
        }
        return true;
    }

    /** The key's first chars packed into a long, most significant first: 8 of 8 bits, or 4 of 16 bits. */
    private static long prefix(String key, boolean latin1) {
        int chars = latin1 ? 8 : 4;
        int bits = latin1 ? 8 : 16;
        long p = 0;
        for (int k = 0; k < chars; k++) {
            p = p << bits | (k < key.length() ? key.charAt(k) : 0);
        }
        return p;
    }

    /** Sorts {@code keys} as unsigned longs, carrying {@code ids} along; stable (least significant byte first). */
    private static void radixSort(long[] keys, int[] ids) {
        int n = keys.length;
        if (n < 2) {
            return;
        }
        long[] keysTo = new long[n];
        int[] idsTo = new int[n];
        int[] count = new int[257];
        for (int shift = 0; shift < 64; shift += 8) {
            Arrays.fill(count, 0);
            for (long k : keys) {
                count[(int) (k >>> shift & 0xFF) + 1]++;
            }
            if (count[(int) (keys[0] >>> shift & 0xFF) + 1] == n) {
                continue; // every key has the same byte here
            }
            for (int b = 0; b < 256; b++) {
                count[b + 1] += count[b];
            }
            for (int i = 0; i < n; i++) {
                int at = count[(int) (keys[i] >>> shift & 0xFF)]++;
                keysTo[at] = keys[i];
                idsTo[at] = ids[i];
            }
            System.arraycopy(keysTo, 0, keys, 0, n);
            System.arraycopy(idsTo, 0, ids, 0, n);
        }
    }

    /**
     * Puts the buffered records' keys and longs in sorted order (the payloads stay where they are,
     * found through {@link #order}): a cursor then reads them one after the other, where following
     * {@link #order} through them was a cache miss per column and record.
     */
    private void permute() {
        // one column at a time, out of place: the reads through order are independent of each other, so
        // the processor overlaps their cache misses (following the permutation's cycles in place does
        // not: each read waits for the one before). One spare long and one spare int per record: each
        // column gathered goes into the one gathered before it, whose old contents are no longer needed.
        long[] a = gather(as, new long[size]);
        long[] b = gather(bs, as);
        long[] c = gather(cs, bs);
        as = a;
        bs = b;
        cs = c;
        int[] g = new int[size];
        for (int k = 0; k < size; k++) {
            g[k] = group[order[k]];
        }
        group = g;
    }

    /** {@code column} in sorted order, written into {@code into} (at least {@link #size} long). */
    private long[] gather(long[] column, long[] into) {
        for (int k = 0; k < size; k++) {
            into[k] = column[order[k]];
        }
        return into;
    }

    /**
     * Sorts {@code order[lo, hi)} by {@code a} alone when {@code b} and {@code c} are the same for all
     * of them and {@code a}'s range and the record index fit one long together (the results of a
     * join: one key, {@code a} the row number, in random order), with a primitive sort of
     * {@code (a - min) << bits | index} instead of a merge sort through {@link #less}. The indices
     * come in ascending order, so ties keep it: the same order as the stable merge sort.
     *
     * @return false when the records do not qualify, with {@code order} untouched
     */
    private boolean sortPacked(int lo, int hi) {
        long b = bs[order[lo]];
        long c = cs[order[lo]];
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int k = lo; k < hi; k++) {
            int i = order[k];
            if (bs[i] != b || cs[i] != c) {
                return false;
            }
            min = Math.min(min, as[i]);
            max = Math.max(max, as[i]);
        }
        int indexBits = 32 - Integer.numberOfLeadingZeros(size);
        long range = max - min;
        if (range < 0 || 64 - Long.numberOfLeadingZeros(range) + indexBits > 63) {
            return false;
        }
        long[] packed = new long[hi - lo];
        for (int k = lo; k < hi; k++) {
            int i = order[k];
            packed[k - lo] = (as[i] - min) << indexBits | i;
        }
        Arrays.sort(packed);
        long mask = (1L << indexBits) - 1;
        for (int k = lo; k < hi; k++) {
            order[k] = (int) (packed[k - lo] & mask);
        }
        return true;
    }

    private boolean less(int x, int y) {
        if (as[x] != as[y]) {
            return as[x] < as[y];
        }
        if (bs[x] != bs[y]) {
            return bs[x] < bs[y];
        }
        return cs[x] < cs[y];
    }

    /** Stable merge sort of {@code idx[lo, hi)} by (a, b, c); linear on ordered input. */
    private void mergeSort(int[] idx, int[] scratch, int lo, int hi) {
        if (hi - lo < 24) {
            for (int i = lo + 1; i < hi; i++) {
                int v = idx[i];
                int j = i - 1;
                while (j >= lo && less(v, idx[j])) {
                    idx[j + 1] = idx[j];
                    j--;
                }
                idx[j + 1] = v;
            }
            return;
        }
        int mid = (lo + hi) >>> 1;
        mergeSort(idx, scratch, lo, mid);
        mergeSort(idx, scratch, mid, hi);
        if (!less(idx[mid], idx[mid - 1])) {
            return;
        }
        System.arraycopy(idx, lo, scratch, lo, hi - lo);
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
            if (j >= hi || i < mid && !less(scratch[j], scratch[i])) {
                idx[k] = scratch[i++];
            } else {
                idx[k] = scratch[j++];
            }
        }
    }

    private void spill() {
        if (size == 0) {
            return;
        }
        sortBuffer();
        Path run;
        try {
            Files.createDirectories(spillDirectory);
            run = Files.createTempFile(spillDirectory, "freshet-join-", ".run");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a spill file for " + what + " in " + spillDirectory + ": " + e.getMessage(), e);
        }
        runs.add(run);
        spilled++;
        byte[][] encodedKeys = new byte[groups.size()][];
        try (RunFile.Writer out = new RunFile.Writer(run)) {
            for (int k = 0; k < size; k++) {
                int i = order[k];
                byte[] key = encodedKeys[group[i]];
                if (key == null) {
                    key = groups.keyBytes(group[i]);
                    encodedKeys[group[i]] = key;
                }
                int from = i == 0 ? 0 : payloadEnd[i - 1];
                out.write(key, as[i], bs[i], cs[i], arena, from, payloadEnd[i] - from);
            }
        }
        size = 0;
        order = null;
        groups.clear();
        keyBytes = 0;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        size = 0;
        group = null;
        as = bs = cs = null;
        payloadEnd = null;
        arena = null;
        order = null;
        UncheckedIOException failure = null;
        for (Path run : runs) {
            try {
                Files.deleteIfExists(run);
            } catch (IOException e) {
                failure = new UncheckedIOException("cannot delete spill file " + run + ": " + e.getMessage(), e);
            }
        }
        runs.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /** The sorted buffer, when nothing was spilled: keys and longs in sorted order ({@link #permute}), payloads through {@link #order}. */
    private final class BufferCursor implements RecordCursor {
        private int current = -1;

        @Override
        public boolean next() {
            if (current + 1 == size) {
                return false;
            }
            current++;
            return true;
        }

        @Override
        public String key() {
            return groups.key(group[current]);
        }

        @Override
        public long a() {
            return as[current];
        }

        @Override
        public long b() {
            return bs[current];
        }

        @Override
        public long c() {
            return cs[current];
        }

        @Override
        public byte[] payload() {
            return arena;
        }

        @Override
        public int payloadOffset() {
            int i = order[current];
            return i == 0 ? 0 : payloadEnd[i - 1];
        }

        @Override
        public int payloadLength() {
            return payloadEnd[order[current]] - payloadOffset();
        }

        @Override
        public void close() {
        }
    }

    private static final class MergeCursor implements RecordCursor {
        private final PriorityQueue<RunFile.Reader> queue = new PriorityQueue<>(ExternalSorter::compare);
        private final List<RunFile.Reader> readers = new ArrayList<>();
        private RunFile.Reader head;

        MergeCursor(List<Path> runs) {
            try {
                for (Path run : runs) {
                    RunFile.Reader r = new RunFile.Reader(run);
                    readers.add(r);
                    if (r.advance()) {
                        queue.add(r);
                    }
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public boolean next() {
            if (head != null && head.advance()) {
                queue.add(head);
            }
            head = queue.poll();
            return head != null;
        }

        @Override
        public String key() {
            return head.key();
        }

        @Override
        public long a() {
            return head.a();
        }

        @Override
        public long b() {
            return head.b();
        }

        @Override
        public long c() {
            return head.c();
        }

        @Override
        public byte[] payload() {
            return head.payload();
        }

        @Override
        public int payloadOffset() {
            return 0;
        }

        @Override
        public int payloadLength() {
            return head.payloadLength();
        }

        @Override
        public void close() {
            readers.forEach(RunFile.Reader::close);
            readers.clear();
            queue.clear();
        }
    }

    /** A distinct key and its number, sorted by the key (ties, keys of equal strings from different bytes, by number). */
    private record Ranked(String key, int id) implements Comparable<Ranked> {
        @Override
        public int compareTo(Ranked o) {
            int c = key.compareTo(o.key);
            return c != 0 ? c : Integer.compare(id, o.id);
        }
    }

    private static int compare(RunFile.Reader x, RunFile.Reader y) {
        int c = x.key().compareTo(y.key());
        if (c != 0) {
            return c;
        }
        c = Long.compare(x.a(), y.a());
        if (c != 0) {
            return c;
        }
        c = Long.compare(x.b(), y.b());
        return c != 0 ? c : Long.compare(x.c(), y.c());
    }
}
