package dev.freshet.core.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/** Where tiles are served from: an embedded RocksDB directory or a shared Redis. */
public sealed interface OnlineStoreConfig {

    Path DEFAULT_ROCKSDB_PATH = Path.of("data", "online");

    static OnlineStoreConfig defaults() {
        return new RocksDb(DEFAULT_ROCKSDB_PATH);
    }

    /** {@code {type: rocksdb, path: ./data/online}}: embedded, the default. */
    record RocksDb(Path path) implements OnlineStoreConfig {
        public RocksDb {
            Objects.requireNonNull(path, "path");
        }
    }

    /** {@code {type: redis, uri: redis://host:6379}}: shared by every Freshet instance. */
    record Redis(URI uri) implements OnlineStoreConfig {
        public Redis {
            Objects.requireNonNull(uri, "uri");
        }
    }
}
