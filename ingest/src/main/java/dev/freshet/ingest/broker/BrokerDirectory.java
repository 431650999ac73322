package dev.freshet.ingest.broker;

import dev.freshet.core.lock.FileLockHandle;

import dev.freshet.core.error.FreshetException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The embedded broker's data directory, locked while a broker uses it:
 * <pre>
 * dataDir/
 *   freshet-broker.properties   marks the directory as Freshet's: format version and cluster id
 *   freshet-broker.lock         locked while a broker runs on the directory
 *   logs/                       Kafka's log directory, also holding the metadata log
 * </pre>
 * Kafka keeps everything that must survive a restart (topics, records, committed offsets) under
 * {@code logs/}. The marker is what lets a start refuse a directory that holds something else.
 */
final class BrokerDirectory implements AutoCloseable {

    static final String MARKER = "freshet-broker.properties";
    static final String LOCK = "freshet-broker.lock";
    static final String LOGS = "logs";

    private static final int FORMAT_VERSION = 1;
    private static final String META_PROPERTIES = "meta.properties";

    private final Path root;
    private final String clusterId;
    private final FileLockHandle lock;

    private BrokerDirectory(Path root, String clusterId, FileLockHandle lock) {
        this.root = root;
        this.clusterId = clusterId;
        this.lock = lock;
    }

    /**
     * Creates the directory when it does not exist, checks that it is an embedded broker's (or
     * empty), and locks it. Does not format the Kafka log directory: see {@link #formatIfNeeded}.
     *
     * @throws dev.freshet.core.error.InvalidInputException when the path cannot be used: a file, not
     *         creatable or writable, holding other data, or written by a newer Freshet
     * @throws dev.freshet.core.error.TransientException when another broker is using it
     */
    static BrokerDirectory open(Path dataDir) {
        Path root = dataDir.toAbsolutePath().normalize();
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw StartFailures.badDirectory(root, "is a file, not a directory (change kafka.embedded.data_dir)");
        }
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw StartFailures.badDirectory(root, "cannot be created (" + e + "); check the permissions of its "
                    + "parent, or change kafka.embedded.data_dir", e);
        }
        Path marker = root.resolve(MARKER);
        if (!Files.exists(marker)) {
            if (!isEmpty(root)) {
                throw StartFailures.badDirectory(root, "is not empty and has no " + MARKER + ", so it holds "
                        + "something other than an embedded broker's data; change kafka.embedded.data_dir to a new "
                        + "or empty directory");
            }
            writeMarker(root, Uuid.randomUuid().toString());
        }
        FileLockHandle lock;
        try {
            lock = FileLockHandle.tryAcquire(root.resolve(LOCK)).orElseThrow(() -> StartFailures.directoryInUse(root, null));
        } catch (IOException e) {
            throw unwritable(root, e);
        }
        try {
            return new BrokerDirectory(root, readClusterId(marker), lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    Path root() {
        return root;
    }

    /** Kafka's log directory, which is also its metadata log directory. */
    Path logDir() {
        return root.resolve(LOGS);
    }

    /**
     * Formats Kafka's log directory for a single-node cluster with a static controller quorum
     * ({@code controller.quorum.voters}), unless it is formatted already. A static quorum keeps no
     * controller address in the data, so the controller may listen on another port at each start.
     */
    void formatIfNeeded(int nodeId, String controllerListenerName) {
        Path logDir = logDir();
        if (Files.exists(logDir.resolve(META_PROPERTIES))) {
            return;
        }
        if (Files.exists(logDir) && !isEmpty(logDir)) {
            throw StartFailures.badDirectory(root, "has a " + LOGS + "/ folder that is not a formatted Kafka log "
                    + "directory (no " + META_PROPERTIES + "); delete " + logDir + " to start with no data");
        }
        try {
            Files.createDirectories(logDir);
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setControllerListenerName(controllerListenerName)
                    .setMetadataLogDirectory(logDir.toString())
                    .addDirectory(logDir.toString())
                    .run();
        } catch (IOException e) {
            throw unwritable(root, e);
        } catch (Exception e) {
            throw new FreshetException("cannot format the embedded Kafka broker's log directory " + logDir + ": "
                    + StartFailures.describe(e), e);
        }
    }

    /** Releases the lock. Idempotent. */
    @Override
    public void close() {
        lock.close();
    }

    private static void writeMarker(Path root, String clusterId) {
        Properties properties = new Properties();
        properties.setProperty("format.version", Integer.toString(FORMAT_VERSION));
        properties.setProperty("cluster.id", clusterId);
        Path marker = root.resolve(MARKER);
        Path temp = root.resolve(MARKER + ".tmp");
        try {
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                properties.store(out, "The data of Freshet's embedded Kafka broker. Delete this whole directory to start "
                        + "over with no topics.");
            }
            Files.move(temp, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw unwritable(root, e);
        }
    }

    private static String readClusterId(Path marker) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(marker, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw StartFailures.badDirectory(marker.getParent(), "has an unreadable " + MARKER + " (" + e + ")", e);
        }
        String version = properties.getProperty("format.version", "");
        if (!version.equals(Integer.toString(FORMAT_VERSION))) {
            throw StartFailures.badDirectory(marker.getParent(), "has format.version=" + version + " in " + MARKER
                    + ", but this Freshet reads only " + FORMAT_VERSION + " (written by another Freshet version?)");
        }
        String clusterId = properties.getProperty("cluster.id", "");
        try {
            Uuid.fromString(clusterId);
        } catch (IllegalArgumentException e) {
            throw StartFailures.badDirectory(marker.getParent(), "has cluster.id=" + clusterId + " in " + MARKER
                    + ", which is not a Kafka cluster id", e);
        }
        return clusterId;
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw StartFailures.badDirectory(dir, "cannot be listed (" + e + ")", e);
        }
    }

    private static RuntimeException unwritable(Path root, IOException e) {
        return StartFailures.badDirectory(root, "is not writable (" + e + "); check its permissions, or change "
                + "kafka.embedded.data_dir", e);
    }
}
