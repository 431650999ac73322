package dev.freshet.core.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static dev.freshet.core.config.ExampleConfig.problems;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code online_store.cache_tiles} and {@code cache_values}: the RocksDB store's caches of decoded tiles and computed values. */
class OnlineStoreSettingsTest {

    @Test
    void theCacheHasADefaultAndCanBeSizedOrTurnedOff() {
        assertThat(FreshetConfig.parse("project: shop\nonline_store: {type: rocksdb, path: /x}\n", "f.yaml").onlineStore())
                .isEqualTo(new OnlineStoreConfig.RocksDb(Path.of("/x"), OnlineStoreConfig.DEFAULT_CACHE_TILES));
        assertThat(FreshetConfig.parse("project: shop\nonline_store: {path: /x, cache_tiles: 5000}\n", "f.yaml").onlineStore())
                .isEqualTo(new OnlineStoreConfig.RocksDb(Path.of("/x"), 5_000));
        assertThat(FreshetConfig.parse("project: shop\nonline_store: {path: /x, cache_tiles: 0}\n", "f.yaml").onlineStore())
                .isEqualTo(new OnlineStoreConfig.RocksDb(Path.of("/x"), 0));
        assertThat(FreshetConfig.parse("project: shop\nonline_store: {path: /x}\n", "f.yaml").onlineStore())
                .isEqualTo(new OnlineStoreConfig.RocksDb(Path.of("/x"), OnlineStoreConfig.DEFAULT_CACHE_TILES,
                        OnlineStoreConfig.DEFAULT_CACHE_VALUES));
        assertThat(FreshetConfig.parse("project: shop\nonline_store: {path: /x, cache_values: 0}\n", "f.yaml").onlineStore())
                .isEqualTo(new OnlineStoreConfig.RocksDb(Path.of("/x"), OnlineStoreConfig.DEFAULT_CACHE_TILES, 0));
        assertThat(FreshetConfig.parse("project: shop\nonline_store: {path: /x, cache_values: 7}\n", "f.yaml").onlineStore())
                .isEqualTo(new OnlineStoreConfig.RocksDb(Path.of("/x"), OnlineStoreConfig.DEFAULT_CACHE_TILES, 7));
    }

    @Test
    void badValuesAreNamed() {
        assertThat(problems("project: shop\nonline_store: {path: /x, cache_tiles: -1}\n"))
                .anySatisfy(p -> assertThat(p).contains("online_store.cache_tiles").contains("out of range"));
        assertThat(problems("project: shop\nonline_store: {type: redis, uri: \"redis://h:6379\", cache_tiles: 10}\n"))
                .anySatisfy(p -> assertThat(p).contains("online_store.cache_tiles").contains("only applies to type rocksdb"));
        assertThat(problems("project: shop\nonline_store: {path: /x, cache_values: many}\n"))
                .anySatisfy(p -> assertThat(p).contains("online_store.cache_values").contains("is not an integer"));
        assertThat(problems("project: shop\nonline_store: {type: redis, uri: \"redis://h:6379\", cache_values: 10}\n"))
                .anySatisfy(p -> assertThat(p).contains("online_store.cache_values").contains("only applies to type rocksdb"));
    }
}
