package dev.freshet.online.sink;

import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.event.Event;
import dev.freshet.core.testing.ExampleYaml;
import dev.freshet.ingest.broker.EmbeddedKafka;
import dev.freshet.ingest.topic.TopicAdmin;
import dev.freshet.ingest.topic.TopicSpec;
import dev.freshet.online.EntityTiles;
import dev.freshet.online.OnlineStore;
import dev.freshet.online.TilePartition;
import dev.freshet.online.testing.RedisServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The sink against the embedded broker and a real RocksDB store: what reaches the store, and where it resumes. */
class TileSinkTest {

    private static final long T0 = 1_763_700_000_000L - 1_763_700_000_000L % 60_000;

    @TempDir
    static Path brokerDir;

    private static EmbeddedKafka broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafka.start(0, brokerDir);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private FreshetConfig config(String topicSuffix) {
        String yaml = ExampleYaml.SHOP.replace("project: shop", "project: sink" + topicSuffix)
                .replace("online_store: {type: rocksdb, path: ./data/online}", "online_store: {type: rocksdb, path: " + dir.resolve("online") + "}");
        return FreshetConfig.parse(yaml, "test.yaml");
    }

    /** The example on a Redis store, under a project of its own. */
    private static FreshetConfig onRedis(RedisServer redis, String project) {
        return FreshetConfig.parse(ExampleYaml.SHOP.replace("project: shop", "project: " + project)
                .replace("online_store: {type: rocksdb, path: ./data/online}", "online_store: {type: redis, uri: \"" + redis.uri() + "\"}"),
                "test.yaml");
    }

    private static ViewAggregator aggregator(FreshetConfig config) {
        return ViewAggregator.of(config.definitions(), config.definitions().featureView("user_activity").orElseThrow());
    }

    private static String topic(String name) {
        try (TopicAdmin admin = TopicAdmin.connect(broker.bootstrapServers())) {
            admin.ensure(List.of(new TopicSpec(name, 2, java.util.OptionalInt.of(1), Map.of("cleanup.policy", "compact"), "tiles")));
        }
        return name;
    }

    private static TileSink sink(FreshetConfig config, OnlineStore store, String topic) {
        return TileSink.settings().bootstrapServers(broker.bootstrapServers()).groupId(TileSink.groupId(config.project()))
                .topics(List.of(topic)).store(store)
                .consumerOverride("session.timeout.ms", 6_000).consumerOverride("heartbeat.interval.ms", 500)
                .start();
    }

    private static KafkaProducer<byte[], byte[]> transactional() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-" + UUID.randomUUID());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        return producer;
    }

    private static Tile tile(ViewAggregator a, long start, int clicks) {
        Tile t = a.newTile(start);
        for (int i = 0; i < clicks; i++) {
            a.add(t, Event.builder(FreshetConfig.parse(ExampleYaml.SHOP, "x.yaml").definitions().source("clicks").orElseThrow().schema())
                    .key("u1").timestamp(start + i).set("user_id", "u1").set("item_id", "i" + i).set("price", 1.0 + i).set("ts", start + i).build());
        }
        return t;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, 0, key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void committedTilesReachTheStoreAbortedOnesDoNotAndTombstonesRemove() throws Exception {
        FreshetConfig config = config("a");
        String topic = topic("freshet.tiles.user_activity.a");
        FeatureView view = config.definitions().featureView("user_activity").orElseThrow();
        ViewAggregator a = ViewAggregator.of(config.definitions(), view);
        TileKey k1 = new TileKey("user_activity", EntityKey.of("u1"), T0);
        TileKey k2 = new TileKey("user_activity", EntityKey.of("u1"), T0 + 60_000);
        try (OnlineStore store = OnlineStore.open(config); TileSink sink = sink(config, store, topic);
             KafkaProducer<byte[], byte[]> producer = transactional()) {
            producer.beginTransaction();
            producer.send(record(topic, k1.toString(), a.encode(tile(a, T0, 3))));
            producer.send(record(topic, k2.toString(), a.encode(tile(a, T0 + 60_000, 2))));
            producer.send(record(topic, "not a tile key", new byte[]{1}));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(record(topic, k1.toString(), a.encode(tile(a, T0, 9))));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(record(topic, k2.toString(), null));
            producer.commitTransaction();

            await("the tombstone is applied", () -> sink.tilesRemoved() == 1);
            EntityTiles tiles = store.getTiles("user_activity", List.of(EntityKey.of("u1")), TileKey.LIFETIME).get(0);
            assertThat(tiles.tiles()).hasSize(1);
            assertThat(tiles.tiles().get(0).version()).as("the aborted version 9 is never read").isEqualTo(3);
            assertThat(sink.skippedRecords()).isEqualTo(1);
            assertThat(store.offsets()).containsKey(new TilePartition(topic, 0));
            await("the lag is 0", () -> sink.lag() == 0);
        }
    }

    @Test
    void aWipedStoreRefillsFromTheBeginningAndAKeptOneResumesWhereItWas() throws Exception {
        FreshetConfig config = config("b");
        String topic = topic("freshet.tiles.user_activity.b");
        FeatureView view = config.definitions().featureView("user_activity").orElseThrow();
        ViewAggregator a = ViewAggregator.of(config.definitions(), view);
        TileKey k1 = new TileKey("user_activity", EntityKey.of("u1"), T0);
        try (KafkaProducer<byte[], byte[]> producer = transactional()) {
            producer.beginTransaction();
            producer.send(record(topic, k1.toString(), a.encode(tile(a, T0, 4))));
            producer.commitTransaction();
            try (OnlineStore store = OnlineStore.open(config); TileSink sink = sink(config, store, topic)) {
                await("the tile is written", () -> sink.tilesWritten() == 1);
            }
            // the group has committed its offsets; a kept store resumes after them, so it sees only what is new
            producer.beginTransaction();
            producer.send(record(topic, k1.toString(), a.encode(tile(a, T0, 5))));
            producer.commitTransaction();
            try (OnlineStore store = OnlineStore.open(config); TileSink sink = sink(config, store, topic)) {
                await("the new version is written", () -> sink.tilesWritten() == 1
                        && store.getTiles("user_activity", List.of(EntityKey.of("u1")), T0).get(0).tiles().get(0).version() == 5);
            }
        }
        // a wiped store has no offsets: it reads the compacted topic from the beginning, whatever the group committed
        deleteRecursively(dir.resolve("online"));
        try (OnlineStore store = OnlineStore.open(config); TileSink sink = sink(config, store, topic)) {
            await("the store is refilled", () -> {
                List<Tile> tiles = store.getTiles("user_activity", List.of(EntityKey.of("u1")), T0).get(0).tiles();
                return !tiles.isEmpty() && tiles.get(0).version() == 5;
            });
        }
    }

    /**
     * A store that refuses writes (a real redis-server told to need a replica it does not have) holds the sink back:
     * the lag counts the waiting batch and what follows it, and the error shows, until the store takes writes again.
     */
    @Test
    void whileTheStoreRefusesWritesTheLagGrowsAndTheErrorShows() throws Exception {
        String topic = topic("freshet.tiles.user_activity.c");
        try (RedisServer redis = RedisServer.start()) {
            FreshetConfig config = onRedis(redis, "sinkc");
            ViewAggregator a = aggregator(config);
            try (OnlineStore store = OnlineStore.open(config); TileSink sink = sink(config, store, topic);
                 KafkaProducer<byte[], byte[]> producer = transactional()) {
                producer.beginTransaction();
                producer.send(record(topic, new TileKey("user_activity", EntityKey.of("u1"), T0).toString(), a.encode(tile(a, T0, 1))));
                producer.commitTransaction();
                await("the first tile is written", () -> sink.tilesWritten() == 1 && sink.lag() == 0);

                redis.call("CONFIG", "SET", "min-replicas-to-write", "1");
                producer.beginTransaction();
                for (int i = 1; i <= 3; i++) {
                    producer.send(record(topic, new TileKey("user_activity", EntityKey.of("u" + i), T0 + 60_000).toString(),
                            a.encode(tile(a, T0 + 60_000, i))));
                }
                producer.commitTransaction();
                await("the refused batch counts in the lag", () -> sink.storeError() != null && sink.lag() >= 3);
                assertThat(sink.storeError()).contains("NOREPLICAS");
                assertThat(sink.tilesWritten()).isEqualTo(1);

                redis.call("CONFIG", "SET", "min-replicas-to-write", "0");
                await("the batch is written once the store takes writes", () -> sink.tilesWritten() == 4 && sink.lag() == 0);
                assertThat(sink.storeError()).isNull();
            }
        }
    }

    /**
     * A store that loses its data while the sink runs (here a Redis flushed; a restart without persistence does the
     * same) is refilled from the compacted topic at the next batch, old tiles included.
     */
    @Test
    void aStoreThatLosesItsDataIsRefilledFromTheTopic() throws Exception {
        String topic = topic("freshet.tiles.user_activity.d");
        try (RedisServer redis = RedisServer.start()) {
            FreshetConfig config = onRedis(redis, "sinkd");
            ViewAggregator a = aggregator(config);
            try (OnlineStore store = OnlineStore.open(config); TileSink sink = sink(config, store, topic);
                 KafkaProducer<byte[], byte[]> producer = transactional()) {
                producer.beginTransaction();
                for (int partition = 0; partition < 2; partition++) {
                    producer.send(new ProducerRecord<>(topic, partition, new TileKey("user_activity", EntityKey.of("p" + partition), T0)
                            .toString().getBytes(StandardCharsets.UTF_8), a.encode(tile(a, T0, 2))));
                }
                producer.commitTransaction();
                await("both tiles are written", () -> sink.tilesWritten() == 2);

                redis.call("FLUSHALL");
                assertThat(store.getTiles("user_activity", List.of(EntityKey.of("p1")), TileKey.LIFETIME).get(0).tiles()).isEmpty();
                producer.beginTransaction();
                producer.send(record(topic, new TileKey("user_activity", EntityKey.of("p0"), T0 + 60_000).toString(), a.encode(tile(a, T0 + 60_000, 1))));
                producer.commitTransaction();
                await("the store is refilled, the tile of the other partition included", () -> {
                    List<EntityTiles> tiles = store.getTiles("user_activity", List.of(EntityKey.of("p0"), EntityKey.of("p1")), TileKey.LIFETIME);
                    return tiles.get(0).tiles().size() == 2 && tiles.get(1).tiles().size() == 1;
                });
                assertThat(store.offsets()).containsKeys(new TilePartition(topic, 0), new TilePartition(topic, 1));
            }
        }
    }

    private static void deleteRecursively(Path path) throws java.io.IOException {
        try (var walk = java.nio.file.Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }
}
