package dev.freshet.app.cli;

import dev.freshet.app.api.MutableClock;
import dev.freshet.core.aggregate.FeatureValue;
import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.event.Event;
import dev.freshet.core.event.EventJson;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.online.testing.RedisServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 4's end-to-end test: {@code freshet run} on the embedded broker with each online store; a
 * plain Kafka producer writes events; {@code POST /get-online-features} returns exactly what the
 * aggregation library computes from the valid events at the (injected) lookup time; the windows
 * decay as the clock advances with no new event; a restart serves the same values; {@code freshet
 * lookup} prints them.
 */
class ServeIntegrationTest {

    private static final Duration START = Duration.ofSeconds(90);
    private static final long MINUTE = 60_000;
    private static final int USERS = 8;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rocksdb", "redis"})
    void lookupsMatchTheAggregationLibraryDecayAndSurviveARestart(String backend) throws Exception {
        RedisServer redis = backend.equals("redis") ? RedisServer.start() : null;
        try {
            int kafkaPort = Examples.freePort();
            int apiPort = Examples.freePort();
            String yaml = Examples.shopOn(kafkaPort, dir, apiPort);
            if (redis != null) {
                yaml = yaml.replaceFirst("online_store: \\{[^}]*}", "online_store: {type: redis, uri: \"" + redis.uri() + "\"}");
            }
            String config = Examples.write(dir, "freshet.yaml", yaml);
            FreshetConfig loaded = FreshetConfig.parse(yaml, "freshet.yaml");
            FeatureView view = loaded.definitions().featureView("user_activity").orElseThrow();
            ViewAggregator aggregator = ViewAggregator.of(loaded.definitions(), view);
            EventJson json = EventJson.of(loaded.definitions(), loaded.definitions().source("clicks").orElseThrow());

            // events over 40 minutes, three hours ago (well inside retention, not in the future), in random order
            long base = (System.currentTimeMillis() - Duration.ofHours(3).toMillis()) / MINUTE * MINUTE;
            List<String> lines = events(base, 300, new SplittableRandom(7));
            List<Event> valid = new ArrayList<>();
            for (String line : lines) {
                valid.add(json.decode(line.getBytes(StandardCharsets.UTF_8)));
            }
            lines.add("{\"user_id\": \"u1\", \"price\": \"cheap\"}");
            lines.add("not json");
            List<String> users = new ArrayList<>();
            for (int u = 0; u < USERS; u++) {
                users.add("u" + u);
            }
            users.add("nobody");

            MutableClock clock = new MutableClock(base + 41 * MINUTE + 5_000);
            String url = "http://127.0.0.1:" + apiPort;
            try (BackgroundRun run = BackgroundRun.start(clock, "--config", config, "--status-interval", "200ms")) {
                run.awaitRunning(START);
                assertThat(run.out()).contains("HTTP API listening on " + url);
                send("127.0.0.1:" + kafkaPort, lines);

                Map<String, List<Object>> expected = expected(aggregator, view, valid, users, clock.millis());
                awaitLookup(url, view, users, expected);

                // no new event: the 5-minute window slides past the last events and decays to 0
                clock.advance(Duration.ofMinutes(7));
                Map<String, List<Object>> later = expected(aggregator, view, valid, users, clock.millis());
                assertThat(later.get("clicks_5m").subList(0, USERS)).as("clicks_5m decayed").containsOnly(0L);
                assertThat(lookup(url, view, users)).isEqualTo(later);

                Cli printed = Cli.run("lookup", "--config", config, "--features", "user_activity:clicks_total,user_activity:last_item",
                        "--entity", "user_id=u1,nobody");
                assertThat(printed.exitCode()).as(printed.err()).isZero();
                assertThat(printed.out()).contains("user_id=u1").contains("clicks_total  " + later.get("clicks_total").get(1))
                        .contains("PRESENT").contains("user_id=nobody").contains("NOT_FOUND");
                assertThat(run.stop().exitCode()).isZero();
            }

            try (BackgroundRun again = BackgroundRun.start(clock, "--config", config, "--status-interval", "200ms")) {
                again.awaitRunning(START);
                Map<String, List<Object>> later = expected(aggregator, view, valid, users, clock.millis());
                assertThat(lookup(url, view, users)).as("values after a restart").isEqualTo(later);
                assertThat(again.stop().exitCode()).isZero();
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    void theDemoMovesFeaturesWithinSecondsAndHealthAndMetricsShowTheParts() throws Exception {
        int apiPort = Examples.freePort();
        String config = Examples.write(dir, "freshet.yaml", Examples.shopOn(Examples.freePort(), dir, apiPort));
        String url = "http://127.0.0.1:" + apiPort;
        try (BackgroundRun run = BackgroundRun.start("--config", config, "--demo", "--status-interval", "200ms")) {
            run.awaitRunning(START);
            assertThat(run.out()).contains("Demo workload: about 40 events/s to clicks for 100 users");

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            Object clicks = null;
            while (!(clicks instanceof Long n && n > 0)) {
                assertThat(System.nanoTime()).as("the demo's clicks of u1 never showed").isLessThan(deadline);
                Thread.sleep(200);
                clicks = OnlineLookup.columns(OnlineLookup.post(url + "/get-online-features",
                        "{\"features\": [\"user_activity:clicks_total\"], \"entities\": {\"user_id\": [\"u1\"]}}").body())
                        .get("clicks_total").get(0);
            }

            HttpResponse<String> health = get(url + "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"UP\"").contains("pipeline").contains("online_store");
            String metrics = get(url + "/metrics").body();
            assertThat(metrics).contains("freshet_ingest_events_total{source=\"clicks\"}")
                    .contains("freshet_online_store_tiles_written_total").contains("freshet_online_store_lag_records")
                    .contains("freshet_pipeline_lag_records{topic=\"clicks\"}")
                    .contains("freshet_features_applied_total{view=\"user_activity\"}");

            Cli unknown = Cli.run("lookup", "--config", config, "--features", "user_activity:clickz_5m", "--entity", "user_id=u1");
            assertThat(unknown.exitCode()).isEqualTo(1);
            assertThat(unknown.err()).contains("clickz_5m").contains("did you mean clicks_5m?").contains("HTTP 400");
            assertThat(run.stop().exitCode()).isZero();
        }

        Cli noServer = Cli.run("lookup", "--config", config, "--features", "user_activity:clicks_5m", "--entity", "user_id=u1");
        assertThat(noServer.exitCode()).isEqualTo(Failures.TEMPORARY_FAILURE);
        assertThat(noServer.err()).contains("no Freshet API answers at " + url + "/").contains("is `freshet run` running");
        Cli badEntity = Cli.run("lookup", "--config", config, "--features", "user_activity:clicks_5m", "--entity", "u1");
        assertThat(badEntity.exitCode()).isEqualTo(2);
        assertThat(badEntity.err()).contains("--entity 'u1' is not JOIN_KEY=ID[,ID...]");
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Raw JSON events of {@link #USERS} users and 12 items over 40 minutes after {@code base}. The raw
     * topic has several partitions, so the events of a user may reach their tiles in another order
     * than they were sent: timestamps are distinct (so {@code last} has no ties) and prices are
     * quarters (exact in binary, so sums do not depend on the order).
     */
    private static List<String> events(long base, int n, SplittableRandom random) {
        List<String> lines = new ArrayList<>();
        Map<Long, Boolean> used = new HashMap<>();
        while (lines.size() < n) {
            long ts = base + random.nextLong(40 * MINUTE);
            if (used.put(ts, true) != null) {
                continue;
            }
            lines.add(String.format(Locale.ROOT, "{\"user_id\": \"u%d\", \"item_id\": \"i%d\", \"price\": %s, \"ts\": %d}",
                    random.nextInt(USERS), random.nextInt(12), 1 + random.nextInt(400) / 4.0, ts));
        }
        return lines;
    }

    private static void send(String bootstrap, List<String> lines) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String line : lines) {
                producer.send(new ProducerRecord<>("clicks", line.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /** Per feature (in the view's order), the value per user: the aggregation library over the valid events, at {@code t}. */
    private static Map<String, List<Object>> expected(ViewAggregator a, FeatureView view, List<Event> events, List<String> users, long t) {
        Map<String, Map<Long, Tile>> tiles = new HashMap<>();
        for (Event e : events) {
            Tile tile = tiles.computeIfAbsent(e.key().value(), k -> new TreeMap<>())
                    .computeIfAbsent(a.tileStart(e.timestamp()), a::newTile);
            a.add(tile, e);
        }
        Map<String, List<Object>> out = new java.util.LinkedHashMap<>();
        for (FeatureDefinition f : view.features()) {
            List<Object> values = new ArrayList<>();
            for (String user : users) {
                Map<Long, Tile> own = tiles.get(user);
                FeatureValue v = own == null ? null : a.evaluate(a.featureIndex(f.name()), new ArrayList<>(own.values()), t);
                values.add(v == null ? null : v.value());
            }
            out.put(f.name(), values);
        }
        return out;
    }

    private static void awaitLookup(String url, FeatureView view, List<String> users, Map<String, List<Object>> expected)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, List<Object>> got = lookup(url, view, users);
        while (!got.equals(expected)) {
            if (System.nanoTime() > deadline) {
                assertThat(got).as("lookups never matched the aggregation library").isEqualTo(expected);
            }
            Thread.sleep(100);
            got = lookup(url, view, users);
        }
    }

    /** Every feature of the view for the users, as feature → values (Long, Double, String or null). */
    private static Map<String, List<Object>> lookup(String url, FeatureView view, List<String> users) throws IOException, InterruptedException {
        return OnlineLookup.lookup(url, view.features().stream().map(f -> new FeatureRef(view.name(), f.name())).toList(), users);
    }
}
