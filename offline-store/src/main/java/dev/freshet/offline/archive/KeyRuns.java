package dev.freshet.offline.archive;

import dev.freshet.core.codec.ByteReader;
import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.error.CorruptDataException;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * how many consecutive rows each has. Compaction writes it beside the file it sorted ({@link #sidecar}), so that a
 * join can read the file without its key column: decoding that column (a string per row, from Parquet's dictionary)
 * is most of what scanning a sorted file costs, while the file holds one run per entity.
 *
 * <p><b>Format</b> (version {@value #VERSION}): the 8 bytes {@code FRSHKEYS}; a version byte; the Parquet file's size
 * in bytes and its row count as varints; the number of runs as a varint; per run the key (varint length, UTF-8 bytes)
 * and its row count (varint); then a big-endian CRC-32 of everything before it. The size ties it to its file: a
 * sidecar beside another file of the same name fails {@link #read}. Immutable.
 */
public final class KeyRuns {

    /** The sidecar of {@code part-….parquet} is {@code _part-….parquet.keys}: Spark, pyarrow and Hive skip names starting with '_'. */
    static final String PREFIX = "_";
    static final String SUFFIX = ".keys";
    static final int VERSION = 1;
    private static final byte[] MAGIC = "FRSHKEYS".getBytes(StandardCharsets.US_ASCII);

    private final byte[] keys;
    /** Key {@code i} is {@code keys[keyEnds[i - 1], keyEnds[i])}. */
    private final int[] keyEnds;
    private final long[] rowCounts;
    private final long rows;

    private KeyRuns(byte[] keys, int[] keyEnds, long[] rowCounts, long rows) {
        this.keys = keys;
        this.keyEnds = keyEnds;
        this.rowCounts = rowCounts;
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
        return rowCounts.length;
    }

    /** The rows of all runs. */
    public long rows() {
        return rows;
    }

    /** Run {@code i}'s entity key, in canonical form. */
    public String key(int i) {
        int from = i == 0 ? 0 : keyEnds[i - 1];
        return new String(keys, from, keyEnds[i] - from, StandardCharsets.UTF_8);
    }

    /** Run {@code i}'s row count, at least 1. */
    public long rowCount(int i) {
        return rowCounts[i];
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
        ByteReader in = new ByteReader(bytes, body, Integer.BYTES, file.toString());
        if ((int) crc.getValue() != in.readInt()) {
            throw new CorruptDataException(file + " is damaged (its checksum does not match); delete it and the join reads "
                    + parquetFile.getFileName() + "'s key column instead");
        }
        in = new ByteReader(bytes, MAGIC.length, body - MAGIC.length, file.toString());
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
        if (runs > in.remaining() / 2) {
            throw new CorruptDataException(file + " says it has " + runs + " runs in " + in.remaining() + " bytes");
        }
        int[] keyEnds = new int[runs];
        long[] counts = new long[runs];
        ByteWriter keys = new ByteWriter(Math.min(runs * 16, in.remaining()));
        long sum = 0;
        for (int i = 0; i < runs; i++) {
            int length = in.readLength();
            in.skip(length);
            keys.writeBytes(bytes, in.position() - length, length);
            keyEnds[i] = keys.size();
            counts[i] = in.readVarLong();
            if (counts[i] < 1) {
                throw new CorruptDataException(file + ": run " + i + " has " + counts[i] + " rows (at least 1)");
            }
            sum += counts[i];
        }
        if (sum != total || in.remaining() != 0) {
            throw new CorruptDataException(file + ": its runs hold " + sum + " rows of " + total + (in.remaining() != 0
                    ? ", and " + in.remaining() + " bytes follow them" : ""));
        }
        return new KeyRuns(keys.toByteArray(), keyEnds, counts, total);
    }

    /**
     * Collects the keys of a sorted file's rows, in order, and writes them as a sidecar. Not thread-safe.
     */
    public static final class Builder {
        private final ByteWriter runs = new ByteWriter(1 << 16);
        private String last;
        private long lastRows;
        private int count;
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
            if (key.equals(last)) {
                lastRows += n;
            } else {
                flush();
                last = key;
                lastRows = n;
            }
            rows += n;
            return this;
        }

        private void flush() {
            if (last != null) {
                runs.writeString(last);
                runs.writeVarLong(lastRows);
                count++;
                last = null;
            }
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
            flush();
            Path target = sidecar(parquetFile);
            Path temp = parquetFile.resolveSibling(SourceArchive.STAGING_PREFIX + target.getFileName() + "-"
                    + Long.toHexString(System.nanoTime()));
            try {
                ByteWriter out = new ByteWriter(runs.size() + 64);
                out.writeBytes(MAGIC).writeByte(VERSION).writeVarLong(Files.size(parquetFile)).writeVarLong(rows).writeVarLong(count);
                byte[] body = runs.toByteArray();
                out.writeBytes(body);
                CRC32 crc = new CRC32();
                byte[] head = out.toByteArray();
                crc.update(head);
                out.writeInt((int) crc.getValue());
                try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ch.write(java.nio.ByteBuffer.wrap(out.toByteArray()));
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
}
