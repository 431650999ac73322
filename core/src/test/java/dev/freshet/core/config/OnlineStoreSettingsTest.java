package dev.freshet.core.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static dev.freshet.core.config.ExampleConfig.problems;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code online_store.cache_tiles}: the RocksDB store's decoded-tile cache. */
class OnlineStoreSettingsTest {

    @Test
    void theCacheHasADefaultAndCanBeSizedOrTurnedOff() {
        assertThat(FreshetConfig.parse("project: shop\nonline_store: {type: rocksdb, path: /x}\n", "f.yaml").onlineStore())
                .isEqualTo(new OnlineStoreConfig.RocksDb(Path.of("/x"), OnlineStoreConfig.DEFAULT_CACHE_TILES));
        assertThat(FreshetConfig.parse("project: shop\nonline_store: {path: /x, cache_tiles: 5000}\n", "f.yaml").onlineStore())
                .isEqualTo(new OnlineStoreConfig.RocksDb(Path.of("/x"), 5_000));
        assertThat(FreshetConfig.parse("project: shop\nonline_store: {path: /x, cache_tiles: 0}\n", "f.yaml").onlineStore())
                .isEqualTo(new OnlineStoreConfig.RocksDb(Path.of("/x"), 0));
    }

    @Test
    void badValuesAreNamed() {
        assertThat(problems("project: shop\nonline_store: {path: /x, cache_tiles: -1}\n"))
                .anySatisfy(p -> assertThat(p).contains("online_store.cache_tiles").contains("out of range"));
        assertThat(problems("project: shop\nonline_store: {type: redis, uri: \"redis://h:6379\", cache_tiles: 10}\n"))
                .anySatisfy(p -> assertThat(p).contains("online_store.cache_tiles").contains("only applies to type rocksdb"));
    }
}
