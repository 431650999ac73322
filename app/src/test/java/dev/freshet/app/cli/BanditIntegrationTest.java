package dev.freshet.app.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7 end to end on the embedded broker, through {@code freshet run}: decisions made by
 * {@code POST /decide}, rewards sent through the reward source's topic and through {@code POST /reward},
 * decisions and rewards joined into outcomes (rewarded, and defaulted after the window), learnt by the
 * policy worker, published as new versions; the chosen action shifts toward the best arm. Bad requests
 * get 4xx; unknown and duplicate rewards are counted, not fatal.
 */
class BanditIntegrationTest {

    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private static String yaml(Path dir, int kafkaPort, int apiPort, int flightPort) {
        return """
                project: deciding
                kafka: {embedded: {port: %d, data_dir: "%s"}, partitions: 2}
                streams: {state_dir: "%s", commit_interval: 100ms}
                online_store: {type: rocksdb, path: "%s"}
                offline_store: {path: "%s", flush_interval: 300ms, flight: {port: %d}}
                api: {port: %d}
                model_store: {path: "%s"}
                entities:
                  - {name: user, join_key: user_id}
                sources:
                  - name: clicks
                    timestamp_field: ts
                    schema: {user_id: string, item_id: string, ts: timestamp}
                  - name: rewards
                    timestamp_field: ts
                    schema: {decision_id: string, reward: double, ts: timestamp}
                feature_views:
                  - name: user_activity
                    entity: user
                    source: clicks
                    tile: 1m
                    features:
                      - {name: clicks_5m, function: count, window: 5m}
                bandits:
                  - name: homepage
                    policy: thompson
                    actions: [banner_a, banner_b, banner_c]
                    reward: {source: rewards, join_key: decision_id, field: reward, window: 2s, default: 0}
                    options: {seed: 7}
                    publish_interval: 300ms
                """.formatted(kafkaPort, dir.resolve("kafka"), dir.resolve("streams"), dir.resolve("online"), dir.resolve("offline"),
                flightPort, apiPort, dir.resolve("models"));
    }

    /** A decision's answer. */
    private record Decision(String id, String action, double probability, Map<String, Double> distribution, String version) {
    }

    @Test
    void decisionsAndRewardsTrainThePolicyThatDecides() throws Exception {
        int kafkaPort = Examples.freePort();
        int apiPort = Examples.freePort();
        String config = Examples.write(dir, "freshet.yaml", yaml(dir, kafkaPort, apiPort, Examples.freePort()));
        String url = "http://127.0.0.1:" + apiPort;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort);
        try (BackgroundRun run = BackgroundRun.start("--config", config, "--status-interval", "200ms")) {
            run.awaitRunning(START);
            assertThat(run.out()).contains("Bandits: homepage (thompson)");
            Decision first = decide(url);
            assertThat(first.version()).isEqualTo("homepage-v0");
            assertThat(first.distribution()).containsOnlyKeys("banner_a", "banner_b", "banner_c");
            assertThat(first.probability()).isPositive().isEqualTo(first.distribution().get(first.action()));

            // banner_b always earns 1, the others nothing: half its rewards come through the topic, half through the API
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            Decision last;
            int round = 0;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                do {
                    for (int i = 0; i < 20; i++) {
                        Decision d = decide(url);
                        if (d.action().equals("banner_b")) {
                            if (round++ % 2 == 0) {
                                producer.send(new ProducerRecord<>("rewards", null, ("{\"decision_id\": \"" + d.id() + "\", \"reward\": 1.0, \"ts\": "
                                        + System.currentTimeMillis() + "}").getBytes(StandardCharsets.UTF_8)));
                            } else {
                                HttpResponse<String> r = OnlineLookup.post(url + "/reward", "{\"decision_id\": \"" + d.id() + "\", \"reward\": 1}");
                                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                            }
                        }
                    }
                    producer.flush();
                    Thread.sleep(300);
                    last = decide(url);
                } while (last.distribution().get("banner_b") < 0.8 && System.nanoTime() < deadline);
            }
            assertThat(last.version()).isNotEqualTo("homepage-v0");
            assertThat(last.distribution().get("banner_b")).as("the best arm's probability").isGreaterThanOrEqualTo(0.8);

            // a reward for a decision never made, and a second reward for one already rewarded, are counted
            assertThat(OnlineLookup.post(url + "/reward", "{\"decision_id\": \"never-made\", \"reward\": 1}").statusCode()).isEqualTo(202);
            Decision again = decide(url);
            OnlineLookup.post(url + "/reward", "{\"decision_id\": \"" + again.id() + "\", \"reward\": 1}");
            OnlineLookup.post(url + "/reward", "{\"decision_id\": \"" + again.id() + "\", \"reward\": 1}");
            MetricsProbe.awaitMetric(url, "freshet_bandit_skipped_rewards_total{reason=\"unknown_decision\"}", v -> v >= 1);
            MetricsProbe.awaitMetric(url, "freshet_bandit_skipped_rewards_total{reason=\"duplicate\"}", v -> v >= 1);
            MetricsProbe.awaitMetric(url, "freshet_bandit_outcomes_total{outcome=\"rewarded\"}", v -> v > 0);
            MetricsProbe.awaitMetric(url, "freshet_bandit_outcomes_total{outcome=\"default_reward\"}", v -> v > 0);
            MetricsProbe.awaitMetric(url, "freshet_bandit_outcomes_learnt_total{bandit=\"homepage\"}", v -> v > 0);
            // the status line follows the reward join and the policy's learner
            run.awaitOut(out -> out.lines().anyMatch(line -> line.matches(".* \\| reward join: [\\d,]+ decisions, [\\d,]*[1-9][\\d,]* rewarded, "
                    + "[\\d,]*[1-9][\\d,]* defaulted \\| homepage: [\\d,]*[1-9][\\d,]* outcomes? learnt, serving homepage-v[1-9]\\d*")), Duration.ofSeconds(10));

            Decision own = decide(url, "{\"bandit\": \"homepage\", \"actions\": [\"new_x\", \"banner_b\"]}");
            assertThat(own.distribution()).containsOnlyKeys("new_x", "banner_b");

            assertBadRequest(url + "/decide", "{\"bandit\": \"homepag\"}", "unknown_bandit",
                    "unknown bandit \\\"homepag\\\" (bandits: homepage; did you mean homepage?)");
            assertBadRequest(url + "/decide", "{\"bandit\": \"homepage\", \"actions\": []}",
                    "invalid_actions", "\\\"actions\\\" is empty");
            assertBadRequest(url + "/reward", "{\"decision_id\": \"x\", \"reward\": \"lots\"}", "invalid_reward",
                    "\\\"reward\\\" must be a number (or true/false), not a string");
            assertBadRequest(url + "/reward", "{\"decision_id\": \"x\", \"reward\": 1e999}", "invalid_reward", "not a finite number");
            HttpResponse<String> registry = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/registry")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(registry.body()).contains("\"bandits\":[{\"name\":\"homepage\",\"policy\":\"thompson\","
                    + "\"actions\":[\"banner_a\",\"banner_b\",\"banner_c\"],\"context_features\":[],\"context\":[],"
                    + "\"reward\":{\"source\":\"rewards\",\"join_key\":\"decision_id\",\"field\":\"reward\",\"window\":\"2s\","
                    + "\"default\":0.0,\"aggregate\":\"first\"},\"options\":{");
            // the decisions with their rewards are archived as Parquet, and evaluate-policy reads the archive as it is
            Path archive = dir.resolve("offline").resolve("events").resolve("outcomes.homepage");
            long deadlineArchive = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!hasParquet(archive) && System.nanoTime() < deadlineArchive) {
                Thread.sleep(200);
            }
            assertThat(hasParquet(archive)).as("outcomes archived under " + archive).isTrue();
            Cli evaluation = Cli.run("evaluate-policy", "--config", config, "--log", archive.toString(), "--policy",
                    "{\"policy\": \"epsilon_greedy\", \"options\": {\"epsilon\": 0.1}}", "--bootstrap", "100");
            assertThat(evaluation.exitCode()).as(evaluation.out() + evaluation.err()).isZero();
            assertThat(evaluation.out()).contains("logged decisions of bandit homepage").contains("IPS").contains("effective sample size");
            assertThat(run.stop().exitCode()).isZero();
        }
    }

    private static boolean hasParquet(Path dir) throws IOException {
        if (!java.nio.file.Files.isDirectory(dir)) {
            return false;
        }
        try (var files = java.nio.file.Files.walk(dir)) {
            return files.anyMatch(p -> p.toString().endsWith(".parquet") && !p.toString().contains("/."));
        }
    }

    /** A decision of the multi-armed bandit: it reads no features, so the request names no entities. */
    private static Decision decide(String url) throws IOException, InterruptedException {
        return decide(url, "{\"bandit\": \"homepage\", \"entities\": {}}");
    }

    private static Decision decide(String url, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = OnlineLookup.post(url + "/decide", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, Object> fields = new HashMap<>();
        Map<String, Double> distribution = new HashMap<>();
        try (JsonParser parser = new JsonFactory().createParser(r.body())) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken t = parser.nextToken();
                if (name.equals("distribution")) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String action = parser.currentName();
                        parser.nextToken();
                        distribution.put(action, parser.getDoubleValue());
                    }
                } else {
                    fields.put(name, t == JsonToken.VALUE_STRING ? parser.getText() : parser.getDoubleValue());
                }
            }
        }
        return new Decision((String) fields.get("decision_id"), (String) fields.get("action"), (Double) fields.get("probability"),
                distribution, (String) fields.get("policy_version"));
    }

    private static void assertBadRequest(String url, String body, String code, String message) throws Exception {
        HttpResponse<String> r = OnlineLookup.post(url, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("\"" + code + "\"").contains(message);
    }
}
