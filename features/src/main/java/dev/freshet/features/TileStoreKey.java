package dev.freshet.features;

import org.apache.kafka.common.utils.Bytes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keys of the tile state store: the tile start (8 bytes, big-endian, sign bit flipped so that
 * byte order is time order, negative times included) followed by the entity key in UTF-8. Time
 * first, so that the tiles to expire are one range scan from the beginning of the store.
 */
final class TileStoreKey {

    private TileStoreKey() {
    }

    static Bytes of(long tileStart, byte[] entity) {
        byte[] k = new byte[8 + entity.length];
        ByteBuffer.wrap(k).putLong(tileStart ^ Long.MIN_VALUE);
        System.arraycopy(entity, 0, k, 8, entity.length);
        return Bytes.wrap(k);
    }

    /** The smallest key of tiles starting at {@code tileStart}: every key of an earlier tile sorts before it. */
    static Bytes boundary(long tileStart) {
        return of(tileStart, new byte[0]);
    }

    static long tileStart(Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong() ^ Long.MIN_VALUE;
    }

    /**
     * The key of the tile on {@code freshet.tiles.<view>}: the bytes of its
     * {@link dev.freshet.core.aggregate.TileKey#toBytes() TileKey}, made from the store key without
     * decoding the entity.
     *
     * @param viewPrefix the view's name and the separator, {@code <view>|}, in UTF-8
     * @param start      the tile start in decimal, as {@link Long#toString} writes it, in ASCII
     */
    static byte[] topicKey(byte[] viewPrefix, byte[] start, Bytes key) {
        byte[] k = key.get();
        byte[] out = new byte[viewPrefix.length + start.length + 1 + k.length - 8];
        System.arraycopy(viewPrefix, 0, out, 0, viewPrefix.length);
        System.arraycopy(start, 0, out, viewPrefix.length, start.length);
        out[viewPrefix.length + start.length] = '|';
        System.arraycopy(k, 8, out, viewPrefix.length + start.length + 1, k.length - 8);
        return out;
    }

    /** Store keys in the store's order (unsigned bytes, as RocksDB's default comparator orders them). */
    static int compare(Bytes a, Bytes b) {
        return Arrays.compareUnsigned(a.get(), b.get());
    }

    static String entity(Bytes key) {
        byte[] k = key.get();
        return new String(k, 8, k.length - 8, StandardCharsets.UTF_8);
    }
}
