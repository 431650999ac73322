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

    /** The default of {@code cache_values}: entities whose computed feature values are kept, some hundred bytes each. */
    long DEFAULT_CACHE_VALUES = 100_000;

    /**
     * {@code {type: rocksdb, path: ./data/online, cache_tiles: 200000, cache_values: 100000}}: embedded, the default.
     *
     * @param cacheTiles  how many decoded tiles of recently read entities to keep in memory (0: none)
     * @param cacheValues of how many recently read entities to keep the computed feature values for lookups in
     *                    the same tile (an entity counts once per view it is read in; 0: none)
     */
    record RocksDb(Path path, long cacheTiles, long cacheValues) implements OnlineStoreConfig {
        public RocksDb {
            Objects.requireNonNull(path, "path");
            if (cacheTiles < 0) {
                throw new IllegalArgumentException("cache_tiles must not be negative, got " + cacheTiles);
            }
            if (cacheValues < 0) {
                throw new IllegalArgumentException("cache_values must not be negative, got " + cacheValues);
            }
        }

        public RocksDb(Path path, long cacheTiles) {
            this(path, cacheTiles, DEFAULT_CACHE_VALUES);
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
