package dev.freshet.offline.archive;

import dev.freshet.core.codec.ByteReader;
import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.error.CorruptDataException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * Where each entity's rows lie in a sorted archive file: the entities' keys, in canonical form and file order, and
 * where each one's consecutive rows end. Compaction writes it beside the file it sorted ({@link #sidecar}), so that a
 * join can read the file without its key column: decoding that column (a string per row, from Parquet's dictionary)
 * is most of what scanning a sorted file costs, while the file holds one run per entity.
 *
 * <p><b>Format</b> (version {@value #VERSION}): the 8 bytes {@code FRSHKEYS}; a version byte; as varints the Parquet
 * file's size in bytes, its row count, the number of runs {@code n} and the length of the keys' bytes; then {@code n}
 * little-endian int32 ends of the keys in those bytes, {@code n} little-endian int64 ends of the runs in rows (each
 * run's last row + 1), the keys' UTF-8 bytes one after another, and a big-endian CRC-32 of everything before it.
 * Fixed-width arrays, so that reading is a few bulk copies whatever the number of entities. The size ties it to its
 * file: a sidecar beside another file of the same name fails {@link #read}. Immutable.
 */
public final class KeyRuns {

    /** The sidecar of {@code part-….parquet} is {@code _part-….parquet.keys}: Spark, pyarrow and Hive skip names starting with '_'. */
    static final String PREFIX = "_";
    static final String SUFFIX = ".keys";
    static final int VERSION = 1;
    private static final byte[] MAGIC = "FRSHKEYS".getBytes(StandardCharsets.US_ASCII);

    private final Path file;
    private final byte[] keys;
    /** Key {@code i} is {@code keys[keyEnds[i - 1], keyEnds[i])}. */
    private final int[] keyEnds;
    /** Run {@code i} is rows {@code [rowEnds[i - 1], rowEnds[i])}. */
    private final long[] rowEnds;
    private final long rows;

    private KeyRuns(Path file, byte[] keys, int[] keyEnds, long[] rowEnds, long rows) {
        this.file = file;
        this.keys = keys;
        this.keyEnds = keyEnds;
        this.rowEnds = rowEnds;
        this.rows = rows;
    }

    /** The sidecar of a Parquet file: beside it, {@code _<name>.keys}. */
    public static Path sidecar(Path parquetFile) {
        return parquetFile.resolveSibling(PREFIX + parquetFile.getFileName() + SUFFIX);
    }

    /** Whether a file name is a sidecar's. */
    static boolean isSidecar(String fileName) {
        return fileName.startsWith(PREFIX) && fileName.endsWith(SUFFIX);
    }

    /** The number of runs (distinct entities). */
    public int runs() {
        return rowEnds.length;
    }

    /** The rows of all runs. */
    public long rows() {
        return rows;
    }

    /**
     * Run {@code i}'s entity key, in canonical form.
     *
     * @throws CorruptDataException when the sidecar's key ends are out of order (checked here, run by run, not all on read)
     */
    public String key(int i) {
        return key(i, null);
    }

    /** As {@link #key(int)}, through {@code strings} (unless null): the string of the key before when the bytes are the same. */
    public String key(int i, Strings strings) {
        int from = i == 0 ? 0 : keyEnds[i - 1];
        int to = keyEnds[i];
        if (from > to || to > keys.length) {
            throw new CorruptDataException(file + ": the key of run " + i + " would be bytes [" + from + ", " + to + ") of "
                    + keys.length);
        }
        return strings == null ? new String(keys, from, to - from, StandardCharsets.UTF_8) : strings.decode(keys, from, to - from);
    }

    /**
     * Run {@code i}'s row count, at least 1.
     *
     * @throws CorruptDataException when the sidecar's run ends do not ascend (checked here, run by run, not all on read)
     */
    public long rowCount(int i) {
        long n = rowEnds[i] - (i == 0 ? 0 : rowEnds[i - 1]);
        if (n < 1 || rowEnds[i] > rows) {
            throw new CorruptDataException(file + ": run " + i + " would have " + n + " rows, ending at row " + rowEnds[i] + " of "
                    + rows);
        }
        return n;
    }

    /**
     * Reads the sidecar of a Parquet file.
     *
     * @param parquetFile  the file it describes
     * @param expectedRows the rows the archive's manifest says the file holds
     * @throws CorruptDataException when it is not a sidecar of this version, is damaged, or does not match the file
     * @throws UncheckedIOException when it or the file cannot be read (a missing sidecar: with a
     *                              {@link java.nio.file.NoSuchFileException} as cause)
     */
    public static KeyRuns read(Path parquetFile, long expectedRows) {
        Path file = sidecar(parquetFile);
        byte[] bytes;
        long parquetBytes;
        try {
            bytes = Files.readAllBytes(file);
            parquetBytes = Files.size(parquetFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the key runs " + file + ": " + e, e);
        }
        if (bytes.length < MAGIC.length + 1 + Integer.BYTES || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new CorruptDataException(file + " is not a Freshet key-runs file (it does not start with FRSHKEYS)");
        }
        int body = bytes.length - Integer.BYTES;
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, body);
        if ((int) crc.getValue() != new ByteReader(bytes, body, Integer.BYTES, file.toString()).readInt()) {
            throw new CorruptDataException(file + " is damaged (its checksum does not match); delete it and the join reads "
                    + parquetFile.getFileName() + "'s key column instead");
        }
        ByteReader in = new ByteReader(bytes, MAGIC.length, body - MAGIC.length, file.toString());
        int version = in.readByte();
        if (version != VERSION) {
            throw new CorruptDataException(file + " has format version " + version + ", not " + VERSION
                    + " (written by another Freshet version)");
        }
        long size = in.readVarLong();
        long total = in.readVarLong();
        if (size != parquetBytes || total != expectedRows) {
            throw new CorruptDataException(file + " describes a file of " + size + " bytes and " + total + " rows, but "
                    + parquetFile.getFileName() + " has " + parquetBytes + " bytes and " + expectedRows + " rows");
        }
        int runs = in.readLength();
        int keyBytes = in.readLength();
        if ((long) runs * (Integer.BYTES + Long.BYTES) + keyBytes != in.remaining()) {
            throw new CorruptDataException(file + " says it has " + runs + " runs and " + keyBytes + " bytes of keys, but "
                    + in.remaining() + " bytes hold them");
        }
        int at = in.position();
        int[] keyEnds = new int[runs];
        long[] rowEnds = new long[runs];
        ByteBuffer.wrap(bytes, at, runs * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(keyEnds);
        at += runs * Integer.BYTES;
        ByteBuffer.wrap(bytes, at, runs * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(rowEnds);
        at += runs * Long.BYTES;
        if (runs > 0 ? rowEnds[runs - 1] != total || keyEnds[runs - 1] != keyBytes : total != 0) {
            throw new CorruptDataException(file + ": its runs end at row " + (runs > 0 ? rowEnds[runs - 1] : 0) + " of " + total);
        }
        return new KeyRuns(file, Arrays.copyOfRange(bytes, at, at + keyBytes), keyEnds, rowEnds, total);
    }

    /**
     * Collects the keys of a sorted file's rows, in order, and writes them as a sidecar. Not thread-safe.
     */
    public static final class Builder {
        private final ByteWriter keys = new ByteWriter(1 << 16);
        private int[] keyEnds = new int[1024];
        private long[] rowEnds = new long[1024];
        private int runs;
        private String last;
        private long rows;
        private boolean written;

        /**
         * Adds {@code n} rows of entity {@code key}, after those added before (the same key continues its run).
         *
         * @throws IllegalStateException after {@link #write}
         */
        public Builder add(String key, long n) {
            Objects.requireNonNull(key, "key");
            if (written) {
                throw new IllegalStateException("the key runs were written; a builder writes one file's");
            }
            if (n < 1) {
                throw new IllegalArgumentException("rows must be at least 1, not " + n);
            }
            rows += n;
            if (!key.equals(last)) {
                if (runs == rowEnds.length) {
                    keyEnds = Arrays.copyOf(keyEnds, runs * 2);
                    rowEnds = Arrays.copyOf(rowEnds, runs * 2);
                }
                keys.writeBytes(key.getBytes(StandardCharsets.UTF_8));
                keyEnds[runs++] = keys.size();
                last = key;
            }
            rowEnds[runs - 1] = rows;
            return this;
        }

        /** The rows added so far. */
        public long rows() {
            return rows;
        }

        /**
         * Writes the sidecar of {@code parquetFile}, which must be complete and hold the rows added: through a hidden
         * temporary file and an atomic rename, synced.
         *
         * @return the sidecar's path
         * @throws UncheckedIOException when it cannot be written
         */
        public Path write(Path parquetFile) {
            written = true;
            Path target = sidecar(parquetFile);
            Path temp = parquetFile.resolveSibling(SourceArchive.STAGING_PREFIX + target.getFileName() + "-"
                    + Long.toHexString(System.nanoTime()));
            try {
                ByteWriter head = new ByteWriter(64);
                head.writeBytes(MAGIC).writeByte(VERSION).writeVarLong(Files.size(parquetFile)).writeVarLong(rows).writeVarLong(runs)
                        .writeVarLong(keys.size());
                ByteBuffer out = ByteBuffer.allocate(head.size() + runs * (Integer.BYTES + Long.BYTES) + keys.size() + Integer.BYTES);
                out.put(head.toByteArray());
                out.order(ByteOrder.LITTLE_ENDIAN);
                out.asIntBuffer().put(keyEnds, 0, runs);
                out.position(out.position() + runs * Integer.BYTES);
                out.asLongBuffer().put(rowEnds, 0, runs);
                out.position(out.position() + runs * Long.BYTES);
                out.put(keys.toByteArray());
                CRC32 crc = new CRC32();
                crc.update(out.array(), 0, out.position());
                out.order(ByteOrder.BIG_ENDIAN).putInt((int) crc.getValue());
                try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    out.flip();
                    while (out.hasRemaining()) {
                        ch.write(out);
                    }
                    ch.force(true);
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return target;
            } catch (IOException e) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the archive's next open deletes staging leftovers
                }
                throw new UncheckedIOException("cannot write the key runs " + target + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Decodes entity keys from UTF-8, reusing the string of the last key decoded when the bytes are the same. The sorted
     * files of a merge come to each entity one after another, so one of these shared by them decodes each key about once
     * rather than once per file, and the merge's string comparisons then meet the same instance. Not thread-safe.
     */
    public static final class Strings {
        private byte[] last = new byte[32];
        private int lastLength = -1;
        private String lastString;

        /** The string of {@code data[from, from + length)}. */
        public String decode(byte[] data, int from, int length) {
            if (length == lastLength && Arrays.equals(data, from, from + length, last, 0, length)) {
                return lastString;
            }
            if (last.length < length) {
                last = new byte[Math.max(length, 2 * last.length)];
            }
            System.arraycopy(data, from, last, 0, length);
            lastLength = length;
            lastString = new String(data, from, length, StandardCharsets.UTF_8);
            return lastString;
        }
    }
}
