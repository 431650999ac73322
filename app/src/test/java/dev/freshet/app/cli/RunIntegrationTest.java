package dev.freshet.app.cli;

import dev.freshet.ingest.testing.TopicReader;
import dev.freshet.ingest.topic.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code freshet run} for real: the embedded broker on a free port, Freshet's topics, the pipeline;
 * events sent with {@code freshet produce} become tiles; a stop and a second run on the same data.
 */
class RunIntegrationTest {

    private static final Duration START = Duration.ofSeconds(90);
    private static final String TILES = Topics.tiles("user_activity");

    @TempDir
    Path dir;

    @Test
    void runsTurnsProducedEventsIntoTilesStopsAndRunsAgainOnTheSameData() throws Exception {
        int port = Examples.freePort();
        int apiPort = Examples.freePort();
        String bootstrap = "127.0.0.1:" + port;
        String config = Examples.write(dir, "freshet.yaml", Examples.shopOn(port, dir, apiPort));

        Cli first;
        try (BackgroundRun run = BackgroundRun.start("--config", config, "--status-interval", "200ms")) {
            run.awaitRunning(START);
            Cli produced = produce(config, event("u1", "i1", 1.5), event("u1", "i2", 2.5), "", event("u2", "i1", 9.0), "not json");
            assertThat(produced.exitCode()).as(produced.err()).isZero();
            assertThat(produced.out()).startsWith("Sent 4 records (").contains("to topic clicks").endsWith("; 1 blank line skipped.\n");

            assertThat(entities(TopicReader.readAtLeast(bootstrap, TILES, 2))).contains("u1", "u2");
            run.awaitOut(out -> out.contains("  clicks: 3 events, 1 dead letter (1 malformed_json) | user_activity: 3 applied, 0 late, "),
                    Duration.ofSeconds(30));
            // the same series in every run: the labels in the order written, source first
            String url = "http://127.0.0.1:" + apiPort;
            assertThat(MetricsProbe.metric(url, "freshet_ingest_dead_letters_total{source=\"clicks\",reason=\"all\"}")).isEqualTo(1);
            assertThat(MetricsProbe.metric(url, "freshet_ingest_dead_letters_total{source=\"clicks\",reason=\"malformed_json\"}")).isEqualTo(1);
            first = run.stop();
        }

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.err()).isEmpty();
        assertThat(first.out())
                .contains("Kafka broker listening on " + bootstrap + " (data in " + dir.resolve("kafka") + ")\n"
                        + "Created 4 of 4 topics: clicks, freshet.events.clicks, freshet.tiles.user_activity, freshet.dlq\n"
                        + "Streaming pipeline shop-pipeline started (state in " + dir.resolve("streams") + ")\n")
                .contains("Freshet is running. Kafka: " + bootstrap + "   API: http://127.0.0.1:")
                .contains("Events of clicks become features of user_activity as they arrive.")
                .contains("freshet produce --config " + config + " --source clicks --file events.jsonl")
                .contains("freshet lookup --config " + config + " --features user_activity:clicks_5m,")
                .contains("Offline store: archiving freshet.events.clicks as Parquet under " + dir.resolve("offline"))
                .contains("Arrow Flight server listening on grpc://127.0.0.1:")
                .contains("freshet training-set --config " + config + " --spine labels.csv --features user_activity:clicks_5m")
                .contains("Ctrl-C to stop.");
        assertThat(first.outLines()).last().isEqualTo("Stopped.");

        Cli second;
        try (BackgroundRun run = BackgroundRun.start("--config", config)) {
            run.awaitRunning(START);
            assertThat(entities(TopicReader.readAll(bootstrap, TILES))).as("tiles of the first run").contains("u1", "u2");
            assertThat(produce(config, event("u3", "i9", 4.0)).exitCode()).isZero();
            awaitTileOf("u3", bootstrap);
            second = run.stop();
        }

        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("Topics: all 4 exist already").doesNotContain("Created");
        assertThat(second.outLines()).last().isEqualTo("Stopped.");
    }

    @Test
    void aFailedPipelineStopsTheRunWithItsError() throws Exception {
        int port = Examples.freePort();
        String config = Examples.write(dir, "freshet.yaml", Examples.shopOn(port, dir));

        Cli result;
        try (BackgroundRun run = BackgroundRun.start("--config", config)) {
            run.awaitRunning(START);
            // The pipeline cannot go on without a topic it reads.
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port))) {
                admin.deleteTopics(List.of(Topics.events("clicks"))).all().get();
            }
            result = run.awaitExit(Duration.ofSeconds(60));
        }

        assertThat(result.exitCode()).isEqualTo(Failures.FAILED);
        assertThat(result.outLines()).last().isEqualTo("Stopped.");
        assertThat(result.errLines()).singleElement().asString().startsWith("Freshet stopped on an error: ");
    }

    private static void awaitTileOf(String entity, String bootstrap) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!entities(TopicReader.readAll(bootstrap, TILES)).contains(entity)) {
            assertThat(System.nanoTime()).as("no tile of " + entity + " on " + TILES + " within 30 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private Cli produce(String config, String... lines) throws Exception {
        Path file = Files.createTempFile(dir, "events", ".jsonl");
        Files.write(file, List.of(lines));
        return Cli.run("produce", "--config", config, "--source", "clicks", "--file", file.toString());
    }

    private static String event(String user, String item, double price) {
        return String.format(Locale.ROOT, "{\"user_id\": \"%s\", \"item_id\": \"%s\", \"price\": %s, \"ts\": %d}",
                user, item, price, System.currentTimeMillis());
    }

    /** The entities of tile records, from their keys ({@code view|tile start|entity}). */
    private static Set<String> entities(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .map(key -> key.substring(key.lastIndexOf('|') + 1))
                .collect(Collectors.toSet());
    }
}
