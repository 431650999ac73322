package dev.freshet.online;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.event.EntityKey;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte layout of {@link RocksDbOnlineStore}'s keys. Tile keys (default column family):
 * <pre>
 *   hash      8 bytes  XXH3-64 of the identity bytes below, big-endian: the fixed-length prefix
 *                      that prefix bloom filters and prefix seeks work on
 *   identity  4-byte big-endian length + UTF-8 view, 4-byte big-endian length + UTF-8 entity
 *   start     8 bytes  the tile start, big-endian with the sign bit flipped
 * </pre>
 * The hash spreads entities over the key space and makes the prefix fixed-length; the
 * length-prefixed identity tells apart the (view, entity) pairs whose hashes collide, which then
 * sit side by side under one prefix; the flipped sign bit makes the bytes sort as the signed
 * start, so the lifetime tile ({@link TileKey#LIFETIME}, all zero bytes) comes first and the
 * ordinary tiles follow in ascending order. All keys of one (view, entity) share the
 * {@link #entityPrefix}, so they are contiguous.
 *
 * <p>Meta keys (column family {@code meta}): {@code format} (the layout version, decimal) and
 * {@code offset:<topic>:<partition>} (the next offset to consume, 8 bytes big-endian).
 *
 * <p>The hash is part of the stored format: changing it needs a new {@link #FORMAT}.
 */
final class RocksDbKeys {

    /** The layout version stored under {@link #FORMAT_KEY}. */
    static final String FORMAT = "1";
    static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.UTF_8);
    static final byte[] OFFSET_PREFIX = "offset:".getBytes(StandardCharsets.UTF_8);
    static final int HASH_LENGTH = 8;

    private static final Hasher64 HASH = Hashing.xxh3_64();

    private RocksDbKeys() {
    }

    /** Everything before the tile start: hash and identity of one (view, entity). */
    static byte[] entityPrefix(String view, EntityKey entity) {
        return tileKey(view, entity.value(), 0, false);
    }

    /** The key of one tile. */
    static byte[] tileKey(TileKey key) {
        return tileKey(key.view(), key.entity().value(), key.tileStart(), true);
    }

    /** {@code prefix} followed by an encoded tile start: a seek target within one (view, entity). */
    static byte[] withStart(byte[] prefix, long start) {
        byte[] out = Arrays.copyOf(prefix, prefix.length + Long.BYTES);
        putLong(out, prefix.length, start ^ Long.MIN_VALUE);
        return out;
    }

    private static byte[] tileKey(String view, String entity, long start, boolean withStart) {
        byte[] v = view.getBytes(StandardCharsets.UTF_8);
        byte[] e = entity.getBytes(StandardCharsets.UTF_8);
        int identity = 4 + v.length + 4 + e.length;
        byte[] out = new byte[HASH_LENGTH + identity + (withStart ? Long.BYTES : 0)];
        int p = HASH_LENGTH;
        putInt(out, p, v.length);
        System.arraycopy(v, 0, out, p + 4, v.length);
        p += 4 + v.length;
        putInt(out, p, e.length);
        System.arraycopy(e, 0, out, p + 4, e.length);
        p += 4 + e.length;
        putLong(out, 0, HASH.hashBytesToLong(out, HASH_LENGTH, identity));
        if (withStart) {
            putLong(out, p, start ^ Long.MIN_VALUE);
        }
        return out;
    }

    /** True when {@code key} is a tile key under {@code prefix} (the whole key but the start). */
    static boolean isUnder(byte[] key, byte[] prefix) {
        return key.length == prefix.length + Long.BYTES && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** The tile start of a tile key. */
    static long start(byte[] key) {
        return getLong(key, key.length - Long.BYTES) ^ Long.MIN_VALUE;
    }

    /**
     * The view of a tile key, as UTF-8 bytes.
     *
     * @throws CorruptDataException when the key is not laid out as the class comment says
     */
    static byte[] view(byte[] key) {
        int length = key.length < HASH_LENGTH + 4 ? -1 : getInt(key, HASH_LENGTH);
        if (length < 0 || HASH_LENGTH + 4 + length + 4 + Long.BYTES > key.length) {
            throw new CorruptDataException("online store key " + hex(key) + " is not a tile key (expected hash, view, entity, start)");
        }
        return Arrays.copyOfRange(key, HASH_LENGTH + 4, HASH_LENGTH + 4 + length);
    }

    /**
     * The tile key a stored key encodes, for error messages and sweeps.
     *
     * @throws CorruptDataException when the key is not laid out as the class comment says
     */
    static TileKey parseTileKey(byte[] key) {
        byte[] view = view(key);
        int at = HASH_LENGTH + 4 + view.length;
        int length = getInt(key, at);
        if (length < 0 || at + 4 + length + Long.BYTES != key.length) {
            throw new CorruptDataException("online store key " + hex(key) + " is not a tile key (expected hash, view, entity, start)");
        }
        String entity = new String(key, at + 4, length, StandardCharsets.UTF_8);
        return new TileKey(new String(view, StandardCharsets.UTF_8), new EntityKey(entity), start(key));
    }

    /** {@code offset:<topic>:<partition>}. */
    static byte[] offsetKey(TilePartition partition) {
        return ("offset:" + partition.topic() + ":" + partition.partition()).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads what {@link #offsetKey} wrote.
     *
     * @throws CorruptDataException when the key is not {@code offset:<topic>:<partition>}
     */
    static TilePartition parseOffsetKey(byte[] key) {
        String text = new String(key, StandardCharsets.UTF_8);
        int colon = text.lastIndexOf(':');
        try {
            if (!text.startsWith("offset:") || colon <= "offset:".length()) {
                throw new IllegalArgumentException("no topic");
            }
            return new TilePartition(text.substring("offset:".length(), colon), Integer.parseInt(text.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new CorruptDataException("online store offset key '" + text + "' is malformed (expected offset:<topic>:<partition>)", e);
        }
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    static byte[] longBytes(long v) {
        byte[] out = new byte[Long.BYTES];
        putLong(out, 0, v);
        return out;
    }

    static long longValue(byte[] bytes, String what) {
        if (bytes.length != Long.BYTES) {
            throw new CorruptDataException(what + " has " + bytes.length + " bytes; expected 8");
        }
        return getLong(bytes, 0);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 0; i < Long.BYTES; i++) {
            b[at + i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    private static long getLong(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            v = v << 8 | (b[at + i] & 0xff);
        }
        return v;
    }

    private static String hex(byte[] key) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(key.length, 48); i++) {
            sb.append(String.format("%02x", key[i]));
        }
        return key.length > 48 ? sb + "..." : sb.toString();
    }
}
