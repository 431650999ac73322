package dev.freshet.offline.join;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Numbers distinct keys in the order they are first seen: an open-addressing table over the keys'
 * UTF-8 bytes, with no boxed number and no entry object per key (a spine of millions of rows adds
 * one key per row). A key may be given as a string or as bytes (a slice of an Arrow buffer copied
 * out in bulk): the bytes are looked up as they are, and a string is made only for a new key. A
 * key of up to 15 bytes is also kept in its slot of the table, so that finding it reads one place
 * in memory rather than three (the slot, the key's end, its bytes): the lookups of a spine's keys,
 * one per row in random order, are bound by those reads. Keys keep their number until
 * {@link #clear}. Not thread-safe.
 */
final class KeyIndex {

    private String[] keys = new String[16];
    /** The keys' bytes, one after the other: key {@code id} is {@code bytes[ends[id - 1], ends[id])}. */
    private byte[] bytes = new byte[256];
    private int[] ends = new int[16];
    /** Longs per slot of {@link #table}. */
    private static final int SLOT = 3;
    /** The longest key kept in its slot, in bytes. */
    private static final int INLINE = 15;
    /** The slot's third long for a key longer than {@link #INLINE}: its bytes are compared where they are kept. */
    private static final long LONG_KEY = -1L;

    /**
     * Three longs per slot: the mixed hash of the key there in the high half and its number plus one
     * in the low half (0: an empty slot); then the key's bytes 0–7, and bytes 8–14 with the length in
     * the top byte, little-endian ({@link #LONG_KEY} for a longer key).
     */
    private long[] table = new long[32 * SLOT];
    private int size;
    // the last key looked up by string, by identity: a caller that repeats one key object skips the table
    private String lastKey;
    private int lastId;

    /** The key's number, giving it the next one when it is new. */
    int idOf(String key) {
        if (key == lastKey) {
            return lastId;
        }
        byte[] b = key.getBytes(StandardCharsets.UTF_8);
        int id = idOf(b, 0, b.length, key);
        lastKey = key;
        lastId = id;
        return id;
    }

    /** The number of the key whose UTF-8 bytes are {@code data[from, from + length)}, giving it the next one when it is new. */
    int idOf(byte[] data, int from, int length) {
        return idOf(data, from, length, null);
    }

    private int idOf(byte[] data, int from, int length, String known) {
        int mask = table.length / SLOT - 1;
        int h = hash(data, from, length);
        long w1 = 0;
        long w2 = LONG_KEY;
        if (length <= INLINE) {
            w2 = (long) length << 56;
            for (int k = 0; k < length; k++) {
                long b = (data[from + k] & 0xFFL) << (8 * (k & 7));
                if (k < 8) {
                    w1 |= b;
                } else {
                    w2 |= b;
                }
            }
        }
        int i = h & mask;
        for (long slot = table[SLOT * i]; slot != 0; slot = table[SLOT * i]) {
            if ((int) (slot >>> 32) == h) {
                int id = (int) slot - 1;
                if (w2 != LONG_KEY ? table[SLOT * i + 1] == w1 && table[SLOT * i + 2] == w2 : equal(id, data, from, length)) {
                    return id;
                }
            }
            i = (i + 1) & mask;
        }
        int id = size++;
        if (id == keys.length) {
            keys = Arrays.copyOf(keys, 2 * id);
            ends = Arrays.copyOf(ends, 2 * id);
        }
        int start = id == 0 ? 0 : ends[id - 1];
        if (start + length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(start + length, 2 * bytes.length));
        }
        System.arraycopy(data, from, bytes, start, length);
        ends[id] = start + length;
        keys[id] = known != null ? known : new String(data, from, length, StandardCharsets.UTF_8);
        table[SLOT * i] = (long) h << 32 | (id + 1);
        table[SLOT * i + 1] = w1;
        table[SLOT * i + 2] = w2;
        if (2 * size > table.length / SLOT) {
            grow();
        }
        return id;
    }

    /**
     * Reads the table slot where the key of {@code data[from, from + length)} would be, and returns what
     * is there (meaningless: the caller keeps it only so that the read is not optimised away). Run over
     * many keys before looking them up, these reads do not wait for each other, so their cache misses
     * overlap; the lookups then find their slots in the cache.
     */
    long touch(byte[] data, int from, int length) {
        return table[SLOT * (hash(data, from, length) & (table.length / SLOT - 1))];
    }

    /** Whether key {@code id} is {@code data[from, from + length)}; a plain loop: keys are short, where {@code Arrays.equals} has a set-up cost. */
    private boolean equal(int id, byte[] data, int from, int length) {
        int start = id == 0 ? 0 : ends[id - 1];
        if (ends[id] - start != length) {
            return false;
        }
        for (int k = 0; k < length; k++) {
            if (bytes[start + k] != data[from + k]) {
                return false;
            }
        }
        return true;
    }

    private static int hash(byte[] data, int from, int length) {
        int h = length;
        for (int k = from; k < from + length; k++) {
            h = 31 * h + data[k];
        }
        // spreads the high bits into the low ones the table uses
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        int mask = table.length / SLOT - 1;
        for (int j = 0; j < old.length; j += SLOT) {
            long slot = old[j];
            if (slot != 0) {
                int i = (int) (slot >>> 32) & mask;
                while (table[SLOT * i] != 0) {
                    i = (i + 1) & mask;
                }
                System.arraycopy(old, j, table, SLOT * i, SLOT);
            }
        }
    }

    /** The key numbered {@code id}. */
    String key(int id) {
        return keys[id];
    }

    /** The UTF-8 bytes of the key numbered {@code id}, copied. */
    byte[] keyBytes(int id) {
        return Arrays.copyOfRange(bytes, id == 0 ? 0 : ends[id - 1], ends[id]);
    }

    int size() {
        return size;
    }

    /** Forgets every key (and gives back the table's memory). */
    void clear() {
        keys = new String[16];
        bytes = new byte[256];
        ends = new int[16];
        table = new long[32 * SLOT];
        size = 0;
        lastKey = null;
    }
}
