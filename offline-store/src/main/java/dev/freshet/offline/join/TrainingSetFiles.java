package dev.freshet.offline.join;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.offline.archive.ArchivedFile;
import dev.freshet.offline.arrow.ParquetFiles;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/** Training-set files (Parquet, Arrow IPC) and their JSON manifests, each written atomically. Stateless. */
final class TrainingSetFiles {

    /** Manifest format version: readers reject versions they do not know. */
    static final int MANIFEST_VERSION = 1;

    private static final JsonFactory JSON = new JsonFactory();

    enum Format { PARQUET, ARROW }

    private TrainingSetFiles() {
    }

    /** @throws InvalidInputException when the extension is neither .parquet nor .arrow */
    static Format format(Path out) {
        String name = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".parquet")) {
            return Format.PARQUET;
        }
        if (name.endsWith(".arrow")) {
            return Format.ARROW;
        }
        throw new InvalidInputException("training set output " + out + ": unknown extension (use .parquet for Parquet or .arrow for Arrow IPC)");
    }

    static Path manifestPath(Path out) {
        return out.resolveSibling(out.getFileName() + ".manifest.json");
    }

    static void write(BufferAllocator allocator, Format format, Schema schema, OutputBatches batches, Path out, JoinProgress progress) {
        // the next batch is built while the writer encodes the previous one
        try (BatchesAhead ahead = new BatchesAhead(batches)) {
            write(allocator, format, schema, ahead, out, progress);
        }
    }

    private static void write(BufferAllocator allocator, Format format, Schema schema, BatchesAhead batches, Path out,
                              JoinProgress progress) {
        if (format == Format.PARQUET) {
            ParquetFiles.write(allocator, schema, into -> {
                VectorSchemaRoot batch = batches.next();
                if (batch == null) {
                    return false;
                }
                // fresh buffers for each batch: the writer may still read the previous ones
                try (batch; ArrowRecordBatch rb = new VectorUnloader(batch).getRecordBatch()) {
                    new VectorLoader(into).load(rb);
                    progress.advance(batch.getRowCount());
                }
                return true;
            }, out);
            return;
        }
        Path staging = staging(out);
        try {
            try (FileChannel channel = FileChannel.open(staging, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
                 ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
                writer.start();
                for (VectorSchemaRoot next = batches.next(); next != null; next = batches.next()) {
                    try (VectorSchemaRoot batch = next; ArrowRecordBatch rb = new VectorUnloader(batch).getRecordBatch()) {
                        new VectorLoader(root).load(rb);
                        writer.writeBatch();
                        progress.advance(batch.getRowCount());
                    }
                }
                writer.end();
            }
            Files.move(staging, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write training set " + out + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(staging);
        }
    }

    private static Path staging(Path out) {
        Path dir = out.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + dir + ": " + e.getMessage(), e);
        }
        return dir.resolve("." + out.getFileName() + ".tmp-" + UUID.randomUUID());
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover hidden staging file is harmless and named as such
        }
    }

    /**
     * Starts hashing the spine on a daemon thread, so that the hash is ready when the manifest is
     * written instead of adding a second read of the spine to the join's time.
     */
    static Future<String> sha256InBackground(Path spine) {
        FutureTask<String> task = new FutureTask<>(() -> sha256(spine));
        Thread.ofPlatform().daemon().name("freshet-spine-sha256").start(task);
        return task;
    }

    /** @param spineSha256 from {@link #sha256InBackground} */
    static void writeManifest(PointInTimeJoin join, TrainingSetRequest request, JoinRun run, TrainingSetSummary summary,
                              Format format, Path manifest, Future<String> spineSha256) {
        Path staging = staging(manifest);
        try {
            try (OutputStream os = Files.newOutputStream(staging, StandardOpenOption.CREATE_NEW);
                 JsonGenerator g = JSON.createGenerator(os)) {
                g.useDefaultPrettyPrinter();
                g.writeStartObject();
                g.writeNumberField("manifest_version", MANIFEST_VERSION);
                g.writeStringField("freshet_version", join.freshetVersion());
                g.writeStringField("definitions_fingerprint", join.definitions().fingerprint());
                g.writeObjectFieldStart("spine");
                g.writeStringField("path", request.spine().toAbsolutePath().toString());
                g.writeStringField("sha256", await(spineSha256));
                g.writeNumberField("rows", summary.spineRows());
                g.writeStringField("entity_column", request.entityColumn());
                g.writeStringField("timestamp_column", request.timestampColumn());
                g.writeEndObject();
                g.writeArrayFieldStart("features");
                for (FeatureRef f : request.features()) {
                    g.writeString(f.toString());
                }
                g.writeEndArray();
                g.writeBooleanField("full_feature_names", request.fullFeatureNames());
                g.writeObjectFieldStart("time_range");
                if (summary.spineRows() > 0) {
                    g.writeStringField("min", Instant.ofEpochMilli(summary.minTimestamp()).toString());
                    g.writeStringField("max", Instant.ofEpochMilli(summary.maxTimestamp()).toString());
                } else {
                    g.writeNullField("min");
                    g.writeNullField("max");
                }
                g.writeEndObject();
                g.writeObjectFieldStart("output");
                g.writeStringField("path", summary.output().orElseThrow().toAbsolutePath().toString());
                g.writeStringField("format", format.name().toLowerCase(Locale.ROOT));
                g.writeNumberField("rows", summary.spineRows());
                g.writeArrayFieldStart("columns");
                for (Field f : run.schema().getFields()) {
                    g.writeStartObject();
                    g.writeStringField("name", f.getName());
                    g.writeStringField("type", f.getType().toString());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
                g.writeNumberField("events_read", summary.eventsRead());
                g.writeArrayFieldStart("archive_files");
                for (ArchivedFile f : run.filesRead()) {
                    g.writeStartObject();
                    g.writeStringField("path", f.path().toAbsolutePath().toString());
                    g.writeNumberField("rows", f.rows());
                    g.writeNumberField("min_event_time", f.minEventTime());
                    g.writeNumberField("max_event_time", f.maxEventTime());
                    g.writeBooleanField("sorted", f.sorted());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeNumberField("elapsed_ms", summary.elapsed().toMillis());
                g.writeEndObject();
            }
            Files.move(staging, manifest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write manifest " + manifest + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(staging);
        }
    }

    private static String await(Future<String> hash) throws IOException {
        try {
            return hash.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while hashing the spine", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("cannot hash the spine: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
