package dev.freshet.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the streaming pipeline (ingest and features, on Kafka Streams) runs.
 *
 * @param commitInterval how often results are committed (tiles are published four times per interval): the freshness versus
 *                       throughput trade-off. A shorter interval makes tile updates visible sooner
 *                       (exactly-once output becomes readable at each commit) at the cost of more
 *                       transactions; a longer one coalesces more updates of a hot tile into one record
 * @param threads        stream threads in this process
 * @param stateDir       where the RocksDB state stores live (rebuilt from changelog topics when lost)
 * @param maxClockSkew   events whose time is further ahead of the wall clock go to the dead-letter topic
 * @param grace          how long after its window a tile still accepts late events: a view retains tiles
 *                       for its longest window plus this grace, and events older than that go to the
 *                       dead-letter topic
 */
public record StreamsConfig(Duration commitInterval, int threads, Path stateDir, Duration maxClockSkew, Duration grace) {

    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);
    /**
     * Two: on the 2-core benchmark machine, with the embedded broker in the same process, two stream
     * threads sustained more events per second than one in every paired run and kept a tighter
     * freshness tail (BENCHMARKS.md); each thread takes a share of the tasks and runs its own transactions.
     */
    public static final int DEFAULT_THREADS = 2;
    public static final Path DEFAULT_STATE_DIR = Path.of("data", "streams");
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    public static final Duration DEFAULT_GRACE = Duration.ofHours(1);

    public StreamsConfig {
        Objects.requireNonNull(commitInterval, "commitInterval");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(maxClockSkew, "maxClockSkew");
        Objects.requireNonNull(grace, "grace");
        if (commitInterval.isNegative() || commitInterval.isZero()) {
            throw new IllegalArgumentException("commitInterval must be positive, not " + commitInterval);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive, not " + threads);
        }
        if (maxClockSkew.isNegative() || grace.isNegative()) {
            throw new IllegalArgumentException("maxClockSkew and grace must not be negative");
        }
    }

    public static StreamsConfig defaults() {
        return new StreamsConfig(DEFAULT_COMMIT_INTERVAL, DEFAULT_THREADS, DEFAULT_STATE_DIR, DEFAULT_MAX_CLOCK_SKEW, DEFAULT_GRACE);
    }

    /** The same settings with another state directory (tests run several pipelines side by side). */
    public StreamsConfig withStateDir(Path dir) {
        return new StreamsConfig(commitInterval, threads, dir, maxClockSkew, grace);
    }

    /** The same settings with another commit interval. */
    public StreamsConfig withCommitInterval(Duration interval) {
        return new StreamsConfig(interval, threads, stateDir, maxClockSkew, grace);
    }
}
