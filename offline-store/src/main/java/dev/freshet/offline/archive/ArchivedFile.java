package dev.freshet.offline.archive;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One committed Parquet file of a source's event archive, as its manifest lists it.
 *
 * @param path         the file
 * @param rows         the number of events in it
 * @param minEventTime the earliest event time in it, epoch milliseconds
 * @param maxEventTime the latest event time in it, epoch milliseconds
 * @param sorted       whether its rows are sorted by (entity key, event time, Kafka partition, offset), as
 *                     compaction leaves them; a fresh file from the archiver is in log order
 * @param keyRuns      whether its {@link KeyRuns} lie beside it ({@link KeyRuns#sidecar}): only for sorted files
 */
public record ArchivedFile(Path path, long rows, long minEventTime, long maxEventTime, boolean sorted, boolean keyRuns) {

    public ArchivedFile {
        Objects.requireNonNull(path, "path");
        if (rows < 0) {
            throw new IllegalArgumentException("rows must not be negative, not " + rows);
        }
        if (keyRuns && !sorted) {
            throw new IllegalArgumentException("archived file " + path + " has key runs but is not sorted");
        }
    }

    /** A file without key runs. */
    public ArchivedFile(Path path, long rows, long minEventTime, long maxEventTime, boolean sorted) {
        this(path, rows, minEventTime, maxEventTime, sorted, false);
    }
}
