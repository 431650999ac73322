package dev.freshet.offline.join;

import java.util.Arrays;

/**
 * Numbers distinct strings in the order they are first seen: an open-addressing table of the keys
 * and their numbers, with no boxed number and no entry object per key (a spine of millions of rows
 * adds one key per row). Keys keep their number until {@link #clear}. Not thread-safe.
 */
final class KeyIndex {

    private String[] keys = new String[16];
    private String[] table = new String[32];
    private int[] ids = new int[32];
    /** The mixed hash of the key in each slot: a probe compares it before it touches the slot's string. */
    private int[] hashes = new int[32];
    private int size;
    // the last key looked up, by identity: a caller that repeats one key (the results' "") skips the table
    private String lastKey;
    private int lastId;

    /** The key's number, giving it the next one when it is new. */
    int idOf(String key) {
        if (key == lastKey) {
            return lastId;
        }
        int mask = table.length - 1;
        int h = mix(key.hashCode());
        int i = h & mask;
        for (String k = table[i]; k != null; k = table[i]) {
            if (hashes[i] == h && k.equals(key)) {
                lastKey = key;
                lastId = ids[i];
                return lastId;
            }
            i = (i + 1) & mask;
        }
        int id = size++;
        if (id == keys.length) {
            keys = Arrays.copyOf(keys, 2 * id);
        }
        keys[id] = key;
        table[i] = key;
        ids[i] = id;
        hashes[i] = h;
        if (2 * size > table.length) {
            grow();
        }
        lastKey = key;
        lastId = id;
        return id;
    }

    private static int mix(int h) {
        // spreads the string hash's high bits into the low ones the table uses
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private void grow() {
        String[] oldTable = table;
        int[] oldIds = ids;
        int[] oldHashes = hashes;
        table = new String[oldTable.length * 2];
        ids = new int[oldTable.length * 2];
        hashes = new int[oldTable.length * 2];
        int mask = table.length - 1;
        for (int j = 0; j < oldTable.length; j++) {
            String k = oldTable[j];
            if (k != null) {
                int i = oldHashes[j] & mask;
                while (table[i] != null) {
                    i = (i + 1) & mask;
                }
                table[i] = k;
                ids[i] = oldIds[j];
                hashes[i] = oldHashes[j];
            }
        }
    }

    /** The key numbered {@code id}. */
    String key(int id) {
        return keys[id];
    }

    int size() {
        return size;
    }

    /** Forgets every key (and gives back the table's memory). */
    void clear() {
        keys = new String[16];
        table = new String[32];
        ids = new int[32];
        hashes = new int[32];
        size = 0;
        lastKey = null;
    }
}
