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
 * <p><b>When.</b> A partition is compacted when it has an unsorted file (one the archiver wrote) and
 * either at least {@code minFiles} unsorted files, or a date before today (on the archiver's clock: the
 * day is over, few events will still arrive for it) that has not been compacted yet, or a date before
 * yesterday. Every compaction takes all files of the partition, so its sorted files are always the
 * outputs of one compaction, following each other in order. So a compaction rewrites everything the
 * date holds, and only a batch of new files is worth it: a busy day's many sorted outputs must not make
 * each flush rewrite it, nor the late events that trickle into yesterday for a while after midnight. A
 * few late files wait unsorted (a join sorts them as it reads them) until they are {@code minFiles},
 * or until their date is two days old.
 *
 * <p><b>Key runs of older archives.</b> A partition with sorted files that lack their {@link KeyRuns}
 * (compacted before they were introduced) is due too. When all its files are sorted they are not
 * rewritten: only their key columns are read, their key runs written beside them, and the manifest
 * relists them. When it also has unsorted files it is merged now, as any other due partition (every
 * output of a merge has its key runs), though it may have fewer than {@code minFiles} files.
 *
 * <p><b>How, in bounded memory.</b> Each unsorted input (at most the archiver's
 * {@code maxRowsPerFile} rows) is sorted in memory and written as a hidden sorted run; then the
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

    private final int minFiles;
    private final long maxRowsPerOutput;

    Compactor(int minFiles, long maxRowsPerOutput) {
        this.minFiles = minFiles;
        this.maxRowsPerOutput = maxRowsPerOutput;
    }

    /** The date partitions ({@code date=YYYY-MM-DD}) of a manifest that are due, in date order. */
    List<String> due(Manifest manifest, LocalDate today) {
        Map<String, List<Manifest.Entry>> byPartition = byPartition(manifest);
        List<String> due = new ArrayList<>();
        String todayPartition = SourceArchive.partitionOf(today);
        String yesterdayPartition = SourceArchive.partitionOf(today.minusDays(1));
        byPartition.forEach((partition, files) -> {
            // the sorted files of a partition are always one compaction's outputs, in order: only new files (or missing
            // key runs) make it due
            long unsorted = files.stream().filter(f -> !f.sorted()).count();
            boolean compacted = unsorted < files.size();
            boolean withoutKeyRuns = files.stream().anyMatch(f -> f.sorted() && !f.keyRuns());
            boolean past = partition.compareTo(todayPartition) < 0;
            boolean beforeYesterday = partition.compareTo(yesterdayPartition) < 0;
            if (unsorted > 0 && (unsorted >= minFiles || past && !compacted || beforeYesterday) || withoutKeyRuns) {
                due.add(partition);
            }
        });
        return due;
    }

    private static Map<String, List<Manifest.Entry>> byPartition(Manifest manifest) {
        Map<String, List<Manifest.Entry>> out = new LinkedHashMap<>();
        for (Manifest.Entry e : manifest.files()) {
            out.computeIfAbsent(e.partition(), k -> new ArrayList<>()).add(e);
        }
        return out;
    }

    /**
     * Compacts one date partition of an archive.
     *
     * @throws java.io.UncheckedIOException when a file cannot be read or written (nothing is committed then)
     */
    void compact(SourceArchive archive, RowFiles files, String partition) {
        List<Manifest.Entry> inputs = byPartition(archive.manifest()).getOrDefault(partition, List.of());
        if (inputs.isEmpty()) {
            return;
        }
        if (inputs.stream().allMatch(Manifest.Entry::sorted)) {
            addKeyRuns(archive, files, partition, inputs);
            return;
        }
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
            log.info("archive of source '{}': compacted {} ({} files, {} rows) into {} sorted files", archive.source(), partition,
                    inputs.size(), in, outputs.size());
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
