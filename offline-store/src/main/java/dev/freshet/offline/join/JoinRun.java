package dev.freshet.offline.join;

import dev.freshet.core.error.InvalidInputException;
import dev.freshet.offline.archive.ArchivedFile;
import dev.freshet.offline.archive.KeyRuns;
import dev.freshet.offline.arrow.EventColumns;
import dev.freshet.offline.arrow.ParquetFiles;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One run of a point-in-time join: {@link #prepare} reads and sorts the spine and joins every source
 * into row-ordered results; {@link #batches} then yields the output. Holds spill files and native
 * scans until {@link #close} (idempotent), which also runs on failure. Not thread-safe.
 *
 * <p>The first source's events, when its files are all sorted, begin to be read (by the thread of
 * its {@link PrefetchedEvents}) before the spine is, so that the second core is busy meanwhile.
 *
 * <p>The memory budget is split: a quarter for the sorted spine, a quarter for the results (shared
 * by the sources: kept in columns by row number when they fit, else sorted by it, spilling past
 * the share), half for the events being sorted (one source at a time). Sorted files' key runs, held
 * while the files are read, take up to an eighth more, and only those small beside their file; the
 * other files are read with their key column.
 */
final class JoinRun implements AutoCloseable {

    /**
     * Key runs are held in memory while their file is read; beyond this many bytes per row of the file (entities of a few
     * rows each) they would take about as much as the key column, and save little: the key column is read instead.
     */
    static final long MAX_KEY_RUN_BYTES_PER_ROW = 4;
    /** Key runs this small are held whatever their file's rows. */
    static final long KEY_RUN_BYTES_ALWAYS_HELD = 64 << 10;

    /** Spine rows whose keys' table slots are read together before the rows are added. */
    private static final int TOUCH_AHEAD = 256;

    private final PointInTimeJoin config;
    private final TrainingSetRequest request;
    private final BufferAllocator allocator;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<ExternalSorter> sorters = new ArrayList<>();
    private final List<SourceResults> results = new ArrayList<>();
    private final List<ArchivedFile> filesRead = new ArrayList<>();
    private final ArchivePins pins;
    private JoinPlan plan;
    private SpineFile spine;
    private Schema schema;
    private long spineRows;
    private long eventsRead;
    private long minTimestamp = Long.MAX_VALUE;
    private long maxTimestamp = Long.MIN_VALUE;
    private boolean closed;
    /** Where the slot reads of {@link ExternalSorter#touch} go, so that they are not optimised away. */
    private long sink;

    JoinRun(PointInTimeJoin config, TrainingSetRequest request) {
        this.config = config;
        this.request = request;
        this.allocator = config.allocator();
        this.pins = new ArchivePins(config.spillDirectory());
        resources.add(pins); // closed last, after every scan of the files
    }

    /** Validates the request, then reads, sorts and joins; afterwards {@link #schema} and {@link #batches} are ready. */
    void prepare() {
        spine = SpineFile.of(request.spine());
        Schema spineSchema = spine.schema(allocator);
        SpineFile.column(spineSchema, spine.path(), request.entityColumn(), "entity");
        SpineFile.column(spineSchema, spine.path(), request.timestampColumn(), "timestamp");
        plan = JoinPlan.of(config.definitions(), request);
        List<Field> fields = new ArrayList<>(spineSchema.getFields());
        Set<String> names = new HashSet<>();
        fields.forEach(f -> names.add(f.getName()));
        for (JoinPlan.Column c : plan.columns()) {
            if (!names.add(c.name())) {
                throw new InvalidInputException("feature '" + c.ref() + "' would be column '" + c.name() + "', which the spine "
                        + spine.path() + " already has (rename the spine column" + (request.fullFeatureNames() ? ")" : ", or set full_feature_names)"));
            }
            fields.add(Field.nullable(c.name(), c.kind().arrowType()));
        }
        schema = new Schema(fields);

        long budget = config.memoryBudget();
        ExternalSorter sortedSpine = sorter("the spine", budget / 4);
        List<JoinPlan.SourcePlan> sources = plan.sources();
        List<ArchivePins.Pinned> firstFiles = sources.isEmpty() ? List.of() : pins.pin(config.archive(), sources.get(0).source());
        // the first source, when its files are all sorted, needs no sort of its own: its reader thread
        // opens and reads them while this thread reads and sorts the spine
        PrefetchedEvents early = sources.isEmpty() || !firstFiles.stream().allMatch(p -> p.listed().sorted()) ? null
                : events(sources.get(0), firstFiles, null, false);
        try {
            readSpine(sortedSpine);
        } catch (RuntimeException e) {
            if (early != null) {
                early.close();
            }
            throw e;
        }
        for (int i = 0; i < sources.size(); i++) {
            JoinPlan.SourcePlan source = sources.get(i);
            SourceResults out = results(source, budget / 4 / sources.size());
            results.add(out);
            ExternalSorter unsorted = sorter("the events of source '" + source.source().name() + "'", budget / 2);
            PrefetchedEvents stream;
            if (i == 0 && early != null) {
                long total = firstFiles.stream().mapToLong(p -> p.listed().rows()).sum();
                config.progress().phase("sorting events of " + source.source().name(), total);
                config.progress().advance(total);
                stream = early;
            } else {
                stream = events(source, i == 0 ? firstFiles : pins.pin(config.archive(), source.source()), unsorted, true);
            }
            try (PrefetchedEvents events = stream; RecordCursor sortedRows = sortedSpine.sorted()) {
                config.progress().phase("joining " + source.source().name(), spineRows);
                SourceJoin.run(source, sortedRows, events, out, config.progress());
            }
            // frees its memory and spill files before the next source
            unsorted.close();
        }
        sortedSpine.close();
    }

    /** Where a source's values go: in columns when they fit its share of the budget, else through a sort that may spill. */
    private SourceResults results(JoinPlan.SourcePlan source, long budget) {
        int[] columns = source.columns();
        ValueKind[] kinds = new ValueKind[columns.length];
        for (int s = 0; s < columns.length; s++) {
            kinds[s] = plan.columns().get(columns[s]).kind();
        }
        String name = source.source().name();
        if (spineRows <= ColumnResults.MAX_ROWS && ColumnResults.bytes(spineRows, kinds) <= budget) {
            return new ColumnResults(name, spineRows, columns, kinds);
        }
        return new SortedResults(sorter("the results of source '" + name + "'", budget), name, columns, kinds);
    }

    private ExternalSorter sorter(String what, long budget) {
        ExternalSorter s = new ExternalSorter(what, Math.max(1, budget), config.spillDirectory());
        sorters.add(s);
        return s;
    }

    private void readSpine(ExternalSorter out) {
        config.progress().phase("reading spine", -1);
        SpineFile.StringKeys keys = spine.new StringKeys();
        try (SpineFile.Scan scan = spine.scan(allocator, Optional.of(new String[]{request.entityColumn(), request.timestampColumn()}))) {
            while (scan.next()) {
                VectorSchemaRoot root = scan.root();
                FieldVector entity = root.getVector(request.entityColumn());
                FieldVector time = root.getVector(request.timestampColumn());
                int n = root.getRowCount();
                if (entity instanceof VarCharVector strings) {
                    keys.bind(strings, n, spineRows + 1);
                    for (int from = 0; from < n; from += TOUCH_AHEAD) {
                        int to = Math.min(n, from + TOUCH_AHEAD);
                        // the keys' table slots first, all together, so that their cache misses overlap
                        long touched = 0;
                        for (int r = from; r < to; r++) {
                            touched += out.touch(keys.data(), keys.from(r), keys.length(r));
                        }
                        sink += touched;
                        for (int r = from; r < to; r++) {
                            readSpineRow(keys, time, r, out);
                        }
                    }
                } else {
                    for (int r = 0; r < n; r++) {
                        readSpineRow(entity, time, r, out);
                    }
                }
                config.progress().advance(n);
            }
        }
    }

    /** One spine row into the sorter; a method of its own so that the JIT compiles it early, in full. */
    private void readSpineRow(FieldVector entity, FieldVector time, int r, ExternalSorter out) {
        long number = spineRows + 1;
        String key = spine.entity(entity, r, number);
        long t = spine.timestamp(time, r, number);
        minTimestamp = Math.min(minTimestamp, t);
        maxTimestamp = Math.max(maxTimestamp, t);
        out.add(key, t, spineRows, 0, null);
        spineRows++;
    }

    /** The same, for an entity column of strings, whose bytes go to the sorter as they are (no string per row). */
    private void readSpineRow(SpineFile.StringKeys keys, FieldVector time, int r, ExternalSorter out) {
        long t = spine.timestamp(time, r, spineRows + 1);
        minTimestamp = Math.min(minTimestamp, t);
        maxTimestamp = Math.max(maxTimestamp, t);
        out.add(keys.data(), keys.from(r), keys.length(r), t, spineRows, 0);
        spineRows++;
    }

    /**
     * The source's events in order: sorted files merged as they are, the others through an external sort.
     *
     * @param unsorted sorts the unsorted files (unused, may be null, when every file is sorted)
     * @param report   whether to report the phase and the files read to the progress
     */
    private PrefetchedEvents events(JoinPlan.SourcePlan source, List<ArchivePins.Pinned> pinned, ExternalSorter unsorted, boolean report) {
        long total = pinned.stream().mapToLong(p -> p.listed().rows()).sum();
        if (report) {
            config.progress().phase("sorting events of " + source.source().name(), total);
        }
        List<EventStream> streams = new ArrayList<>();
        KeyRuns.Strings keys = new KeyRuns.Strings();
        // the sorted files' key runs are held while their files are read: up to an eighth of the budget, in listing order
        long keyRunBytes = config.memoryBudget() / 8;
        try {
            for (ArchivePins.Pinned p : pinned) {
                filesRead.add(p.listed());
                ArchivedFile file = p.read();
                if (file.rows() == 0) {
                    // an empty partition: nothing to open (Arrow Dataset does not even write such files)
                    continue;
                }
                if (file.sorted()) {
                    boolean keyRuns = false;
                    if (file.keyRuns()) {
                        long size = sizeOrZero(KeyRuns.sidecar(file.path()));
                        keyRuns = size <= keyRunBytes && smallBeside(size, file.rows());
                        keyRunBytes -= keyRuns ? size : 0;
                    }
                    streams.add(new SortedFileEvents(allocator, file.path(), file.rows(), keyRuns, source.scanColumns(),
                            source.layout(), source.keyField(), source.fields(), keys));
                    eventsRead += file.rows();
                    if (report) {
                        config.progress().advance(file.rows());
                    }
                    continue;
                }
                EventColumns columns = new EventColumns(source.layout(), source.keyField());
                FieldEncoder encoder = new FieldEncoder(source.source().schema(), source.fields());
                try (ParquetFiles.Scan scan = ParquetFiles.scan(allocator, List.of(file.path()), Optional.of(source.scanColumns()),
                        ParquetFiles.DEFAULT_BATCH_ROWS)) {
                    while (scan.next()) {
                        columns.bind(scan.root());
                        encoder.bind(scan.root());
                        int n = columns.rowCount();
                        for (int r = 0; r < n; r++) {
                            encoder.encode(r);
                            unsorted.add(columns.entity(r), columns.eventTime(r), columns.partition(r), columns.offset(r),
                                    encoder.buffer(), encoder.length());
                        }
                        eventsRead += n;
                        config.progress().advance(n);
                    }
                }
            }
            if (unsorted != null) {
                streams.add(EventStream.sorted(unsorted.sorted(), source.source().schema(), source.fields()));
            }
        } catch (RuntimeException e) {
            streams.forEach(EventStream::close);
            throw e;
        }
        // the second core reads, merges and decodes while this thread joins
        return new PrefetchedEvents(EventStream.merge(streams), source.source().schema(), source.fields(), source.source().name());
    }

    /** Whether key runs of this size are worth holding beside a file of these rows. */
    private static boolean smallBeside(long keyRunBytes, long rows) {
        return keyRunBytes <= KEY_RUN_BYTES_ALWAYS_HELD || keyRunBytes <= MAX_KEY_RUN_BYTES_PER_ROW * rows;
    }

    /** A file's size; 0 when it cannot be read (whoever reads it then says why). */
    private static long sizeOrZero(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    Schema schema() {
        return schema;
    }

    /** The output batches; call once, after {@link #prepare}. */
    OutputBatches batches() {
        resources.addAll(results);
        OutputBatches out = new OutputBatches(allocator, plan, schema, spine, results);
        resources.add(out);
        return out;
    }

    long spineRows() {
        return spineRows;
    }

    long eventsRead() {
        return eventsRead;
    }

    List<ArchivedFile> filesRead() {
        return filesRead;
    }

    long minTimestamp() {
        return minTimestamp;
    }

    long maxTimestamp() {
        return maxTimestamp;
    }

    int spillFiles() {
        return sorters.stream().mapToInt(ExternalSorter::runCount).sum();
    }

    JoinPlan plan() {
        return plan;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (AutoCloseable r : resources.reversed()) {
            try {
                r.close();
            } catch (Exception e) {
                failure = failure == null ? new IllegalStateException("cannot release the join's resources: " + e.getMessage(), e) : failure;
            }
        }
        for (ExternalSorter s : sorters) {
            try {
                s.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
