package dev.freshet.offline.archive;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * Merges the files of a date partition into files sorted by {@link ArchivedRow#ORDER}, so that a
 * point-in-time join can stream a partition entity by entity.
 *
 * <p><b>When, and what.</b> A partition's sorted files are always the outputs of one compaction,
 * following each other in order, so sorting new rows in means rewriting everything the date holds
 * ({@link Plan#REWRITE}). With unsorted files (the archiver's), a partition is rewritten
 * <ul>
 *   <li>the first time, once it has {@code minFiles} unsorted files or its date is before today (on
 *       the archiver's clock: the day is over, few events will still arrive for it);</li>
 *   <li>then once its unsorted rows are at least an eighth of its sorted ones, so that each rewrite
 *       adds at least an eighth: a busy day is rewritten a few dozen times in all rather than at every
 *       batch of files, and the rows rewritten over a day stay within about nine times the day's.</li>
 * </ul>
 * Otherwise, once it has {@code minFiles} small unsorted files (fewer rows than the archiver writes
 * to a file at most), only those are merged, into files of up to that many rows, in order though listed
 * unsorted ({@link Plan#MERGE_NEW}), so that a join opens few files (it sorts unsorted files as it reads
 * them). The late events that trickle into past dates (as far back as the longest window plus
 * {@code streams.grace}) thus wait in unsorted files instead of rewriting a whole date at every flush,
 * however old the date: a compacted date is treated the same on any day.
 *
 * <p><b>Key runs of older archives.</b> A partition with sorted files that lack their {@link KeyRuns}
 * (compacted before they were introduced) is due too. When all its files are sorted they are not
 * rewritten: only their key columns are read, their key runs written beside them, and the manifest
 * relists them. When it also has unsorted files it is merged now, as any other due partition (every
 * output of a merge has its key runs), though it may have fewer than {@code minFiles} files.
 *
 * <p><b>How, in bounded memory.</b> Each unsorted input (at most the archiver's
 * {@code maxRowsPerFile} rows, as are merges of new files) is sorted in memory and written as a hidden sorted run; then the
 * sorted inputs and runs are merged streaming (one Arrow batch per input in memory) into outputs of
 * at most {@code maxRowsPerOutput} rows, in order: output {@code i} holds rows before those of
 * output {@code i + 1}, and their sequence numbers ascend. Beside each output goes its
 * {@link KeyRuns}, so that a join need not read its key column. Then one manifest write replaces the
 * inputs by the outputs, and the inputs are deleted. A crash at any step leaves either the old
 * manifest (outputs and runs are orphans) or the new one (inputs are orphans); the next open
 * deletes the orphans. Offsets never change.
 *
 * <p>Runs on the archiver's thread, between flushes, so that a source's manifest has one writer.
 */
final class Compactor {

    private static final Logger log = LoggerFactory.getLogger(Compactor.class);

    /** A compacted date is rewritten whole once its new rows are at least an eighth of its sorted ones. */
    static final int REWRITE_AT_NEW_ROWS = 8;

    private final int minFiles;
    private final long maxRowsPerOutput;
    private final long maxRowsPerUnsortedFile;

    /**
     * @param minFiles               small unsorted files that make a partition due
     * @param maxRowsPerOutput       the most rows of a sorted output
     * @param maxRowsPerUnsortedFile the most rows of an archiver's file, and of a merge of new files; fewer make it small
     */
    Compactor(int minFiles, long maxRowsPerOutput, long maxRowsPerUnsortedFile) {
        this.minFiles = minFiles;
        this.maxRowsPerOutput = maxRowsPerOutput;
        this.maxRowsPerUnsortedFile = maxRowsPerUnsortedFile;
    }

    /** What compacting a partition does now. */
    enum Plan {
        /** Nothing is due. */
        NONE,
        /** Its sorted files get the key runs they lack; nothing is rewritten. */
        KEY_RUNS,
        /** Its small unsorted files are merged into fewer, of up to {@code maxRowsPerUnsortedFile} rows, listed unsorted. */
        MERGE_NEW,
        /** All its files are rewritten as sorted files with key runs. */
        REWRITE
    }

    /** The date partitions ({@code date=YYYY-MM-DD}) of a manifest that are due, in date order. */
    List<String> due(Manifest manifest, LocalDate today) {
        List<String> due = new ArrayList<>();
        byPartition(manifest).forEach((partition, files) -> {
            if (plan(files, partition, today) != Plan.NONE) {
                due.add(partition);
            }
        });
        return due;
    }

    /** What compacting a partition of these files does on {@code today} (see the class comment). */
    Plan plan(List<Manifest.Entry> files, String partition, LocalDate today) {
        long sortedRows = 0;
        long newRows = 0;
        int unsorted = 0;
        int small = 0;
        boolean withoutKeyRuns = false;
        for (Manifest.Entry f : files) {
            if (f.sorted()) {
                sortedRows += f.rows();
                withoutKeyRuns |= !f.keyRuns();
            } else {
                newRows += f.rows();
                unsorted++;
                small += f.rows() < maxRowsPerUnsortedFile ? 1 : 0;
            }
        }
        boolean compacted = unsorted < files.size();
        if (unsorted == 0) {
            return withoutKeyRuns ? Plan.KEY_RUNS : Plan.NONE;
        }
        if (!compacted) {
            return unsorted >= minFiles || isPast(partition, today) ? Plan.REWRITE : Plan.NONE;
        }
        if (withoutKeyRuns || newRows * REWRITE_AT_NEW_ROWS >= sortedRows) {
            return Plan.REWRITE;
        }
        return small >= minFiles ? Plan.MERGE_NEW : Plan.NONE;
    }

    private static boolean isPast(String partition, LocalDate today) {
        return partition.compareTo(SourceArchive.partitionOf(today)) < 0;
    }

    private static Map<String, List<Manifest.Entry>> byPartition(Manifest manifest) {
        Map<String, List<Manifest.Entry>> out = new LinkedHashMap<>();
        for (Manifest.Entry e : manifest.files()) {
            out.computeIfAbsent(e.partition(), k -> new ArrayList<>()).add(e);
        }
        return out;
    }

    /**
     * Compacts one date partition of an archive as {@link #plan} says.
     *
     * @param today on the archiver's clock
     * @throws java.io.UncheckedIOException when a file cannot be read or written (nothing is committed then)
     */
    void compact(SourceArchive archive, RowFiles files, String partition, LocalDate today) {
        List<Manifest.Entry> all = byPartition(archive.manifest()).getOrDefault(partition, List.of());
        Plan plan = plan(all, partition, today);
        if (plan == Plan.NONE) {
            return;
        }
        if (plan == Plan.KEY_RUNS) {
            addKeyRuns(archive, files, partition, all);
            return;
        }
        boolean sorted = plan == Plan.REWRITE;
        List<Manifest.Entry> inputs = sorted ? all : all.stream().filter(f -> !f.sorted() && f.rows() < maxRowsPerUnsortedFile).toList();
        LocalDate date = LocalDate.parse(partition.substring("date=".length()));
        Path dir = archive.dir();
        List<Path> runs = new ArrayList<>();
        List<RowFiles.Cursor> cursors = new ArrayList<>();
        List<Manifest.Entry> outputs = new ArrayList<>();
        try {
            for (Manifest.Entry in : inputs) {
                Path file = dir.resolve(in.path());
                if (!in.sorted()) {
                    List<ArchivedRow> rows = files.readAll(file);
                    rows.sort(ArchivedRow.ORDER);
                    file = dir.resolve(partition).resolve(SourceArchive.STAGING_PREFIX + "run-" + runs.size() + "-"
                            + Long.toHexString(System.nanoTime()) + ".parquet");
                    files.write(rows.iterator(), Long.MAX_VALUE, file);
                    runs.add(file);
                }
                cursors.add(files.open(file));
            }
            Iterator<ArchivedRow> merged = merge(cursors);
            while (merged.hasNext()) {
                String path = archive.newFile(date);
                if (!sorted) {
                    // in order, but listed as unsorted: the partition's sorted files stay one compaction's outputs
                    RowFiles.Written w = files.write(merged, maxRowsPerUnsortedFile, dir.resolve(path));
                    outputs.add(new Manifest.Entry(path, w.rows(), w.minEventTime(), w.maxEventTime(), false, false));
                    continue;
                }
                KeyRuns.Builder keys = new KeyRuns.Builder();
                RowFiles.Written w = files.write(merged, maxRowsPerOutput, dir.resolve(path), keys);
                // listed before its key runs are written, so that a failure writing them discards the file with them
                outputs.add(new Manifest.Entry(path, w.rows(), w.minEventTime(), w.maxEventTime(), true, true));
                keys.write(dir.resolve(path));
            }
            long in = inputs.stream().mapToLong(Manifest.Entry::rows).sum();
            long out = outputs.stream().mapToLong(Manifest.Entry::rows).sum();
            if (in != out) {
                throw new IllegalStateException("compacting " + partition + " of source '" + archive.source() + "' read " + out
                        + " rows from files the manifest says hold " + in + "; nothing was replaced");
            }
            closeAll(cursors);
            archive.replace(inputs, outputs);
            if (sorted) {
                log.info("archive of source '{}': compacted {} ({} files, {} rows) into {} sorted files", archive.source(), partition,
                        inputs.size(), in, outputs.size());
            } else {
                log.info("archive of source '{}': merged {} small unsorted files of {} ({} rows) into {}, beside its {} other files",
                        archive.source(), inputs.size(), partition, in, outputs.size(), all.size() - inputs.size());
            }
        } catch (RuntimeException e) {
            // tidy up after a failure we saw; after a crash (or an Error) the next open does it
            if (!archive.manifest().files().containsAll(outputs)) {
                archive.discard(outputs);
            }
            runs.forEach(Compactor::deleteQuietly);
            throw e;
        } finally {
            closeAll(cursors);
        }
        // not after a crash (an Error): the next open deletes the runs left then
        for (Path run : runs) {
            deleteQuietly(run);
        }
    }

    /** Writes the key runs of a partition's sorted files that lack them, then relists those files with them. */
    private static void addKeyRuns(SourceArchive archive, RowFiles files, String partition, List<Manifest.Entry> inputs) {
        List<Manifest.Entry> before = new ArrayList<>();
        List<Manifest.Entry> after = new ArrayList<>();
        try {
            for (Manifest.Entry in : inputs) {
                if (in.keyRuns()) {
                    continue;
                }
                Path file = archive.dir().resolve(in.path());
                KeyRuns.Builder keys = files.keyRuns(file);
                if (keys.rows() != in.rows()) {
                    throw new IllegalStateException("adding key runs to " + in.path() + " of source '" + archive.source() + "': it holds "
                            + keys.rows() + " rows, the manifest says " + in.rows() + "; nothing was changed");
                }
                before.add(in);
                after.add(new Manifest.Entry(in.path(), in.rows(), in.minEventTime(), in.maxEventTime(), true, true));
                keys.write(file);
            }
            archive.relist(before, after);
        } catch (RuntimeException e) {
            for (Manifest.Entry written : before) {
                deleteQuietly(KeyRuns.sidecar(archive.dir().resolve(written.path())));
            }
            throw e;
        }
        log.info("archive of source '{}': wrote the key runs of {} sorted files of {}", archive.source(), after.size(), partition);
    }

    /** A k-way merge of sorted cursors by {@link ArchivedRow#ORDER}. */
    private static Iterator<ArchivedRow> merge(List<RowFiles.Cursor> cursors) {
        PriorityQueue<RowFiles.Cursor> heads = new PriorityQueue<>(Math.max(1, cursors.size()),
                (a, b) -> ArchivedRow.ORDER.compare(a.peek(), b.peek()));
        for (RowFiles.Cursor c : cursors) {
            if (c.hasNext()) {
                heads.add(c);
            }
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !heads.isEmpty();
            }

            @Override
            public ArchivedRow next() {
                RowFiles.Cursor c = heads.poll();
                if (c == null) {
                    throw new NoSuchElementException();
                }
                ArchivedRow r = c.next();
                if (c.hasNext()) {
                    heads.add(c);
                }
                return r;
            }
        };
    }

    private static void closeAll(List<RowFiles.Cursor> cursors) {
        for (RowFiles.Cursor c : cursors) {
            c.close();
        }
        cursors.clear();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("cannot delete {} (the next start deletes it): {}", p, e.toString());
        }
    }
}
