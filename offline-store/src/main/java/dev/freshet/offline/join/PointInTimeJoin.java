package dev.freshet.offline.join;

import dev.freshet.core.definition.Definitions;
import dev.freshet.core.error.InvalidInputException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Future;

/**
 * Builds point-in-time correct training sets from the event archive: one output row per spine row,
 * in spine order, with each requested feature's value at the row's timestamp {@code t} computed by
 * the same {@link dev.freshet.core.aggregate.ViewAggregator} and window rule as the online store
 * (events with {@code ts < t} only; an event at exactly {@code t} is not seen).
 *
 * <h2>Output</h2>
 * Every spine column in its order and type, then one column per requested feature in request order,
 * named by the feature ({@code view__feature} with {@code fullFeatureNames}; two features of one name
 * without it are an error that says so). Types: count and count_distinct Int64; sum of a double
 * Float64, of a long or timestamp Int64; min, max, last, first the field's type (string Utf8, long
 * Int64, double Float64, boolean Bool, timestamp Timestamp(ms, UTC)); avg and quantile Float64. A
 * value is null when the feature's value is null and when the online store would not report it:
 * the entity has no event before {@code t} in the view's source, or, in a view whose tiles expire
 * ({@link dev.freshet.core.aggregate.ViewAggregator#tilesExpire}), the tile of its latest such event
 * has expired at {@code t} (NOT_FOUND, both); or, for a view with a ttl, its latest such event is
 * older than {@code t - ttl} (OUTSIDE_MAX_AGE).
 *
 * <h2>Algorithm: a bounded-memory sort-merge join</h2>
 * <ol>
 *   <li>The spine is read (entity and timestamp columns only), each row tagged with its row number,
 *       and sorted by (entity, t) — externally, in run files, past its share of the budget.</li>
 *   <li>For each source of the requested views, its archive files are read (only the key, the
 *       aggregated fields, event time, partition and offset columns): files marked sorted are merged
 *       as they are; the others are sorted by (entity, event time, partition, offset), externally past
 *       the budget. A k-way merge yields one stream.</li>
 *   <li>One pass over both: per entity, events before each spine time are added to per-view tiles
 *       (in log order within a tile, as the streaming path adds them, so that even floating-point
 *       sums agree exactly), the tiles in the longest requested window are kept, older ones are
 *       folded into one lifetime tile when a lifetime feature is requested; values are evaluated
 *       and kept by row number: in columns as long as the spine when they fit the budget, else in
 *       a sorter that restores spine order (spilling past the budget).</li>
 *   <li>The spine is scanned again and each batch is emitted with the feature columns beside it.</li>
 * </ol>
 * Heap use is bounded by the memory budget plus one tile set per view for the current entity (and
 * the events of one open tile); spill files go to the spill directory and are deleted when the
 * join ends, also on failure. Native memory comes from the allocator: a batch per open file.
 * Besides the budget, a source's events are read ahead by a bounded number of batches.
 *
 * <h2>Threads</h2>
 * A join runs on its caller's thread with two helpers of its own, so that it uses a second core: one
 * reads, merges and decodes the archive's events ahead of the join (and starts while the spine is
 * read), the other builds the output's batches ahead of the file writer. Both stop when the join
 * ends, also on failure; the result does not depend on their timing.
 *
 * <p>Immutable and thread-safe: joins may run concurrently (each on its caller's thread).
 */
public final class PointInTimeJoin {

    private final Definitions definitions;
    private final ArchiveSource archive;
    private final BufferAllocator allocator;
    private final long memoryBudget;
    private final Path spillDirectory;
    private final JoinProgress progress;
    private final String freshetVersion;

    private PointInTimeJoin(Builder b) {
        this.definitions = b.definitions;
        this.archive = b.archive;
        this.allocator = b.allocator;
        this.memoryBudget = b.memoryBudget;
        this.spillDirectory = b.spillDirectory;
        this.progress = b.progress;
        this.freshetVersion = b.freshetVersion;
    }

    public static Builder builder() {
        return new Builder();
    }

    Definitions definitions() {
        return definitions;
    }

    ArchiveSource archive() {
        return archive;
    }

    BufferAllocator allocator() {
        return allocator;
    }

    long memoryBudget() {
        return memoryBudget;
    }

    Path spillDirectory() {
        return spillDirectory;
    }

    JoinProgress progress() {
        return progress;
    }

    String freshetVersion() {
        return freshetVersion;
    }

    /**
     * Builds the training set and hands it to {@code sink}, batch by batch, in spine order.
     *
     * @throws InvalidInputException on a bad request or spine (missing file or column, unknown feature, null entity,
     *                               unparseable timestamp: the message names the row and value)
     * @throws java.io.UncheckedIOException when an archive or spill file cannot be read or written
     */
    public TrainingSetSummary run(TrainingSetRequest request, TrainingSetSink sink) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(sink, "sink");
        long started = System.nanoTime();
        try (JoinRun join = new JoinRun(this, request)) {
            join.prepare();
            sink.start(join.schema());
            progress.phase("writing", join.spineRows());
            OutputBatches batches = join.batches();
            for (VectorSchemaRoot next = batches.next(); next != null; next = batches.next()) {
                try (VectorSchemaRoot batch = next) {
                    sink.write(batch);
                    progress.advance(batch.getRowCount());
                }
            }
            sink.finish();
            return summary(join, null, null, started);
        }
    }

    /**
     * Builds the training set into a file, Parquet ({@code .parquet}) or Arrow IPC file format
     * ({@code .arrow}) by its extension, and writes a JSON manifest beside it at
     * {@code <out>.manifest.json} (definitions' fingerprint, spine file and SHA-256, time range, archive
     * files read, row counts, Freshet version). Each file is written to a hidden temporary file and
     * renamed, so readers never see a partial file; the manifest is renamed last.
     *
     * @throws InvalidInputException on another extension, on an empty spine with a .parquet output, and as {@link #run}
     */
    public TrainingSetSummary writeFile(TrainingSetRequest request, Path out) {
        Objects.requireNonNull(request, "request");
        TrainingSetFiles.Format format = TrainingSetFiles.format(Objects.requireNonNull(out, "out"));
        long started = System.nanoTime();
        try (JoinRun join = new JoinRun(this, request)) {
            join.prepare();
            // the spine was found readable by prepare; its hash for the manifest is computed beside the output's writing
            Future<String> spineSha256 = TrainingSetFiles.sha256InBackground(request.spine());
            if (join.spineRows() == 0 && format == TrainingSetFiles.Format.PARQUET) {
                // Arrow Dataset's Parquet writer writes no file at all for zero rows
                throw new InvalidInputException("spine " + request.spine() + " has no rows: an empty training set cannot be written"
                        + " as Parquet; write it as .arrow, or use a spine with rows");
            }
            progress.phase("writing", join.spineRows());
            TrainingSetFiles.write(allocator, format, join.schema(), join.batches(), out, progress);
            Path manifest = TrainingSetFiles.manifestPath(out);
            TrainingSetSummary summary = summary(join, out, manifest, started);
            TrainingSetFiles.writeManifest(this, request, join, summary, format, manifest, spineSha256);
            return summary;
        }
    }

    private static TrainingSetSummary summary(JoinRun join, Path out, Path manifest, long started) {
        return new TrainingSetSummary(join.spineRows(), join.eventsRead(), join.filesRead().size(), join.minTimestamp(),
                join.maxTimestamp(), join.spillFiles(), Optional.ofNullable(out), Optional.ofNullable(manifest),
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** Configures a {@link PointInTimeJoin}; each setter checks its argument, {@link #build} the combination. Not thread-safe. */
    public static final class Builder {
        private Definitions definitions;
        private ArchiveSource archive;
        private BufferAllocator allocator;
        private long memoryBudget = 512L << 20;
        private Path spillDirectory = Path.of(System.getProperty("java.io.tmpdir"));
        private JoinProgress progress = JoinProgress.NONE;
        private String freshetVersion = "unknown";

        private Builder() {
        }

        /** The definitions the features are looked up in. Required. */
        public Builder definitions(Definitions definitions) {
            this.definitions = Objects.requireNonNull(definitions, "definitions");
            return this;
        }

        /** Where each source's archive files are found. Required. */
        public Builder archive(ArchiveSource archive) {
            this.archive = Objects.requireNonNull(archive, "archive");
            return this;
        }

        /** The allocator for Arrow buffers (scans and output batches). Required; the caller closes it. */
        public Builder allocator(BufferAllocator allocator) {
            this.allocator = Objects.requireNonNull(allocator, "allocator");
            return this;
        }

        /** Heap the join may fill with spine rows, events and results before it spills to disk; default 512 MiB. */
        public Builder memoryBudget(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("memoryBudget must be positive, not " + bytes + " bytes");
            }
            this.memoryBudget = bytes;
            return this;
        }

        /** Where spill files go; default {@code java.io.tmpdir}. Created when missing. */
        public Builder spillDirectory(Path directory) {
            Objects.requireNonNull(directory, "spillDirectory");
            if (Files.exists(directory) && !Files.isDirectory(directory)) {
                throw new IllegalArgumentException("spillDirectory " + directory + " exists and is not a directory");
            }
            this.spillDirectory = directory;
            return this;
        }

        /** Receives progress; default none. */
        public Builder progress(JoinProgress progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /** The Freshet version recorded in manifests; default "unknown". */
        public Builder freshetVersion(String version) {
            if (version == null || version.isBlank()) {
                throw new IllegalArgumentException("freshetVersion must not be empty");
            }
            this.freshetVersion = version;
            return this;
        }

        /** @throws IllegalStateException when definitions, archive or allocator was not set */
        public PointInTimeJoin build() {
            if (definitions == null) {
                throw new IllegalStateException("a PointInTimeJoin needs definitions (call definitions(...))");
            }
            if (archive == null) {
                throw new IllegalStateException("a PointInTimeJoin needs an archive (call archive(...))");
            }
            if (allocator == null) {
                throw new IllegalStateException("a PointInTimeJoin needs an allocator (call allocator(...))");
            }
            return new PointInTimeJoin(this);
        }
    }
}
