package dev.freshet.core.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Where Kafka is, and how the topics Freshet creates are laid out. With no
 * {@code bootstrap_servers}, Freshet starts an embedded single-node broker on {@code embedded.port}
 * keeping its data in {@code embedded.data_dir}.
 *
 * @param bootstrapServers  the brokers of an external cluster, or null for the embedded broker
 * @param embedded          the embedded broker's settings (used only when bootstrapServers is null)
 * @param partitions        the partition count of the topics Freshet creates (topics that exist are left as they are)
 * @param replicationFactor the replication factor of the topics Freshet creates; 0 for the broker's
 *                          default ({@code default.replication.factor}); the embedded broker always uses 1
 */
public record KafkaConfig(String bootstrapServers, Embedded embedded, int partitions, int replicationFactor) {

    public static final int DEFAULT_PORT = 9092;
    public static final Path DEFAULT_DATA_DIR = Path.of("data", "kafka");
    public static final int DEFAULT_PARTITIONS = 4;

    public KafkaConfig {
        Objects.requireNonNull(embedded, "embedded");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be positive, not " + partitions);
        }
        if (replicationFactor < 0) {
            throw new IllegalArgumentException("replicationFactor must be 0 (broker default) or positive, not " + replicationFactor);
        }
    }

    /** An external cluster or the embedded broker, with the default partitions and replication. */
    public KafkaConfig(String bootstrapServers, Embedded embedded) {
        this(bootstrapServers, embedded, DEFAULT_PARTITIONS, 0);
    }

    /** The embedded broker on its default port and data directory. */
    public static KafkaConfig defaults() {
        return new KafkaConfig(null, new Embedded(DEFAULT_PORT, DEFAULT_DATA_DIR));
    }

    public boolean isEmbedded() {
        return bootstrapServers == null;
    }

    /** The replication factor to create topics with; empty for the broker's default. */
    public OptionalInt topicReplicationFactor() {
        if (isEmbedded()) {
            return OptionalInt.of(1);
        }
        return replicationFactor == 0 ? OptionalInt.empty() : OptionalInt.of(replicationFactor);
    }

    /** The embedded broker: its port on 127.0.0.1 (0 picks a free one) and its data directory. */
    public record Embedded(int port, Path dataDir) {
        public Embedded {
            Objects.requireNonNull(dataDir, "dataDir");
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0 (any free port) to 65535, not " + port);
            }
        }
    }
}
