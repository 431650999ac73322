package dev.freshet.features;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The state stores of one feature view, named after the view so that adding or removing another
 * view never renames them (their changelog topics are {@code <application id>-<store>-changelog}).
 */
record ViewStores(String tiles, String dirty, String lifetime, String streamTime, boolean hasLifetime) {

    static ViewStores of(String view, boolean hasLifetime) {
        return new ViewStores("features." + view + ".tiles", "features." + view + ".dirty",
                "features." + view + ".lifetime", "features." + view + ".stream-time", hasLifetime);
    }

    /**
     * Tiles and lifetime prefixes in RocksDB, cached so that a hot tile reaches RocksDB and its
     * changelog once per commit; dirty markers and stream time are small and live in memory,
     * restored from their changelogs.
     */
    Set<StoreBuilder<?>> builders() {
        Set<StoreBuilder<?>> b = new LinkedHashSet<>();
        b.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(tiles), Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled());
        b.add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(dirty), Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled());
        b.add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(streamTime), Serdes.String(), Serdes.Long()).withCachingEnabled());
        if (hasLifetime) {
            b.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(lifetime), Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled());
        }
        return b;
    }
}
