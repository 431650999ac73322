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

    /** The default of {@code cache_tiles}: decoded tiles kept in memory, a few hundred bytes each. */
    long DEFAULT_CACHE_TILES = 200_000;

    /**
     * {@code {type: rocksdb, path: ./data/online, cache_tiles: 200000}}: embedded, the default.
     *
     * @param cacheTiles how many decoded tiles of recently read entities to keep in memory (0: none)
     */
    record RocksDb(Path path, long cacheTiles) implements OnlineStoreConfig {
        public RocksDb {
            Objects.requireNonNull(path, "path");
            if (cacheTiles < 0) {
                throw new IllegalArgumentException("cache_tiles must not be negative, got " + cacheTiles);
            }
        }

        public RocksDb(Path path) {
            this(path, DEFAULT_CACHE_TILES);
        }
    }

    /** {@code {type: redis, uri: redis://host:6379}}: shared by every Freshet instance. */
    record Redis(URI uri) implements OnlineStoreConfig {
        public Redis {
            Objects.requireNonNull(uri, "uri");
        }
    }
}
