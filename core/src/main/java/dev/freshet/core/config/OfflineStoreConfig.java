package dev.freshet.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The offline store: where the Parquet event archive lives, how often the archiver commits, and
 * where the Arrow Flight server that streams training sets listens.
 *
 * @param path          the archive's root: events under {@code <path>/events/<source>/date=YYYY-MM-DD/}
 * @param flushInterval how often the archiver commits what it has read (a Parquet file per date and a
 *                      manifest): how old the newest archived event may be; shorter makes more, smaller
 *                      files (compaction merges them)
 * @param flightHost    the address the Flight server binds
 * @param flightPort    the Flight server's TCP port, 0 for any free one
 * @param flightSpineDirs the directories the Flight server reads spines from (a request naming a spine
 *                      elsewhere is refused); empty: any path the server's process can read
 */
public record OfflineStoreConfig(Path path, Duration flushInterval, String flightHost, int flightPort, List<Path> flightSpineDirs) {

    public static final Path DEFAULT_PATH = Path.of("data", "offline");
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(30);
    public static final String DEFAULT_FLIGHT_HOST = "127.0.0.1";
    /** The port of Arrow's own Flight examples. */
    public static final int DEFAULT_FLIGHT_PORT = 8815;

    public OfflineStoreConfig {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(flushInterval, "flushInterval");
        Objects.requireNonNull(flightHost, "flightHost");
        flightSpineDirs = List.copyOf(flightSpineDirs);
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("offline_store flush_interval must be positive, not " + flushInterval);
        }
        if (flightPort < 0 || flightPort > 65_535) {
            throw new IllegalArgumentException("offline_store flight port " + flightPort + " is not in 0..65535");
        }
    }

    public OfflineStoreConfig(Path path, Duration flushInterval, String flightHost, int flightPort) {
        this(path, flushInterval, flightHost, flightPort, List.of());
    }

    public OfflineStoreConfig(Path path) {
        this(path, DEFAULT_FLUSH_INTERVAL, DEFAULT_FLIGHT_HOST, DEFAULT_FLIGHT_PORT);
    }

    public static OfflineStoreConfig defaults() {
        return new OfflineStoreConfig(DEFAULT_PATH);
    }

    /** The same settings with the Flight server on another port (tests use 0). */
    public OfflineStoreConfig withFlightPort(int port) {
        return new OfflineStoreConfig(path, flushInterval, flightHost, port, flightSpineDirs);
    }
}
