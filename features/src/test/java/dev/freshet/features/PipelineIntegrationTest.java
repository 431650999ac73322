package dev.freshet.features;

import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.KafkaConfig;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.features.testing.Convergence;
import dev.freshet.features.testing.FeatureFixtures;
import dev.freshet.features.testing.RawStreams;
import dev.freshet.ingest.broker.EmbeddedKafka;
import dev.freshet.ingest.stream.DeadLetters;
import dev.freshet.ingest.testing.TestProducer;
import dev.freshet.ingest.testing.TopicReader;
import dev.freshet.ingest.topic.TopicAdmin;
import dev.freshet.ingest.topic.Topics;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole pipeline on the embedded broker with real Kafka Streams: a random stream with late
 * events and invalid records goes in; every tile that comes out equals the aggregation library
 * applied to the valid events, and valid + dead-lettered = produced.
 */
class PipelineIntegrationTest {

    @TempDir
    static Path dir;

    private static EmbeddedKafka broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafka.start(0, dir.resolve("kafka"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void tilesEqualTheReferenceAndEveryRecordIsAccountedFor() throws InterruptedException {
        FreshetConfig base = FeatureFixtures.config();
        FreshetConfig config = base.withKafka(new KafkaConfig(broker.bootstrapServers(), base.kafka().embedded(), 3, 1))
                .withStreams(base.streams().withStateDir(dir.resolve("state")));
        Definitions defs = config.definitions();
        try (TopicAdmin admin = TopicAdmin.connect(broker.bootstrapServers())) {
            admin.ensure(Topics.plan(config));
        }
        long now = System.currentTimeMillis();
        // an hour of events: within the views' retention (1 h windows + 10 min grace), so no tile closes;
        // closing tiles and lifetime prefixes are checked without a broker in FeaturesTopologyTest
        RawStreams.Stream stream = RawStreams.generate(defs, "clicks", 42, 20_000, now - 3_600_000L, 3_600_000L - 60_000, 0.05, now);
        TestProducer.send(broker.bootstrapServers(), stream.records());

        try (Pipeline pipeline = Pipeline.start(config, broker.bootstrapServers())) {
            pipeline.awaitRunning(Duration.ofSeconds(60));
            for (FeatureView view : defs.featureViews()) {
                ViewAggregator agg = ViewAggregator.of(defs, view);
                String diff = Convergence.await(broker.bootstrapServers(), Topics.tiles(view.name()), agg,
                        FeatureFixtures.reference(defs, view, stream.valid()), Duration.ofSeconds(90));
                assertThat(diff).as("tiles of " + view.name()).isEmpty();
            }
            assertThat(pipeline.ingestCounters().valid("clicks")).isGreaterThanOrEqualTo(stream.valid().size());
        }

        List<ConsumerRecord<byte[], byte[]>> events = TopicReader.readAll(broker.bootstrapServers(), Topics.events("clicks"));
        List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.readAll(broker.bootstrapServers(), Topics.DLQ);
        assertThat(events).hasSize(stream.valid().size());
        assertThat(dead).hasSize(stream.invalid());
        assertThat(events.size() + dead.size()).isEqualTo(stream.records().size());
        Map<String, Long> reasons = dead.stream().collect(Collectors.groupingBy(
                r -> new String(r.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8), Collectors.counting()));
        assertThat(reasons).containsOnlyKeys("malformed_json", "missing_entity_key", "bad_timestamp", DeadLetters.TOO_FAR_IN_FUTURE,
                "not_an_object");
    }
}
