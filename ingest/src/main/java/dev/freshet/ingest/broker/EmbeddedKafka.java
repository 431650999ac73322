package dev.freshet.ingest.broker;

import dev.freshet.core.config.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one) running inside this JVM, for
 * development, demos and tests. It listens on {@code 127.0.0.1} only, with a plain-text listener
 * that any Kafka client can use, and keeps its data in a directory of its own, so that a restart
 * on the same directory keeps topics, records and committed consumer-group offsets.
 *
 * <p>It is configured for one node: internal topics have one replica, topics are never created
 * automatically, and transactions (Kafka Streams exactly-once) work.
 *
 * <p>Thread-safe. {@link #close()} stops the broker cleanly; after it, {@link #bootstrapServers()}
 * and {@link #port()} throw {@link IllegalStateException}.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final KafkaRaftServer server;
    private final BrokerDirectory directory;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(KafkaRaftServer server, BrokerDirectory directory, int port) {
        this.server = server;
        this.directory = directory;
        this.port = port;
    }

    /** Starts a broker with the {@code kafka.embedded} settings of {@code freshet.yaml}; see {@link #start(int, Path)}. */
    public static EmbeddedKafka start(KafkaConfig.Embedded settings) {
        Objects.requireNonNull(settings, "settings");
        return start(settings.port(), settings.dataDir());
    }

    /**
     * Starts a broker and returns once it accepts clients (about 2 s).
     *
     * @param port    the port on 127.0.0.1 for clients; 0 picks a free one at each start
     * @param dataDir where the broker keeps its data; created when missing, formatted when new, and
     *                refused when it holds anything else
     * @throws dev.freshet.core.error.TransientException when the port or the data directory is in use
     * @throws dev.freshet.core.error.InvalidInputException when the data directory cannot be used
     * @throws dev.freshet.core.error.FreshetException when Kafka fails to start for another reason
     */
    public static EmbeddedKafka start(int port, Path dataDir) {
        Objects.requireNonNull(dataDir, "dataDir");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 (any free port) to 65535, not " + port);
        }
        long startNanos = System.nanoTime();
        if (port != 0) {
            Ports.requireFree(port);
        }
        BrokerDirectory directory = BrokerDirectory.open(dataDir);
        try {
            directory.formatIfNeeded(BrokerSettings.NODE_ID, BrokerSettings.CONTROLLER_LISTENER);
            int brokerPort = port == 0 ? Ports.pickFree() : port;
            Map<String, String> settings = BrokerSettings.of(brokerPort, Ports.pickFree(), directory.logDir());
            KafkaRaftServer server = new KafkaRaftServer(new kafka.server.KafkaConfig(settings, false), Time.SYSTEM);
            try {
                server.startup();
            } catch (RuntimeException e) {
                stop(server);
                throw StartFailures.fromKafka(brokerPort, directory.root(), e);
            }
            EmbeddedKafka broker = new EmbeddedKafka(server, directory, brokerPort);
            log.info("embedded Kafka broker on {}, data in {}, started in {} s", broker.bootstrapServers(),
                    directory.root(), String.format(Locale.ROOT, "%.1f", (System.nanoTime() - startNanos) / 1e9));
            return broker;
        } catch (RuntimeException | Error e) {
            directory.close();
            throw e;
        }
    }

    /** {@code 127.0.0.1:<port>}, for the {@code bootstrap.servers} of clients. */
    public String bootstrapServers() {
        return Ports.HOST + ":" + port();
    }

    /** The port clients connect to on 127.0.0.1. */
    public int port() {
        if (closed.get()) {
            throw new IllegalStateException("the embedded Kafka broker on " + Ports.HOST + ":" + port
                    + " (data in " + directory.root() + ") is closed");
        }
        return port;
    }

    /** The data directory, as an absolute path (also after {@link #close()}). */
    public Path dataDir() {
        return directory.root();
    }

    /** Stops the broker cleanly and waits until it has stopped. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            stop(server);
        } finally {
            directory.close();
        }
        log.debug("embedded Kafka broker on {}:{} stopped", Ports.HOST, port);
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + Ports.HOST + ":" + port + ", " + directory.root() + (closed.get() ? ", closed]" : "]");
    }

    private static void stop(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }
}
