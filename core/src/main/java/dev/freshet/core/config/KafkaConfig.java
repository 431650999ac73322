package dev.freshet.core.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where Kafka is. With no {@code bootstrap_servers}, Freshet starts an embedded single-node broker
 * on {@code embedded.port} keeping its data in {@code embedded.data_dir}.
 *
 * @param bootstrapServers the brokers of an external cluster, or null for the embedded broker
 * @param embedded         the embedded broker's settings (used only when bootstrapServers is null)
 */
public record KafkaConfig(String bootstrapServers, Embedded embedded) {

    public static final int DEFAULT_PORT = 9092;
    public static final Path DEFAULT_DATA_DIR = Path.of("data", "kafka");

    public KafkaConfig {
        Objects.requireNonNull(embedded, "embedded");
    }

    /** The embedded broker on its default port and data directory. */
    public static KafkaConfig defaults() {
        return new KafkaConfig(null, new Embedded(DEFAULT_PORT, DEFAULT_DATA_DIR));
    }

    public boolean isEmbedded() {
        return bootstrapServers == null;
    }

    /** The embedded broker: its port on 127.0.0.1 and its data directory. */
    public record Embedded(int port, Path dataDir) {
        public Embedded {
            Objects.requireNonNull(dataDir, "dataDir");
        }
    }
}
