package dev.freshet.offline.arrow;

import org.apache.arrow.dataset.file.DatasetFileWriter;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.dataset.scanner.Scanner;
import org.apache.arrow.dataset.source.Dataset;
import org.apache.arrow.dataset.source.DatasetFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/**
 * Parquet files read and written through Arrow Dataset (the Arrow C++ Parquet implementation behind
 * JNI), so that what Freshet writes is what DuckDB, pyarrow and Spark read. Stateless.
 */
public final class ParquetFiles {

    /** Rows per batch when scanning. */
    public static final int DEFAULT_BATCH_ROWS = 32_768;
    private static final long RELEASE_TIMEOUT_NANOS = 10_000_000_000L;

    private ParquetFiles() {
    }

    /** Fills the next batch of a file being written. */
    @FunctionalInterface
    public interface BatchSource {
        /**
         * Fills {@code root} (which holds the previous batch: reset or overwrite it) and sets its row
         * count.
         *
         * @return false when there are no more rows (what {@code root} holds is then not written)
         */
        boolean next(VectorSchemaRoot root) throws IOException;
    }

    /**
     * Writes one Parquet file at {@code target}, atomically: the rows go to a hidden file in the same
     * directory, which is then renamed, so a reader (or a crash) never sees a half-written file. An
     * existing file at {@code target} is replaced.
     *
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void write(BufferAllocator allocator, Schema schema, BatchSource source, Path target) {
        Path dir = target.toAbsolutePath().getParent();
        Path staging = dir.resolve(".tmp-" + UUID.randomUUID());
        BufferAllocator batches = allocator.newChildAllocator("parquet-writer " + target.getFileName(), 0, Long.MAX_VALUE);
        try {
            Files.createDirectories(dir);
            try (SourceReader reader = new SourceReader(batches, schema, source)) {
                DatasetFileWriter.write(batches, reader, FileFormat.PARQUET, staging.toUri().toString(),
                        new String[0], 1, "part-{i}.parquet");
                if (reader.failure != null) {
                    throw reader.failure;
                }
            }
            awaitReleased(batches, target);
            Path written = onlyFile(staging);
            // durable before visible: a crash after the rename must not leave a named but empty file
            force(written, StandardOpenOption.WRITE);
            Files.move(written, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            force(dir, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Parquet file " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new UncheckedIOException("cannot write Parquet file " + target + ": " + e.getMessage(), new IOException(e));
        } finally {
            deleteQuietly(staging);
            closeQuietly(batches);
        }
    }

    /**
     * Waits until Dataset's writer has released the last batches: its threads drop their references
     * shortly after {@code write} returns, and the batches' allocator must be empty before it closes.
     */
    private static void awaitReleased(BufferAllocator batches, Path target) {
        long deadline = System.nanoTime() + RELEASE_TIMEOUT_NANOS;
        while (batches.getAllocatedMemory() != 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the Parquet writer still holds " + batches.getAllocatedMemory()
                        + " bytes of the batches of " + target + " after " + RELEASE_TIMEOUT_NANOS / 1_000_000_000 + " s");
            }
            Thread.onSpinWait();
            LockSupport.parkNanos(100_000);
        }
    }

    private static void closeQuietly(BufferAllocator batches) {
        try {
            batches.close();
        } catch (IllegalStateException leaked) {
            // only after a failed write, whose native side may still hold a batch; the parent reports it when it closes
        }
    }

    /** Writes the rows {@code root} holds as one Parquet file; see {@link #write(BufferAllocator, Schema, BatchSource, Path)}. */
    public static void write(BufferAllocator allocator, VectorSchemaRoot root, Path target) {
        boolean[] done = {false};
        write(allocator, root.getSchema(), into -> {
            if (done[0]) {
                return false;
            }
            done[0] = true;
            // the writer's root is its own; copy the batch across
            into.clear();
            try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
                new VectorLoader(into).load(batch);
            }
            return true;
        }, target);
    }

    /** Flushes a file, or a directory's entries, to the disk (where the platform allows opening a directory). */
    static void force(Path path, StandardOpenOption mode) throws IOException {
        try (FileChannel channel = FileChannel.open(path, mode)) {
            channel.force(true);
        } catch (IOException e) {
            if (!Files.isDirectory(path)) {
                throw e;
            }
            // some file systems refuse to open a directory; its entry is then as durable as they make it
        }
    }

    private static Path onlyFile(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                s.forEach(files::add);
            }
        }
        if (files.size() != 1) {
            throw new IOException("the Parquet writer produced " + files.size() + " files in " + dir + ", not 1");
        }
        return files.get(0);
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a leftover hidden directory is harmless: readers skip names starting with '.'
        }
    }

    /**
     * Scans Parquet files in order: the rows of each file in file order, the files one after the
     * other. Close it to free the native scanner.
     *
     * @param columns the columns to read, or empty for all
     * @throws UncheckedIOException when a file cannot be opened
     */
    public static Scan scan(BufferAllocator allocator, List<Path> files, Optional<String[]> columns, int batchRows) {
        return new Scan(allocator, files, columns, batchRows);
    }

    /** The schema of a Parquet file, as Arrow reads it. */
    public static Schema schema(BufferAllocator allocator, Path file) {
        try (DatasetFactory f = new FileSystemDatasetFactory(allocator, NativeMemoryPool.getDefault(), FileFormat.PARQUET,
                file.toUri().toString())) {
            return f.inspect();
        } catch (Exception e) {
            throw new UncheckedIOException("cannot read Parquet file " + file + ": " + e.getMessage(), new IOException(e));
        }
    }

    /**
     * A scan over files, one file at a time (so rows keep each file's order). Not thread-safe.
     */
    public static final class Scan implements AutoCloseable {
        private final BufferAllocator allocator;
        private final List<Path> files;
        private final Optional<String[]> columns;
        private final int batchRows;
        private int next;
        private DatasetFactory factory;
        private Dataset dataset;
        private Scanner scanner;
        private ArrowReader reader;

        private Scan(BufferAllocator allocator, List<Path> files, Optional<String[]> columns, int batchRows) {
            this.allocator = allocator;
            this.files = List.copyOf(files);
            this.columns = columns;
            this.batchRows = batchRows;
        }

        /**
         * Loads the next batch into {@link #root}.
         *
         * @return false at the end of the last file
         */
        public boolean next() {
            try {
                while (true) {
                    if (reader != null && reader.loadNextBatch()) {
                        return true;
                    }
                    closeCurrent();
                    if (next == files.size()) {
                        return false;
                    }
                    open(files.get(next++));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read Parquet file " + files.get(next - 1) + ": " + e.getMessage(), e);
            }
        }

        /** The current batch; valid until the next call of {@link #next}. */
        public VectorSchemaRoot root() {
            try {
                return reader.getVectorSchemaRoot();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The file the current batch comes from. */
        public Path file() {
            return files.get(next - 1);
        }

        private void open(Path file) {
            try {
                factory = new FileSystemDatasetFactory(allocator, NativeMemoryPool.getDefault(), FileFormat.PARQUET,
                        file.toUri().toString());
                dataset = factory.finish();
                scanner = dataset.newScan(new ScanOptions(batchRows, columns));
                reader = scanner.scanBatches();
            } catch (RuntimeException e) {
                throw new UncheckedIOException("cannot read Parquet file " + file + ": " + e.getMessage(), new IOException(e));
            }
        }

        private void closeCurrent() {
            try {
                if (reader != null) {
                    reader.close();
                }
                if (scanner != null) {
                    scanner.close();
                }
                if (dataset != null) {
                    dataset.close();
                }
                if (factory != null) {
                    factory.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot close the Parquet scan of " + file() + ": " + e.getMessage(), e);
            } finally {
                reader = null;
                scanner = null;
                dataset = null;
                factory = null;
            }
        }

        @Override
        public void close() {
            closeCurrent();
            next = files.size();
        }
    }

    /** An {@link ArrowReader} whose batches a {@link BatchSource} fills: what Dataset's writer pulls from. */
    private static final class SourceReader extends ArrowReader {
        private final Schema schema;
        private final BatchSource source;
        private IOException failure;

        SourceReader(BufferAllocator allocator, Schema schema, BatchSource source) {
            super(allocator);
            this.schema = schema;
            this.source = source;
        }

        @Override
        public boolean loadNextBatch() throws IOException {
            try {
                return source.next(getVectorSchemaRoot());
            } catch (IOException | RuntimeException e) {
                // the native writer reports only a message; keep the cause for the caller
                failure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                throw failure;
            }
        }

        @Override
        public long bytesRead() {
            return 0;
        }

        @Override
        protected void closeReadSource() {
        }

        @Override
        protected Schema readSchema() {
            return schema;
        }
    }
}
