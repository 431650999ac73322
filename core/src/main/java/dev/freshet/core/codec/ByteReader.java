package dev.freshet.core.codec;

import dev.freshet.core.error.CorruptDataException;

import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link ByteWriter} wrote. Every read checks the remaining length and throws
 * {@link CorruptDataException} naming {@code what} is being read, instead of an index error.
 * Not thread-safe.
 */
public final class ByteReader {

    private final byte[] buf;
    private final int end;
    private final String what;
    private int pos;

    /** @param what names the data in error messages, e.g. {@code "tile of view user_activity"} */
    public ByteReader(byte[] bytes, String what) {
        this(bytes, 0, bytes.length, what);
    }

    /** Reads {@code bytes[offset, offset + length)}. */
    public ByteReader(byte[] bytes, int offset, int length, String what) {
        if (offset < 0 || length < 0 || offset + length > bytes.length) {
            throw new IllegalArgumentException("range [" + offset + ", " + offset + " + " + length + ") is outside an array of "
                    + bytes.length + " bytes");
        }
        this.buf = bytes;
        this.pos = offset;
        this.end = offset + length;
        this.what = what;
    }

    public int position() {
        return pos;
    }

    public int remaining() {
        return end - pos;
    }

    private void need(int n) {
        if (n < 0 || end - pos < n) {
            throw new CorruptDataException(what + " is truncated: needed " + n + " more bytes at offset " + pos
                    + " but only " + (end - pos) + " remain");
        }
    }

    public int readByte() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    public long readLong() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos++] & 0xFFL);
        }
        return v;
    }

    public int readInt() {
        need(4);
        int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8) | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    public double readDouble() {
        return Double.longBitsToDouble(readLong());
    }

    public long readVarLong() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            need(1);
            byte b = buf[pos++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new CorruptDataException(what + " has a malformed varint ending at offset " + pos);
    }

    public long readZigZag() {
        long v = readVarLong();
        return (v >>> 1) ^ -(v & 1);
    }

    /** A varint that must fit a non-negative int (a length or a count). */
    public int readLength() {
        long v = readVarLong();
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new CorruptDataException(what + " has an impossible length " + v + " at offset " + pos);
        }
        return (int) v;
    }

    public byte[] readBytes(int n) {
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    public byte[] readLengthPrefixed() {
        return readBytes(readLength());
    }

    public String readString() {
        int n = readLength();
        need(n);
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    public void skip(int n) {
        need(n);
        pos += n;
    }
}
