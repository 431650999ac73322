package dev.freshet.app.cli;

import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.Source;
import dev.freshet.core.event.Event;
import dev.freshet.core.event.EventJson;
import dev.freshet.ingest.broker.EmbeddedKafka;
import dev.freshet.ingest.topic.TopicAdmin;
import dev.freshet.ingest.topic.Topics;
import dev.freshet.offline.archive.ArchivedFile;
import dev.freshet.offline.archive.EventArchive;
import dev.freshet.offline.arrow.ParquetFiles;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code freshet archive --once} against a broker holding canonical events, then {@code freshet
 * training-set} on what it archived: the values equal the aggregation library's, and bad input
 * gets exit code 1 with a message that says what to fix.
 */
class OfflineCommandsTest {

    private static final long MINUTE = 60_000;
    private static final long T0 = 1_763_700_000_000L / MINUTE * MINUTE;

    @TempDir
    static Path dir;
    static EmbeddedKafka broker;
    static String config;
    static FreshetConfig loaded;
    static List<Event> events = new ArrayList<>();

    @BeforeAll
    static void archiveOnce() {
        broker = EmbeddedKafka.start(0, dir.resolve("kafka"));
        String yaml = Examples.shopAt(broker.bootstrapServers())
                .replace("offline_store: {path: ./data/offline}", "offline_store: {path: \"" + dir.resolve("offline") + "\"}");
        config = Examples.write(dir, "freshet.yaml", yaml);
        loaded = FreshetConfig.parse(yaml, "freshet.yaml");
        try (TopicAdmin admin = TopicAdmin.connect(broker.bootstrapServers())) {
            admin.ensure(Topics.plan(loaded));
        }
        Source clicks = loaded.definitions().source("clicks").orElseThrow();
        EventJson json = EventJson.of(loaded.definitions(), clicks);
        SplittableRandom random = new SplittableRandom(5);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 500; i++) {
                String user = "u" + random.nextInt(10);
                long ts = T0 + random.nextLong(90 * MINUTE);
                Event e = Event.builder(clicks.schema()).key(user).timestamp(ts).set("user_id", user).set("ts", ts)
                        .set("item_id", "i" + random.nextInt(20)).set("price", random.nextInt(1, 400) / 4.0).build();
                events.add(e);
                producer.send(new ProducerRecord<>(Topics.events("clicks"), user.getBytes(StandardCharsets.UTF_8), json.encode(e)));
            }
            producer.flush();
        }
        Cli archive = Cli.run("archive", "--config", config, "--once");
        assertThat(archive.exitCode()).as(archive.out() + archive.err()).isZero();
        assertThat(archive.out()).contains("Archiving freshet.events.clicks from " + broker.bootstrapServers())
                .contains("Archive up to date: clicks: 500 events in");
        assertThat(EventArchive.rows(loaded.offlineStore().path(), clicks)).isEqualTo(500);
        // the events' date is past: --once compacted it, so the training sets below read sorted files through their key runs
        assertThat(EventArchive.files(loaded.offlineStore().path(), clicks)).isNotEmpty().allMatch(ArchivedFile::sorted)
                .allMatch(ArchivedFile::keyRuns);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aTrainingSetHoldsTheAggregationLibrarysValuesAtEachRowsTime() throws Exception {
        FeatureView view = loaded.definitions().featureView("user_activity").orElseThrow();
        ViewAggregator aggregator = ViewAggregator.of(loaded.definitions(), view);
        SplittableRandom random = new SplittableRandom(9);
        StringBuilder csv = new StringBuilder("user_id,ts,clicked\n");
        List<String> users = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String user = "u" + random.nextInt(12); // u10, u11: no events
            long t = T0 + random.nextLong(100 * MINUTE);
            users.add(user);
            times.add(t);
            csv.append(user).append(',').append(java.time.Instant.ofEpochMilli(t)).append(',').append(random.nextInt(2)).append('\n');
        }
        Path spine = Files.writeString(dir.resolve("labels.csv"), csv);
        Path out = dir.resolve("training.parquet");

        Cli result = Cli.run("training-set", "--config", config, "--spine", spine.toString(),
                "--features", "user_activity:spend_1h,user_activity:clicks_total", "--out", out.toString());

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(result.out()).contains("Wrote 200 rows x 2 features to " + out).contains("training.parquet.manifest.json")
                .contains("500 archived events read");
        assertThat(Files.readString(dir.resolve("training.parquet.manifest.json"))).contains("labels.csv").contains("user_activity:spend_1h");
        List<Object[]> rows = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
             ParquetFiles.Scan scan = ParquetFiles.scan(allocator, List.of(out), Optional.empty(), 64)) {
            while (scan.next()) {
                VectorSchemaRoot root = scan.root();
                assertThat(root.getSchema().getFields()).extracting(f -> f.getName())
                        .containsExactly("user_id", "ts", "clicked", "spend_1h", "clicks_total");
                for (int r = 0; r < root.getRowCount(); r++) {
                    rows.add(new Object[]{root.getVector("spend_1h").getObject(r), root.getVector("clicks_total").getObject(r)});
                }
            }
        }
        assertThat(rows).hasSize(200);
        for (int i = 0; i < rows.size(); i++) {
            Map<Long, Tile> tiles = new TreeMap<>();
            for (Event e : events) {
                if (e.key().value().equals(users.get(i)) && e.timestamp() < times.get(i)) {
                    aggregator.add(tiles.computeIfAbsent(aggregator.tileStart(e.timestamp()), aggregator::newTile), e);
                }
            }
            List<Tile> list = new ArrayList<>(tiles.values());
            Object spend = list.isEmpty() ? null : aggregator.evaluate(aggregator.featureIndex("spend_1h"), list, times.get(i)).value();
            Object total = list.isEmpty() ? null : aggregator.evaluate(aggregator.featureIndex("clicks_total"), list, times.get(i)).value();
            assertThat(rows.get(i)).as("row %d: %s at %d", i, users.get(i), times.get(i)).containsExactly(spend, total);
        }
    }

    @Test
    void badRequestsSayWhatToFix() throws Exception {
        Path spine = Files.writeString(dir.resolve("bad.csv"), "user_id,ts\nu1,2025-11-21T10:00:00Z\n");
        Cli unknownFeature = Cli.run("training-set", "--config", config, "--spine", spine.toString(),
                "--features", "user_activity:clickz_5m", "--out", dir.resolve("a.parquet").toString());
        assertThat(unknownFeature.exitCode()).isEqualTo(1);
        assertThat(unknownFeature.err()).contains("clickz_5m").contains("clicks_5m");

        Cli unknownView = Cli.run("training-set", "--config", config, "--spine", spine.toString(),
                "--features", "user_activty:clicks_5m", "--out", dir.resolve("a.parquet").toString());
        assertThat(unknownView.exitCode()).isEqualTo(1);
        assertThat(unknownView.err()).contains("no feature view 'user_activty'").contains("user_activity");

        Cli missingSpine = Cli.run("training-set", "--config", config, "--spine", dir.resolve("nope.csv").toString(),
                "--features", "user_activity:clicks_5m", "--out", dir.resolve("a.parquet").toString());
        assertThat(missingSpine.exitCode()).isEqualTo(1);
        assertThat(missingSpine.err()).contains("nope.csv");

        Cli badOut = Cli.run("training-set", "--config", config, "--spine", spine.toString(),
                "--features", "user_activity:clicks_5m", "--out", dir.resolve("a.csv").toString());
        assertThat(badOut.exitCode()).isEqualTo(1);
        assertThat(badOut.err()).contains("a.csv").contains(".parquet");

        Cli badColumn = Cli.run("training-set", "--config", config, "--spine", spine.toString(), "--timestamp-column", "when",
                "--features", "user_activity:clicks_5m", "--out", dir.resolve("a.parquet").toString());
        assertThat(badColumn.exitCode()).isEqualTo(1);
        assertThat(badColumn.err()).contains("when").contains("user_id");

        Cli badMemory = Cli.run("training-set", "--config", config, "--spine", spine.toString(), "--memory", "lots",
                "--features", "user_activity:clicks_5m", "--out", dir.resolve("a.parquet").toString());
        assertThat(badMemory.exitCode()).isEqualTo(2);
        assertThat(badMemory.err()).contains("'lots' is not an amount of memory (e.g. 512m, 2g)");
    }
}
