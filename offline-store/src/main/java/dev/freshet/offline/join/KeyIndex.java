package dev.freshet.offline.join;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Numbers distinct keys in the order they are first seen: an open-addressing table over the keys'
 * UTF-8 bytes, with no boxed number and no entry object per key (a spine of millions of rows adds
 * one key per row). A key may be given as a string or as bytes (a slice of an Arrow buffer copied
 * out in bulk): the bytes are looked up as they are, and a string is made only for a new key. Keys
 * keep their number until {@link #clear}. Not thread-safe.
 */
final class KeyIndex {

    private String[] keys = new String[16];
    /** The keys' bytes, one after the other: key {@code id} is {@code bytes[ends[id - 1], ends[id])}. */
    private byte[] bytes = new byte[256];
    private int[] ends = new int[16];
    /** Per slot: the number of the key there, plus one (0: empty). */
    private int[] table = new int[32];
    /** The mixed hash of the key in each slot: a probe compares it before it touches the key's bytes. */
    private int[] hashes = new int[32];
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
        int mask = table.length - 1;
        int h = hash(data, from, length);
        int i = h & mask;
        for (int slot = table[i]; slot != 0; slot = table[i]) {
            if (hashes[i] == h) {
                int id = slot - 1;
                int start = id == 0 ? 0 : ends[id - 1];
                if (Arrays.equals(bytes, start, ends[id], data, from, from + length)) {
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
        table[i] = id + 1;
        hashes[i] = h;
        if (2 * size > table.length) {
            grow();
        }
        return id;
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
        int[] oldTable = table;
        int[] oldHashes = hashes;
        table = new int[oldTable.length * 2];
        hashes = new int[oldTable.length * 2];
        int mask = table.length - 1;
        for (int j = 0; j < oldTable.length; j++) {
            if (oldTable[j] != 0) {
                int i = oldHashes[j] & mask;
                while (table[i] != 0) {
                    i = (i + 1) & mask;
                }
                table[i] = oldTable[j];
                hashes[i] = oldHashes[j];
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

    /** The length in UTF-8 bytes of the key numbered {@code id}. */
    int keyLength(int id) {
        return ends[id] - (id == 0 ? 0 : ends[id - 1]);
    }

    int size() {
        return size;
    }

    /** Forgets every key (and gives back the table's memory). */
    void clear() {
        keys = new String[16];
        bytes = new byte[256];
        ends = new int[16];
        table = new int[32];
        hashes = new int[32];
        size = 0;
        lastKey = null;
    }
}
