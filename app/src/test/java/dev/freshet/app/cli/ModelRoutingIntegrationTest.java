package dev.freshet.app.cli;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bandit whose actions are models splits {@code /predict} traffic among them: each request is scored
 * by the model it chooses, logged as that model's prediction and as the bandit's decision under one id,
 * so that the label which trains the model also rewards the choice.
 */
class ModelRoutingIntegrationTest {

    @TempDir
    Path dir;

    private static String yaml(Path dir, int kafkaPort, int apiPort, int flightPort) {
        return """
                project: routing
                kafka: {embedded: {port: %d, data_dir: "%s"}, partitions: 2}
                streams: {state_dir: "%s", commit_interval: 100ms}
                online_store: {type: rocksdb, path: "%s"}
                offline_store: {path: "%s", flight: {port: %d}}
                api: {port: %d}
                model_store: {path: "%s"}
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
                flightPort, apiPort, dir.resolve("models"));
    }

    @Test
    void aBanditOfModelsRoutesPredictionsAndIsRewardedByTheirLabels() throws Exception {
        int kafkaPort = Examples.freePort();
        int apiPort = Examples.freePort();
        String config = Examples.write(dir, "freshet.yaml", yaml(dir, kafkaPort, apiPort, Examples.freePort()));
        String url = "http://127.0.0.1:" + apiPort;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort);
        try (BackgroundRun run = BackgroundRun.start("--config", config, "--status-interval", "200ms");
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            run.awaitRunning(Duration.ofSeconds(90));
            Set<String> served = new HashSet<>();
            Pattern fields = Pattern.compile("\"prediction_id\":\"([0-9a-f]+)\".*\"model\":\"(ctr_\\w+)\",\"probability\":([0-9.Ee-]+)");
            for (int i = 0; i < 40; i++) {
                HttpResponse<String> r = OnlineLookup.post(url + "/predict",
                        "{\"model\": \"ctr\", \"entities\": {\"user_id\": \"u1\"}, \"context\": {\"item_id\": \"i" + (i % 2) + "\"}}");
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
            assertThat(run.stop().exitCode()).isZero();
        }
    }
}
