package dev.freshet.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable big-endian byte buffer for Freshet's binary formats, with unsigned LEB128 varints.
 * Reusable through {@link #reset()}, so an encoder can keep one per thread and allocate only the
 * final array. Not thread-safe.
 */
public final class ByteWriter {

    private byte[] buf;
    private int size;

    public ByteWriter() {
        this(64);
    }

    public ByteWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /** Empties the buffer, keeping its capacity. */
    public ByteWriter reset() {
        size = 0;
        return this;
    }

    public int size() {
        return size;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    public ByteWriter writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
        return this;
    }

    public ByteWriter writeLong(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[size++] = (byte) (v >>> shift);
        }
        return this;
    }

    public ByteWriter writeInt(int v) {
        ensure(4);
        buf[size++] = (byte) (v >>> 24);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
        return this;
    }

    public ByteWriter writeDouble(double v) {
        return writeLong(Double.doubleToRawLongBits(v));
    }

    /** An unsigned varint: 1 byte below 128, at most 10 bytes. Negative values take 10 bytes; use {@link #writeZigZag}. */
    public ByteWriter writeVarLong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
        return this;
    }

    /** A signed value as a zig-zag varint, small for values near zero of either sign. */
    public ByteWriter writeZigZag(long v) {
        return writeVarLong((v << 1) ^ (v >> 63));
    }

    public ByteWriter writeBytes(byte[] bytes) {
        return writeBytes(bytes, 0, bytes.length);
    }

    public ByteWriter writeBytes(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buf, size, length);
        size += length;
        return this;
    }

    /** A varint length followed by the bytes. */
    public ByteWriter writeLengthPrefixed(byte[] bytes) {
        writeVarLong(bytes.length);
        return writeBytes(bytes);
    }

    /** A varint length followed by the UTF-8 bytes. */
    public ByteWriter writeString(String s) {
        return writeLengthPrefixed(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Overwrites 4 bytes at {@code position} (for lengths known only after writing a body). */
    public void putInt(int position, int v) {
        buf[position] = (byte) (v >>> 24);
        buf[position + 1] = (byte) (v >>> 16);
        buf[position + 2] = (byte) (v >>> 8);
        buf[position + 3] = (byte) v;
    }

    /** A copy of the bytes written so far. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
