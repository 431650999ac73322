package dev.freshet.app.api;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The lookup suite on the embedded RocksDB store (reads on the event loops). */
class RocksDbLookupTest extends LookupContract {

    @TempDir
    Path dir;

    @Override
    String onlineStore() {
        return "{type: rocksdb, path: \"" + dir.resolve("online") + "\"}";
    }
}
