package dev.freshet.offline.join;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The format of {@link ExternalSorter}'s run files: records of key length (int), key (UTF-8), a, b,
 * c (longs), payload length (int) and payload, big-endian, one after the other. Private to one join
 * and deleted with it, so it has no header or version.
 */
final class RunFile {

    private static final int IO_BUFFER = 1 << 16;

    private RunFile() {
    }

    /** Writes records through one reused buffer. Not thread-safe. */
    static final class Writer implements AutoCloseable {
        private final Path file;
        private final OutputStream out;
        private byte[] buf = new byte[IO_BUFFER];
        private int pos;

        Writer(Path file) {
            this.file = file;
            try {
                this.out = Files.newOutputStream(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write spill file " + file + ": " + e.getMessage(), e);
            }
        }

        void write(byte[] key, long a, long b, long c, byte[] payload, int offset, int length) {
            int need = 4 + key.length + 24 + 4 + length;
            if (pos + need > buf.length) {
                flush();
                if (need > buf.length) {
                    buf = new byte[need];
                }
            }
            putInt(key.length);
            System.arraycopy(key, 0, buf, pos, key.length);
            pos += key.length;
            putLong(a);
            putLong(b);
            putLong(c);
            putInt(length);
            System.arraycopy(payload, offset, buf, pos, length);
            pos += length;
        }

        private void putInt(int v) {
            buf[pos++] = (byte) (v >>> 24);
            buf[pos++] = (byte) (v >>> 16);
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) v;
        }

        private void putLong(long v) {
            putInt((int) (v >>> 32));
            putInt((int) v);
        }

        private void flush() {
            try {
                out.write(buf, 0, pos);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write spill file " + file + ": " + e.getMessage(), e);
            }
            pos = 0;
        }

        @Override
        public void close() {
            try (out) {
                flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write spill file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Reads records back, one at a time. Consecutive records of one key share one string. Not thread-safe. */
    static final class Reader {
        private final Path file;
        private final DataInputStream in;
        private byte[] keyBytes = new byte[64];
        private byte[] scratch = new byte[64];
        private int keyLength = -1;
        private String key;
        private long a;
        private long b;
        private long c;
        private byte[] payload = new byte[64];
        private int payloadLength;

        Reader(Path file) {
            this.file = file;
            try {
                this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), IO_BUFFER));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read spill file " + file + ": " + e.getMessage(), e);
            }
        }

        /** Reads the next record; false at the end of the file. */
        boolean advance() {
            try {
                int n;
                try {
                    n = in.readInt();
                } catch (EOFException end) {
                    key = null;
                    return false;
                }
                if (scratch.length < n) {
                    scratch = new byte[Math.max(n, scratch.length * 2)];
                }
                in.readFully(scratch, 0, n);
                if (key == null || n != keyLength || !Arrays.equals(scratch, 0, n, keyBytes, 0, n)) {
                    key = new String(scratch, 0, n, StandardCharsets.UTF_8);
                    byte[] swap = keyBytes;
                    keyBytes = scratch;
                    scratch = swap;
                    keyLength = n;
                }
                a = in.readLong();
                b = in.readLong();
                c = in.readLong();
                payloadLength = in.readInt();
                if (payload.length < payloadLength) {
                    payload = new byte[Math.max(payloadLength, payload.length * 2)];
                }
                in.readFully(payload, 0, payloadLength);
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read spill file " + file + ": " + e.getMessage(), e);
            }
        }

        String key() {
            return key;
        }

        long a() {
            return a;
        }

        long b() {
            return b;
        }

        long c() {
            return c;
        }

        /** The current payload, in {@code payload()[0, payloadLength())}; the array is reused. */
        byte[] payload() {
            return payload;
        }

        int payloadLength() {
            return payloadLength;
        }

        void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // a read-only stream of a file the sorter deletes anyway
            }
        }
    }
}
