package dev.freshet.online;

import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.config.OnlineStoreConfig;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.error.TransientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDBException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract on RocksDB in a temporary directory, and what only an embedded store can get wrong. */
class RocksDbOnlineStoreTest extends OnlineStoreContract {

    @TempDir
    Path dir;

    @Override
    OnlineStoreConfig storeConfig() {
        // a directory that does not exist yet: open creates it
        return new OnlineStoreConfig.RocksDb(dir.resolve("data").resolve("online"));
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefusedAsTransient() {
        Path path = dir.resolve("data").resolve("online").toAbsolutePath().normalize();
        assertThatThrownBy(() -> OnlineStore.open(config))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("another Freshet is probably running on it");
        // the refused open released what it had opened: the first store still works
        assertThat(store.offsets()).isEmpty();
    }

    @Test
    void aDatabaseOfAnotherLayoutVersionIsRefused() throws Exception {
        store.close();
        Path path = dir.resolve("data").resolve("online");
        try (RocksDbDatabase database = RocksDbDatabase.open(path)) {
            database.db.put(database.meta, RocksDbKeys.FORMAT_KEY, "2".getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> OnlineStore.open(config))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("layout version '2'")
                .hasMessageContaining(path.toAbsolutePath().toString());
    }

    @Test
    void anUnreadableStoredTileFailsItsReadAndIsReplacedOrRemovedByWrites() {
        store.close();
        TileKey a = TileFixtures.key("activity", "u1", TileFixtures.T0);
        TileKey b = TileFixtures.key("activity", "u2", TileFixtures.T0);
        try (RocksDbDatabase database = RocksDbDatabase.open(dir.resolve("data").resolve("online"))) {
            database.db.put(database.tiles, RocksDbKeys.tileKey(a), new byte[]{1, 2});
            database.db.put(database.tiles, RocksDbKeys.tileKey(b), new byte[]{1, 2});
        } catch (RocksDBException e) {
            throw new AssertionError(e);
        }
        store = OnlineStore.open(config);
        assertThatThrownBy(() -> get("activity", "u1", TileFixtures.T0))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining(a.toString());

        Tile good = fx.tile("activity", "u1", TileFixtures.T0 + 5);
        store.putTiles(fx.put(TileBatch.builder(), "activity", "u1", good).remove(b).build());
        assertSameTiles("activity", get("activity", "u1", TileFixtures.T0).tiles(), good);
        assertThat(get("activity", "u2", TileFixtures.T0).isKnown()).isFalse();
    }

    @Test
    void aPathThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "not a directory");
        assertThatThrownBy(() -> OnlineStore.open(fx.config(new OnlineStoreConfig.RocksDb(file))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("online_store.path");
    }
}
