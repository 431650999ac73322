package dev.freshet.app.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code freshet run --demo} with a model and a bandit: the demo plays their clients, asking for predictions and
 * decisions and answering some with label and reward events by its hidden rule, so that the model learns which items
 * sell and the bandit which banner pays, with nothing else sending anything.
 */
class DemoIntegrationTest {

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration LEARN = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    /** {@link LearnerIntegrationTest}'s model, and a bandit rewarded by a source of its own. */
    private static String yaml(Path dir, int kafkaPort, int apiPort, int flightPort) {
        String purchases = "    schema: {prediction_id: string, purchased: boolean, ts: timestamp}\n";
        String learning = LearnerIntegrationTest.yaml(dir, kafkaPort, apiPort, flightPort);
        assertThat(learning).contains(purchases).endsWith("publish_interval: 300ms\n");
        return learning.replace(purchases, purchases + """
                  - name: rewards
                    timestamp_field: ts
                    schema: {decision_id: string, reward: double, ts: timestamp}
                """) + """
                bandits:
                  - name: homepage
                    policy: thompson
                    actions: [banner_a, banner_b, banner_c]
                    reward: {source: rewards, join_key: decision_id, field: reward, window: 2s, default: 0}
                    options: {seed: 7}
                    publish_interval: 300ms
                """;
    }

    @Test
    void theDemoAsksForPredictionsAndDecisionsAndAnswersThemSoThatBothLearn() throws Exception {
        int apiPort = Examples.freePort();
        String config = Examples.write(dir, "freshet.yaml", yaml(dir, Examples.freePort(), apiPort, Examples.freePort()));
        String url = "http://127.0.0.1:" + apiPort;
        try (BackgroundRun run = BackgroundRun.start("--config", config, "--demo", "--status-interval", "200ms")) {
            run.awaitRunning(START);
            assertThat(run.out())
                    .contains("Events of clicks become features of user_activity as they arrive.")
                    .contains("Events of purchases label the predictions of ctr as they arrive.")
                    .contains("Events of rewards reward the decisions of homepage as they arrive.")
                    .contains("Demo workload: about 40 events/s to clicks for 100 users (u1 is the busiest); about 40 predictions/s of ctr,"
                            + " some labelled on purchases; about 40 decisions/s of homepage, some rewarded on rewards");

            // the hidden rule: items 1 to 5 sell six times in ten, the others one in ten; banner_b pays six times in ten, the others 0.15
            long deadline = System.nanoTime() + LEARN.toNanos();
            double selling;
            double other;
            double banner;
            do {
                Thread.sleep(500);
                selling = score(url, "item_2");
                other = score(url, "item_17");
                banner = bannerB(url);
            } while ((selling < other + 0.15 || banner < 0.5) && System.nanoTime() < deadline);
            assertThat(selling).as("a selling item's score beside another's (%s)", other).isGreaterThan(other + 0.15);
            assertThat(banner).as("the paying banner's probability").isGreaterThanOrEqualTo(0.5);

            MetricsProbe.awaitMetric(url, "freshet_training_examples_total{outcome=\"labelled\"}", v -> v > 0);
            MetricsProbe.awaitMetric(url, "freshet_training_examples_total{outcome=\"default_label\"}", v -> v > 0);
            MetricsProbe.awaitMetric(url, "freshet_bandit_outcomes_total{outcome=\"rewarded\"}", v -> v > 0);
            MetricsProbe.awaitMetric(url, "freshet_bandit_outcomes_total{outcome=\"default_reward\"}", v -> v > 0);
            // label and reward events name the predictions and decisions the demo got, and nothing else writes those sources
            assertThat(MetricsProbe.metric(url, "freshet_ingest_events_total{source=\"purchases\"}")).isPositive();
            assertThat(MetricsProbe.metric(url, "freshet_ingest_events_total{source=\"rewards\"}")).isPositive();
            assertThat(MetricsProbe.metric(url, "freshet_training_skipped_labels_total{reason=\"unknown_prediction\"}")).isZero();
            assertThat(MetricsProbe.metric(url, "freshet_bandit_skipped_rewards_total{reason=\"unknown_decision\"}")).isZero();
            assertThat(run.stop().exitCode()).isZero();
        }
    }

    private static double score(String url, String item) throws Exception {
        return number(OnlineLookup.post(url + "/predict", "{\"model\": \"ctr\", \"entities\": {\"user_id\": \"u1\"}, \"context\": {\"item_id\": \""
                + item + "\"}}"), "score");
    }

    private static double bannerB(String url) throws Exception {
        return number(OnlineLookup.post(url + "/decide", "{\"bandit\": \"homepage\"}"), "banner_b");
    }

    /** The first number named {@code name} anywhere in a 200 answer. */
    private static double number(HttpResponse<String> r, String name) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, Double> numbers = new HashMap<>();
        try (JsonParser parser = new JsonFactory().createParser(r.body())) {
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                if (t.isNumeric() && parser.currentName() != null) {
                    numbers.putIfAbsent(parser.currentName(), parser.getDoubleValue());
                }
            }
        }
        assertThat(numbers).as(r.body()).containsKey(name);
        return numbers.get(name);
    }
}
