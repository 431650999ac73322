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
record ViewStores(String tiles, String pending, String streamTime, String lifetime, String beforeCommit, boolean hasLifetime) {

    static ViewStores of(String view, boolean hasLifetime) {
        return new ViewStores("features." + view + ".tiles", "features." + view + ".pending",
                "features." + view + ".stream-time", "features." + view + ".lifetime", "features." + view + ".before-commit", hasLifetime);
    }

    /**
     * Tiles and lifetime prefixes in RocksDB, the oldest unpublished tile start and stream time in
     * memory; all logged. The tile stores are not cached by Kafka Streams: the processor keeps
     * decoded tiles itself and writes changed tiles once per commit, in key order (see
     * {@link TileProcessor}); Kafka Streams' record cache (a sorted map of byte keys) cost more than
     * it saved when most updates go to different tiles (measured: see BENCHMARKS.md). Stream time's
     * one key is cached: it reaches the changelog once per commit at most. The before-commit store
     * holds nothing: it tells the processor when a commit comes ({@link BeforeCommit}).
     */
    Set<StoreBuilder<?>> builders() {
        Set<StoreBuilder<?>> b = new LinkedHashSet<>();
        b.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(tiles), Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled());
        b.add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(pending), Serdes.String(), Serdes.Long()).withCachingDisabled());
        b.add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(streamTime), Serdes.String(), Serdes.Long()).withCachingEnabled());
        b.add(BeforeCommit.builder(beforeCommit));
        if (hasLifetime) {
            b.add(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(lifetime), Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled());
        }
        return b;
    }
}
