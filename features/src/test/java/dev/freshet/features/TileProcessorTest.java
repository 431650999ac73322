package dev.freshet.features;

import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.event.Event;
import dev.freshet.core.event.EventJson;
import dev.freshet.core.testing.RandomEvents;
import dev.freshet.features.testing.FeatureFixtures;
import dev.freshet.ingest.stream.Retention;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tile processor alone, on real RocksDB stores, with commits made by the test: tiles are
 * written to the store only before a commit, and tiles changed and pushed out of the decoded cache
 * between two commits are read back from those not yet written.
 */
class TileProcessorTest {

    private static final long T = 1_795_000_000_000L;
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path stateDir;

    private final FreshetConfig config = FeatureFixtures.config();
    private final Definitions defs = config.definitions();
    private final FeatureView activity = defs.featureView("activity").orElseThrow();
    private final ViewAggregator agg = ViewAggregator.of(defs, activity);
    private final EventJson json = EventJson.of(defs, defs.source("clicks").orElseThrow());
    private final ViewStores names = ViewStores.of(activity.name(), true);
    private final List<StateStore> opened = new ArrayList<>();
    private MockProcessorContext<byte[], byte[]> context;

    @AfterEach
    void closeStores() {
        opened.forEach(StateStore::close);
    }

    /** A processor on real RocksDB stores (not logged: the mock context has no changelog), with {@code cacheSize} decoded tiles. */
    private TileProcessor start(int cacheSize) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tile-processor-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        context = new MockProcessorContext<>(props, new TaskId(0, 0), stateDir.toFile());
        for (StoreBuilder<?> builder : names.builders()) {
            StateStore store = builder.withLoggingDisabled().withCachingDisabled().build(); // the mock context can do neither
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
            opened.add(store);
        }
        TileProcessor processor = new TileProcessor(agg, json, Retention.of(activity, config.streams().grace()), Duration.ofMillis(25),
                new CommitRequests(Duration.ofMillis(100)), names, new FeatureCounters(), cacheSize);
        processor.init(context);
        return processor;
    }

    @Test
    void tilesReachTheStoreAtEachCommitWithEveryEventBeforeIt() {
        // a cache of one decoded tile: a tile changed again before the next commit is read back from those not yet written
        TileProcessor processor = start(1);
        KeyValueStore<Bytes, byte[]> tiles = context.getStateStore(names.tiles());
        BeforeCommit beforeCommit = context.getStateStore(names.beforeCommit());

        List<Event> stream = new ArrayList<>(new RandomEvents(19, 15, 30).stream(3_000, T - 3_600_000, 3_600_000));
        Collections.shuffle(stream, new Random(3));
        List<Event> sent = new ArrayList<>();
        for (int from = 0; from < stream.size(); from += 1_000) {
            Map<TileKey, String> before = stored(tiles);
            List<Event> chunk = stream.subList(from, from + 1_000);
            for (Event e : chunk) {
                processor.process(new Record<>(e.key().value().getBytes(StandardCharsets.UTF_8), json.encode(e), T));
            }
            sent.addAll(chunk);
            assertThat(stored(tiles).equals(before)).as("nothing written between commits").isTrue();

            beforeCommit.flushCache();

            Map<TileKey, Tile> reference = FeatureFixtures.reference(defs, activity, sent);
            Map<TileKey, String> after = stored(tiles);
            assertThat(after.keySet()).containsExactlyInAnyOrderElementsOf(reference.keySet());
            reference.forEach((key, tile) -> assertThat(after.get(key)).as(key.toString()).isEqualTo(HEX.formatHex(agg.encode(tile))));
        }
    }

    @Test
    void tooManyUnwrittenTilesAreWrittenWithoutWaitingForTheCommit() {
        TileProcessor processor = start(20_000);
        KeyValueStore<Bytes, byte[]> tiles = context.getStateStore(names.tiles());
        // one event per entity: each opens a tile of its own
        for (int i = 0; i <= TileProcessor.MAX_UNWRITTEN; i++) {
            Event e = click("u" + i, T - 60_000);
            processor.process(new Record<>(e.key().value().getBytes(StandardCharsets.UTF_8), json.encode(e), T));
        }
        assertThat(stored(tiles)).as("written without a commit").hasSize(TileProcessor.MAX_UNWRITTEN + 1);
    }

    private static Event click(String user, long ts) {
        return Event.builder(RandomEvents.SCHEMA).key(user).timestamp(ts)
                .set("user_id", user).set("item_id", "i").set("price", 1.0).set("qty", 1L).set("flag", true).set("ts", ts).build();
    }

    /** The store's tiles, encodings in hexadecimal so that maps compare by content. */
    private Map<TileKey, String> stored(KeyValueStore<Bytes, byte[]> tiles) {
        Map<TileKey, String> out = new HashMap<>();
        try (var it = tiles.all()) {
            it.forEachRemaining(kv -> out.put(new TileKey(activity.name(), new EntityKey(TileStoreKey.entity(kv.key)),
                    TileStoreKey.tileStart(kv.key)), HEX.formatHex(kv.value)));
        }
        return out;
    }
}
