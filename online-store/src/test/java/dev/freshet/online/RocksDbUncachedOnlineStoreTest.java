package dev.freshet.online;

import dev.freshet.core.config.OnlineStoreConfig;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The contract on RocksDB without caches ({@code cache_tiles: 0, cache_values: 0}): every read goes to the database. */
class RocksDbUncachedOnlineStoreTest extends OnlineStoreContract {

    @TempDir
    Path dir;

    @Override
    OnlineStoreConfig storeConfig() {
        return new OnlineStoreConfig.RocksDb(dir.resolve("online"), 0, 0);
    }
}
