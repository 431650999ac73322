package dev.freshet.features;

import dev.freshet.core.aggregate.FeatureValue;
import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.event.Event;
import dev.freshet.core.event.EventJson;
import dev.freshet.core.testing.RandomEvents;
import dev.freshet.features.testing.FeatureFixtures;
import dev.freshet.ingest.stream.IngestCounters;
import dev.freshet.ingest.topic.Topics;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The features topology without a broker: tiles per entity and view, published once per commit interval. */
class FeaturesTopologyTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private static final long T = NOW.toEpochMilli();
    private static final Duration INTERVAL = Duration.ofMillis(100);

    @TempDir
    Path stateDir;

    private final FreshetConfig config = FeatureFixtures.config();
    private final Definitions defs = config.definitions();
    private final FeatureView activity = defs.featureView("activity").orElseThrow();
    private final FeatureView items = defs.featureView("item_popularity").orElseThrow();
    private final ViewAggregator agg = ViewAggregator.of(defs, activity);
    private final EventJson json = EventJson.of(defs, defs.source("clicks").orElseThrow());

    private FeatureCounters counters;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> events;
    private TestOutputTopic<byte[], byte[]> activityTiles;
    private TestOutputTopic<byte[], byte[]> itemTiles;

    @BeforeEach
    void start() {
        counters = new FeatureCounters();
        FreshetConfig local = config.withStreams(config.streams().withStateDir(stateDir));
        driver = new TopologyTestDriver(Pipeline.topology(local, new IngestCounters(), counters),
                Pipeline.properties(local, "unused:9092"), NOW);
        events = driver.createInputTopic(Topics.events("clicks"), new ByteArraySerializer(), new ByteArraySerializer());
        activityTiles = driver.createOutputTopic(Topics.tiles("activity"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        itemTiles = driver.createOutputTopic(Topics.tiles("item_popularity"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void send(List<Event> stream) {
        for (Event e : stream) {
            events.pipeInput(e.key().value().getBytes(StandardCharsets.UTF_8), json.encode(e), T);
        }
    }

    private void publish() {
        driver.advanceWallClockTime(INTERVAL);
    }

    private static List<Map.Entry<byte[], byte[]>> read(TestOutputTopic<byte[], byte[]> topic) {
        List<Map.Entry<byte[], byte[]>> out = new ArrayList<>();
        for (KeyValue<byte[], byte[]> kv : topic.readKeyValuesToList()) {
            out.add(new java.util.AbstractMap.SimpleEntry<>(kv.key, kv.value));
        }
        return out;
    }

    private static Event click(String user, String item, double price, long ts) {
        return Event.builder(RandomEvents.SCHEMA).key(user).timestamp(ts)
                .set("user_id", user).set("item_id", item).set("price", price).set("qty", 1L).set("flag", true).set("ts", ts).build();
    }

    @Test
    void eachChangedTileIsPublishedOncePerInterval() {
        List<Event> stream = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            stream.add(click("u1", "i" + i, i, T - 50_000 + i));
        }
        for (int i = 0; i < 3; i++) {
            stream.add(click("u2", "i1", 2.5, T - 200_000 + i));
        }
        send(stream);
        assertThat(activityTiles.isEmpty()).as("nothing before the interval ends").isTrue();

        publish();

        Map<TileKey, byte[]> published = FeatureFixtures.latest(read(activityTiles));
        Map<TileKey, Tile> reference = FeatureFixtures.reference(defs, activity, stream);
        assertThat(published.keySet()).containsExactlyInAnyOrderElementsOf(reference.keySet());
        reference.forEach((key, tile) -> assertThat(published.get(key)).as(key.toString()).isEqualTo(agg.encode(tile)));
        assertThat(agg.decode(published.get(new TileKey("activity", new dev.freshet.core.event.EntityKey("u1"), agg.tileStart(T - 50_000))))
                .version()).isEqualTo(10);

        publish();
        assertThat(activityTiles.isEmpty()).as("nothing changed, nothing published").isTrue();
        assertThat(counters.get("activity", FeatureCounters.Kind.APPLIED)).isEqualTo(13);
        assertThat(counters.get("activity", FeatureCounters.Kind.PUBLISHED)).isEqualTo(2);
    }

    @Test
    void aLateEventUpdatesAndRepublishesItsTile() {
        List<Event> stream = new ArrayList<>(List.of(click("u1", "a", 1, T - 3_600_000), click("u1", "b", 2, T)));
        send(stream);
        publish();
        read(activityTiles);

        Event late = click("u1", "c", 4, T - 3_600_000 + 10);
        send(List.of(late));
        publish();
        stream.add(late);

        List<Map.Entry<byte[], byte[]>> again = read(activityTiles);
        assertThat(again).hasSize(1);
        TileKey key = TileKey.parse(again.get(0).getKey());
        assertThat(key.tileStart()).isEqualTo(agg.tileStart(T - 3_600_000));
        assertThat(again.get(0).getValue()).isEqualTo(agg.encode(FeatureFixtures.reference(defs, activity, stream).get(key)));
        assertThat(agg.decode(again.get(0).getValue()).version()).isEqualTo(2);
    }

    @Test
    void randomStreamsGiveTheReferenceTilesForEveryView() {
        List<Event> stream = new RandomEvents(11, 30, 40).stream(3_000, T - 3_600_000, 3_600_000);
        send(stream);
        publish();

        Map<TileKey, byte[]> published = FeatureFixtures.latest(read(activityTiles));
        Map<TileKey, Tile> reference = FeatureFixtures.reference(defs, activity, stream);
        assertThat(published).hasSameSizeAs(reference);
        reference.forEach((key, tile) -> assertThat(published.get(key)).as(key.toString()).isEqualTo(agg.encode(tile)));

        ViewAggregator itemAgg = ViewAggregator.of(defs, items);
        Map<TileKey, byte[]> itemPublished = FeatureFixtures.latest(read(itemTiles));
        Map<TileKey, Tile> itemReference = FeatureFixtures.reference(defs, items, stream);
        assertThat(itemPublished).hasSameSizeAs(itemReference);
        itemReference.forEach((key, tile) -> assertThat(itemPublished.get(key)).as(key.toString()).isEqualTo(itemAgg.encode(tile)));
    }

    @Test
    void tilesReadBackFromTheStoreGiveTheReferenceTiles() {
        // a cache of one decoded tile: nearly every event's tile is read back from RocksDB, or known not to be there
        driver.close();
        FreshetConfig local = config.withStreams(config.streams().withStateDir(stateDir.resolve("small-cache")));
        StreamsBuilder builder = new StreamsBuilder();
        FeaturesTopology.addTo(builder, local, counters, 1);
        driver = new TopologyTestDriver(builder.build(), Pipeline.properties(local, "unused:9092"), NOW);
        events = driver.createInputTopic(Topics.events("clicks"), new ByteArraySerializer(), new ByteArraySerializer());
        activityTiles = driver.createOutputTopic(Topics.tiles("activity"), new ByteArrayDeserializer(), new ByteArrayDeserializer());

        // shuffled, so that events go back to tiles both inside and far outside the recent ones tracked in memory
        List<Event> stream = new ArrayList<>(new RandomEvents(13, 20, 40).stream(2_000, T - 3_600_000, 3_600_000));
        Collections.shuffle(stream, new java.util.Random(7));
        send(stream.subList(0, 1_000));
        publish();
        send(stream.subList(1_000, stream.size()));
        publish();

        Map<TileKey, byte[]> published = FeatureFixtures.latest(read(activityTiles));
        Map<TileKey, Tile> reference = FeatureFixtures.reference(defs, activity, stream);
        assertThat(published).hasSameSizeAs(reference);
        // the reference adds the events in the order sent, as the processor does: the encodings are equal
        reference.forEach((key, tile) -> assertThat(published.get(key)).as(key.toString()).isEqualTo(agg.encode(tile)));
        assertThat(counters.get("activity", FeatureCounters.Kind.APPLIED)).isEqualTo(stream.size());
    }

    @Test
    void aCommitWritesTheChangedTilesToTheStore() {
        // tiles are written once per commit, just before it (BeforeCommit): the test driver commits after each record
        List<Event> stream = new RandomEvents(17, 10, 20).stream(200, T - 600_000, 600_000);
        send(stream);

        Map<TileKey, Tile> reference = FeatureFixtures.reference(defs, activity, stream);
        Map<TileKey, byte[]> stored = new java.util.HashMap<>();
        try (var it = driver.<org.apache.kafka.common.utils.Bytes, byte[]>getKeyValueStore(ViewStores.of("activity", true).tiles()).all()) {
            it.forEachRemaining(kv -> stored.put(new TileKey("activity", new dev.freshet.core.event.EntityKey(TileStoreKey.entity(kv.key)),
                    TileStoreKey.tileStart(kv.key)), kv.value));
        }
        assertThat(stored).hasSameSizeAs(reference);
        reference.forEach((key, tile) -> assertThat(stored.get(key)).as(key.toString()).isEqualTo(agg.encode(tile)));
    }

    @Test
    void outOfOrderEventsGiveTheSameFeaturesAsInOrderEvents() {
        // distinct times (ties of last/first follow the log) and whole prices (double sums are exact in any order)
        SplittableRandom random = new SplittableRandom(5);
        List<Event> inOrder = new ArrayList<>();
        long ts = T - 3_000_000;
        for (int i = 0; i < 600; i++) {
            ts += 1 + random.nextInt(4_000);
            inOrder.add(click("u" + random.nextInt(8), "i" + random.nextInt(30), random.nextInt(100), ts));
        }
        List<Event> shuffled = new ArrayList<>(inOrder);
        Collections.shuffle(shuffled, new java.util.Random(3));

        send(inOrder);
        publish();
        Map<TileKey, byte[]> a = FeatureFixtures.latest(read(activityTiles));
        stop();
        driver = null;
        try {
            java.nio.file.Files.walk(stateDir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        start();
        send(shuffled);
        publish();
        Map<TileKey, byte[]> b = FeatureFixtures.latest(read(activityTiles));

        assertThat(b.keySet()).containsExactlyInAnyOrderElementsOf(a.keySet());
        for (TileKey key : a.keySet()) {
            Tile ta = agg.decode(a.get(key));
            Tile tb = agg.decode(b.get(key));
            assertThat(tb.version()).isEqualTo(ta.version());
            assertThat(tb.latestEventTime()).isEqualTo(ta.latestEventTime());
            long end = key.tileStart() + agg.tileMillis();
            List<FeatureValue> va = agg.evaluateAll(List.of(ta), end);
            List<FeatureValue> vb = agg.evaluateAll(List.of(tb), end);
            for (int f = 0; f < va.size(); f++) {
                Object x = va.get(f).value();
                Object y = vb.get(f).value();
                if (x instanceof Double dx && y instanceof Double dy) {
                    assertThat(dy).as(key + " " + activity.features().get(f).name()).isCloseTo(dx, within(1e-9));
                } else {
                    assertThat(y).as(key + " " + activity.features().get(f).name()).isEqualTo(x);
                }
            }
        }
    }

    @Test
    void closedTilesFoldIntoTheLifetimePrefixAndLeaveTheTopic() {
        long retention = Duration.ofMinutes(70).toMillis(); // longest window 1h + grace 10m
        long t0 = T - 5 * 3_600_000L;
        List<Event> old = List.of(click("u1", "a", 1, t0), click("u1", "b", 2, t0 + 1), click("u1", "c", 3, t0 + 60_000));
        send(old);
        publish();
        Map<TileKey, byte[]> before = FeatureFixtures.latest(read(activityTiles));
        assertThat(before).hasSize(2);

        long later = t0 + retention + 2 * 60_000;
        send(List.of(click("u1", "d", 4, later)));
        publish();

        List<Map.Entry<byte[], byte[]>> out = read(activityTiles);
        // the new tile, then the prefix, then one deletion per closed tile
        assertThat(out).extracting(e -> TileKey.parse(e.getKey()).toString()).containsExactly(
                "activity|" + agg.tileStart(later) + "|u1",
                "activity|lifetime|u1",
                "activity|" + agg.tileStart(t0) + "|u1",
                "activity|" + agg.tileStart(t0 + 60_000) + "|u1");
        assertThat(out.get(2).getValue()).isNull();
        assertThat(out.get(3).getValue()).isNull();
        Tile prefix = agg.decode(out.get(1).getValue());
        assertThat(prefix.version()).isEqualTo(3);
        assertThat(prefix.start()).isEqualTo(agg.tileStart(t0 + 60_000));

        // lifetime count = prefix + the tiles after it; windowed features never reach the prefix
        Tile head = agg.decode(out.get(0).getValue());
        List<FeatureValue> values = agg.evaluateAll(List.of(prefix, head), later + 1);
        assertThat(values.get(agg.featureIndex("n_total")).value()).isEqualTo(4L);
        assertThat(values.get(agg.featureIndex("n_5m")).value()).isEqualTo(1L);
        assertThat(counters.get("activity", FeatureCounters.Kind.EXPIRED)).isEqualTo(2);

        // an event for a closed tile is skipped and counted
        send(List.of(click("u1", "e", 5, t0 + 5)));
        publish();
        assertThat(activityTiles.isEmpty()).isTrue();
        assertThat(counters.get("activity", FeatureCounters.Kind.LATE)).isEqualTo(1);

        // later closings fold into the same prefix
        send(List.of(click("u1", "f", 6, later + retention + 60_000)));
        publish();
        Map<TileKey, byte[]> last = FeatureFixtures.latest(read(activityTiles));
        Tile prefix2 = agg.decode(last.get(TileKey.lifetime("activity", new dev.freshet.core.event.EntityKey("u1"))));
        assertThat(prefix2.version()).isEqualTo(4);
        assertThat(prefix2.start()).isEqualTo(agg.tileStart(later));
    }

    @Test
    void tileRecordsArePartitionedByEntityLikeTheEvents() {
        FeaturesTopology.ByEntity partitioner = new FeaturesTopology.ByEntity();
        for (String entity : List.of("u1", "user|with|bars", "ünïcödé", "")) {
            byte[] key = new TileKey("activity", new dev.freshet.core.event.EntityKey(entity), 60_000).toBytes();
            int expected = Utils.toPositive(Utils.murmur2(entity.getBytes(StandardCharsets.UTF_8))) % 12;
            assertThat(partitioner.partitions("t", key, null, 12)).hasValue(java.util.Set.of(expected));
            assertThat(partitioner.partitions("t", TileKey.lifetime("activity", new dev.freshet.core.event.EntityKey(entity)).toBytes(), null, 12))
                    .hasValue(java.util.Set.of(expected));
        }
    }
}
