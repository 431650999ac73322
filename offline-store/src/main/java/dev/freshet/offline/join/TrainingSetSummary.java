package dev.freshet.offline.join;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What a point-in-time join did.
 *
 * @param spineRows     rows of the spine, and of the training set
 * @param eventsRead    archived events read, over every source joined
 * @param filesRead     archive files read
 * @param minTimestamp  the earliest spine timestamp, epoch milliseconds ({@code Long.MAX_VALUE} for an empty spine)
 * @param maxTimestamp  the latest spine timestamp, epoch milliseconds ({@code Long.MIN_VALUE} for an empty spine)
 * @param spillFiles    run files spilled to disk (0 when everything fit the memory budget); all deleted
 * @param output        the file written, when the join wrote one
 * @param manifest      the manifest written beside it, when the join wrote one
 * @param elapsed       wall-clock time of the whole join
 */
public record TrainingSetSummary(long spineRows, long eventsRead, int filesRead, long minTimestamp, long maxTimestamp,
                                 int spillFiles, Optional<Path> output, Optional<Path> manifest, Duration elapsed) {
}
