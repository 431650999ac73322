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
 * Issue 6 end to end on the embedded broker, through {@code freshet run}: predictions served by
 * {@code POST /predict} with features from the online store, labels produced to their source topic,
 * predictions and labels joined into examples (labelled, and defaulted after the window), learnt by
 * the worker, published as new versions; the scores move toward the labels. Bad requests get 4xx,
 * and labels for unknown predictions are counted, not fatal.
 */
class LearnerIntegrationTest {

    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    /** A model ctr (FTRL) on clicks_5m and last_item, with the context item_id, labelled by purchases within 2 s. */
    static String yaml(Path dir, int kafkaPort, int apiPort, int flightPort) {
        return """
                project: learning
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
                      - {name: last_item, function: last, field: item_id}
                models:
                  - name: ctr
                    learner: ftrl
                    features: [user_activity:clicks_5m, user_activity:last_item]
                    context: [item_id]
                    interactions: [[last_item, item_id]]
                    label: {source: purchases, join_key: prediction_id, field: purchased, window: 2s, default: 0}
                    options: {alpha: 0.5, beta: 1, l1: 0, l2: 0, hash_bits: 16}
                    publish_interval: 300ms
                """.formatted(kafkaPort, dir.resolve("kafka"), dir.resolve("streams"), dir.resolve("online"), dir.resolve("offline"),
                flightPort, apiPort, dir.resolve("models"));
    }

    /** A prediction's answer. */
    private record Prediction(String id, double score, String version) {
    }

    @Test
    void predictionsAndLabelsTrainTheModelThatServes() throws Exception {
        int kafkaPort = Examples.freePort();
        int apiPort = Examples.freePort();
        String config = Examples.write(dir, "freshet.yaml", yaml(dir, kafkaPort, apiPort, Examples.freePort()));
        String url = "http://127.0.0.1:" + apiPort;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort);
        try (BackgroundRun run = BackgroundRun.start("--config", config, "--status-interval", "200ms")) {
            run.awaitRunning(START);
            assertThat(run.out()).contains("Learners: training ctr (ftrl");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                long now = System.currentTimeMillis();
                producer.send(raw("clicks", "{\"user_id\": \"u1\", \"item_id\": \"shoes\", \"ts\": " + now + "}"));
                producer.flush();

                Prediction first = predict(url, "good");
                assertThat(first.version()).isEqualTo("ctr-v0");
                assertThat(first.score()).isEqualTo(0.5);

                // "good" is always bought, "bad" never: bad predictions get no label and take the default (0) after the window
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                Prediction good;
                Prediction bad;
                do {
                    for (int i = 0; i < 20; i++) {
                        Prediction g = predict(url, "good");
                        producer.send(raw("purchases", "{\"prediction_id\": \"" + g.id() + "\", \"purchased\": true, \"ts\": "
                                + System.currentTimeMillis() + "}"));
                        predict(url, "bad");
                    }
                    producer.flush();
                    Thread.sleep(300);
                    good = predict(url, "good");
                    bad = predict(url, "bad");
                } while ((good.score() < 0.8 || bad.score() > 0.2) && System.nanoTime() < deadline);
                assertThat(good.version()).isNotEqualTo("ctr-v0");
                assertThat(good.score()).as("a bought item's score").isGreaterThan(0.8);
                assertThat(bad.score()).as("an item never bought").isLessThan(0.2);

                // a label for a prediction never made is counted, and nothing stops
                producer.send(raw("purchases", "{\"prediction_id\": \"never-made\", \"purchased\": true, \"ts\": " + now + "}"));
                producer.flush();
                MetricsProbe.awaitMetric(url, "freshet_training_skipped_labels_total{reason=\"unknown_prediction\"}", v -> v >= 1);
            }
            MetricsProbe.awaitMetric(url, "freshet_training_examples_total{outcome=\"labelled\"}", v -> v > 0);
            MetricsProbe.awaitMetric(url, "freshet_training_examples_total{outcome=\"default_label\"}", v -> v > 0);
            MetricsProbe.awaitMetric(url, "freshet_model_examples_learnt_total{model=\"ctr\"}", v -> v > 0);
            assertThat(MetricsProbe.metric(url, "freshet_model_auc{model=\"ctr\"}")).isGreaterThan(0.9);
            // the status line follows the label join and the learner
            run.awaitOut(out -> out.lines().anyMatch(line -> line.matches(".* \\| label join: [\\d,]+ predictions, [\\d,]*[1-9][\\d,]* labelled, "
                    + "[\\d,]*[1-9][\\d,]* defaulted \\| ctr: [\\d,]*[1-9][\\d,]* examples? learnt, serving ctr-v[1-9]\\d*")), Duration.ofSeconds(10));

            assertBadRequest(url, "{\"model\": \"ctrr\", \"entities\": {\"user_id\": \"u1\"}, \"context\": {\"item_id\": \"x\"}}",
                    "unknown_model", "unknown model \\\"ctrr\\\" (models: ctr; did you mean ctr?)");
            assertBadRequest(url, "{\"model\": \"ctr\", \"entities\": {\"user_id\": \"u1\"}, \"context\": {}}",
                    "missing_context", "the request's \\\"context\\\" lacks item_id");
            assertBadRequest(url, "{\"model\": \"ctr\", \"entities\": {\"user_id\": \"u1\"}, \"context\": {\"item_id\": 1e999}}",
                    "invalid_request", "context.item_id is 1e999, which is not a finite number");
            assertBadRequest(url, "{\"model\": \"ctr\", \"entities\": {\"user_id\": \"u1\"}, \"context\": {\"item_id\": NaN}}",
                    "malformed_json", "not valid JSON");
            assertBadRequest(url, "{\"model\": \"ctr\", \"entities\": {}, \"context\": {\"item_id\": \"x\"}}",
                    "missing_join_key", "send \\\"entities\\\": {\\\"user_id\\\"");
            assertBadRequest(url, "{\"model\": \"ctr\", \"entities\": {\"user_id\": \"u1\"}, \"context\": {\"item_id\": \"x\", \"iteem\": 1}}",
                    "unknown_context", "context.iteem is not a context field of model ctr");
            HttpResponse<String> registry = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/registry")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(registry.body()).contains("\"models\":[{\"name\":\"ctr\",\"learner\":\"ftrl\","
                    + "\"features\":[\"user_activity:clicks_5m\",\"user_activity:last_item\"],\"context\":[\"item_id\"],"
                    + "\"interactions\":[[\"last_item\",\"item_id\"]],\"label\":{\"source\":\"purchases\",\"join_key\":\"prediction_id\","
                    + "\"field\":\"purchased\",\"window\":\"2s\",\"default\":0.0},\"options\":{\"alpha\":0.5,\"beta\":1.0,\"l1\":0.0,"
                    + "\"l2\":0.0,\"hash_bits\":16,\"numbers\":\"raw\"},\"publish_interval\":\"300ms\"}]");
            assertThat(run.stop().exitCode()).isZero();
        }
    }

    private static ProducerRecord<byte[], byte[]> raw(String topic, String json) {
        return new ProducerRecord<>(topic, null, json.getBytes(StandardCharsets.UTF_8));
    }

    private static Prediction predict(String url, String item) throws IOException, InterruptedException {
        HttpResponse<String> r = OnlineLookup.post(url + "/predict",
                "{\"model\": \"ctr\", \"entities\": {\"user_id\": \"u1\"}, \"context\": {\"item_id\": \"" + item + "\"}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, Object> fields = new HashMap<>();
        try (JsonParser parser = new JsonFactory().createParser(r.body())) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken t = parser.nextToken();
                fields.put(name, t == JsonToken.VALUE_STRING ? parser.getText() : parser.getDoubleValue());
            }
        }
        return new Prediction((String) fields.get("prediction_id"), (Double) fields.get("score"), (String) fields.get("model_version"));
    }

    private static void assertBadRequest(String url, String body, String code, String message) throws Exception {
        HttpResponse<String> r = OnlineLookup.post(url + "/predict", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("\"" + code + "\"").contains(message);
    }
}
