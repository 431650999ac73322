package dev.freshet.app.cli;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bandit whose actions are models splits {@code /predict} traffic among them: each request is scored
 * by the model it chooses, logged as that model's prediction and as the bandit's decision under one id,
 * so that the label which trains the model also rewards the choice.
 */
class ModelRoutingIntegrationTest {

    @TempDir
    Path dir;

    private static String yaml(Path dir, int kafkaPort, int apiPort, int flightPort, String moreBandits) {
        return """
                project: routing
                kafka: {embedded: {port: %d, data_dir: "%s"}, partitions: 2}
                streams: {state_dir: "%s", commit_interval: 100ms}
                online_store: {type: rocksdb, path: "%s"}
                offline_store: {path: "%s", flight: {port: %d}}
                api: {port: %d}
                model_store: {path: "%s", keep_versions: 2}
                entities:
                  - {name: user, join_key: user_id}
                sources:
                  - name: clicks
                    timestamp_field: ts
                    schema: {user_id: string, item_id: string, ts: timestamp}
                  - name: purchases
                    timestamp_field: ts
                    schema: {prediction_id: string, purchased: boolean, ts: timestamp}
                feature_views:
                  - name: user_activity
                    entity: user
                    source: clicks
                    tile: 1m
                    features:
                      - {name: clicks_5m, function: count, window: 5m}
                models:
                  - name: ctr_ftrl
                    learner: ftrl
                    features: [user_activity:clicks_5m]
                    context: [item_id]
                    label: {source: purchases, join_key: prediction_id, field: purchased, window: 10s}
                    publish_interval: 300ms
                  - name: ctr_vw
                    learner: vw
                    features: [user_activity:clicks_5m]
                    context: [item_id]
                    label: {source: purchases, join_key: prediction_id, field: purchased, window: 10s}
                    options: "-b 16"
                    publish_interval: 300ms
                bandits:
                  - name: ctr
                    policy: thompson
                    actions: [ctr_ftrl, ctr_vw]
                    reward: {source: purchases, join_key: prediction_id, field: purchased, window: 10s}
                    publish_interval: 300ms
                """.formatted(kafkaPort, dir.resolve("kafka"), dir.resolve("streams"), dir.resolve("online"), dir.resolve("offline"),
                flightPort, apiPort, dir.resolve("models")) + moreBandits;
    }

    private static KafkaProducer<byte[], byte[]> producer(int kafkaPort) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static HttpResponse<String> predict(String url, String model, String item) throws Exception {
        return OnlineLookup.post(url + "/predict", "{\"model\": \"" + model + "\", \"entities\": {\"user_id\": \"u1\"}, "
                + "\"context\": {\"item_id\": \"" + item + "\"}}");
    }

    @Test
    void aBanditOfModelsRoutesPredictionsAndIsRewardedByTheirLabels() throws Exception {
        int kafkaPort = Examples.freePort();
        int apiPort = Examples.freePort();
        int flightPort = Examples.freePort();
        String config = Examples.write(dir, "freshet.yaml", yaml(dir, kafkaPort, apiPort, flightPort, ""));
        String url = "http://127.0.0.1:" + apiPort;
        try (BackgroundRun run = BackgroundRun.start("--config", config, "--status-interval", "200ms");
             KafkaProducer<byte[], byte[]> producer = producer(kafkaPort)) {
            run.awaitRunning(Duration.ofSeconds(90));
            Set<String> served = new HashSet<>();
            Pattern fields = Pattern.compile("\"prediction_id\":\"([0-9a-f]+)\".*\"model\":\"(ctr_\\w+)\",\"probability\":([0-9.Ee-]+)");
            for (int i = 0; i < 40; i++) {
                HttpResponse<String> r = predict(url, "ctr", "i" + (i % 2));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                Matcher m = fields.matcher(r.body());
                assertThat(m.find()).as(r.body()).isTrue();
                served.add(m.group(2));
                assertThat(Double.parseDouble(m.group(3))).isPositive();
                if (i % 2 == 0) {
                    producer.send(new ProducerRecord<>("purchases", null, ("{\"prediction_id\": \"" + m.group(1)
                            + "\", \"purchased\": true, \"ts\": " + System.currentTimeMillis() + "}").getBytes(StandardCharsets.UTF_8)));
                }
            }
            producer.flush();
            assertThat(served).as("both models served some of the traffic").containsExactlyInAnyOrder("ctr_ftrl", "ctr_vw");
            // windows of 10 s: a label takes the long way (raw topic, ingest, events, repartition), and a loaded machine is slow
            MetricsProbe.awaitMetric(url, "freshet_bandit_outcomes_total{outcome=\"rewarded\"}", v -> v >= 1);
            MetricsProbe.awaitMetric(url, "freshet_bandit_outcomes_total{outcome=\"default_reward\"}", v -> v >= 1);
            MetricsProbe.awaitMetric(url, "freshet_training_examples_total{outcome=\"labelled\"}", v -> v >= 20);
            MetricsProbe.awaitMetric(url, "freshet_bandit_outcomes_learnt_total{bandit=\"ctr\"}", v -> v >= 40);
            MetricsProbe.awaitMetric(url, "freshet_model_versions_published_total{model=\"ctr_ftrl\"}", v -> v >= 1);
            assertThat(run.stop().exitCode()).isZero();
        }
        pinnedVersionsSplitTrafficWithTheLatest(kafkaPort, apiPort, flightPort);
    }

    /**
     * A second run whose bandit splits traffic between a version of ctr_ftrl kept from the first run and
     * the model's latest version: the pinned version answers as it was published, the latest keeps
     * learning, and the history keeps the pinned version however many versions follow.
     */
    private void pinnedVersionsSplitTrafficWithTheLatest(int kafkaPort, int apiPort, int flightPort) throws Exception {
        Path versions = dir.resolve("models").resolve("ctr_ftrl").resolve("versions");
        long pinned;
        try (Stream<Path> files = Files.list(versions)) {
            pinned = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("v[0-9]+\\.snapshot"))
                    .mapToLong(n -> Long.parseLong(n.substring(1, n.indexOf('.')))).min().orElseThrow();
        }
        String version = "ctr_ftrl-v" + pinned;
        String rollout = """
                  - name: rollout
                    policy: thompson
                    actions: [%s, ctr_ftrl]
                    reward: {source: purchases, join_key: prediction_id, field: purchased, window: 10s}
                    publish_interval: 300ms
                """.formatted(version);
        String config = Examples.write(dir, "freshet.yaml", yaml(dir, kafkaPort, apiPort, flightPort, rollout));
        String url = "http://127.0.0.1:" + apiPort;
        try (BackgroundRun run = BackgroundRun.start("--config", config, "--status-interval", "200ms");
             KafkaProducer<byte[], byte[]> producer = producer(kafkaPort)) {
            run.awaitRunning(Duration.ofSeconds(90));
            Set<String> served = new HashSet<>();
            Pattern fields = Pattern.compile("\"prediction_id\":\"([0-9a-f]+)\".*\"model_version\":\"([\\w-]+)\",\"model\":\"([\\w-]+)\"");
            for (int i = 0; i < 42; i++) {
                if (i > 0 && i % 14 == 0) { // in rounds, so that the latest version moves on while the pinned one stays
                    int round = i / 14;
                    producer.flush();
                    MetricsProbe.awaitMetric(url, "freshet_model_versions_published_total{model=\"ctr_ftrl\"}", v -> v >= round);
                }
                HttpResponse<String> r = predict(url, "rollout", "i" + (i % 2));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                Matcher m = fields.matcher(r.body());
                assertThat(m.find()).as(r.body()).isTrue();
                served.add(m.group(3));
                if (m.group(3).equals(version)) {
                    assertThat(m.group(2)).as("a pinned version answers as itself").isEqualTo(version);
                } else {
                    assertThat(m.group(2)).as("the latest version").startsWith("ctr_ftrl-v").isNotEqualTo(version);
                }
                producer.send(new ProducerRecord<>("purchases", null, ("{\"prediction_id\": \"" + m.group(1)
                        + "\", \"purchased\": " + (i % 2 == 0) + ", \"ts\": " + System.currentTimeMillis() + "}").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            assertThat(served).as("both versions served some of the traffic").containsExactlyInAnyOrder(version, "ctr_ftrl");
            MetricsProbe.awaitMetric(url, "freshet_bandit_outcomes_learnt_total{bandit=\"rollout\"}", v -> v >= 42);
            MetricsProbe.awaitMetric(url, "freshet_model_versions_published_total{model=\"ctr_ftrl\"}", v -> v >= 3);

            HttpResponse<String> direct = predict(url, version, "i0");
            assertThat(direct.statusCode()).as(direct.body()).isEqualTo(200);
            assertThat(direct.body()).contains("\"model_version\":\"" + version + "\"");
            HttpResponse<String> unpinned = predict(url, "ctr_ftrl-v999999", "i0");
            assertThat(unpinned.statusCode()).isEqualTo(400);
            assertThat(unpinned.body()).contains("\\\"ctr_ftrl-v999999\\\" is a version of model ctr_ftrl that no bandit pins");
            assertThat(run.stop().exitCode()).isZero();
        }
        try (Stream<Path> files = Files.list(versions)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).as("the two latest versions and the pinned one")
                    .hasSize(3).contains("v" + pinned + ".snapshot");
        }
    }
}
