package dev.freshet.app.cli;

import dev.freshet.core.config.FreshetConfig;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The plan {@code freshet run} prints before it starts anything. */
class RunPlanTest {

    @Test
    void showsWhereEverythingIsAndWhatThisVersionDoesNotStart() {
        String plan = plan(Examples.SHOP);

        assertThat(plan)
                .contains("embedded single-node broker on 127.0.0.1:9092, data in " + absolute("data/kafka"))
                .contains("Topics (created when missing, with 4 partitions; existing ones are kept)")
                .contains("Kafka Streams application shop-pipeline, exactly once, state in " + absolute("data/streams")
                        + ", commit every 100ms")
                .contains("RocksDB in " + absolute("data/online"))
                .contains("Parquet event archive under " + absolute("data/offline") + ", from the canonical events topics"
                        + " (read_committed), committed every 30s")
                .contains("127.0.0.1:8080: /get-online-features, /push, /health, /metrics, /registry (at most 1000 entities per lookup)")
                .contains("user_activity: entity user (join key user_id), source clicks, tile 1m, ttl 7d");
        assertThat(plan.lines())
                .anyMatch(l -> l.equals("Online store"))
                .anyMatch(l -> l.equals("Offline store"))
                .anyMatch(l -> l.equals("  Arrow Flight server of training sets on 127.0.0.1:8815"))
                .anyMatch(l -> l.equals("HTTP API"))
                .anyMatch(l -> l.matches("\\s+clicks\\s+raw events of source clicks"))
                .anyMatch(l -> l.matches("\\s+freshet\\.events\\.clicks\\s+parsed events of source clicks"))
                .anyMatch(l -> l.matches("\\s+freshet\\.tiles\\.user_activity\\s+tile updates of feature view user_activity"))
                .anyMatch(l -> l.matches("\\s+freshet\\.dlq\\s+records that could not be ingested"))
                .anyMatch(l -> l.matches("\\s+clicks_5m\\s+count\\s+-\\s+5m"))
                .anyMatch(l -> l.matches("\\s+spend_1h\\s+sum\\s+price\\s+1h"))
                .anyMatch(l -> l.matches("\\s+avg_price_1d\\s+avg\\s+price\\s+1d"))
                .anyMatch(l -> l.matches("\\s+max_price_1h\\s+max\\s+price\\s+1h"))
                .anyMatch(l -> l.matches("\\s+last_item\\s+last\\s+item_id\\s+lifetime"))
                .anyMatch(l -> l.matches("\\s+items_1d\\s+count_distinct\\s+item_id\\s+1d"))
                .anyMatch(l -> l.matches("\\s+clicks_total\\s+count\\s+-\\s+lifetime"));
    }

    @Test
    void showsAnExternalClusterAndRedisWithoutItsPassword() {
        String yaml = Examples.SHOP
                .replace("embedded: {port: 9092, data_dir: ./data/kafka}", "bootstrap_servers: broker-1:9092,broker-2:9092")
                .replace("{type: rocksdb, path: ./data/online}", "{type: redis, uri: \"redis://default:s3cret@cache:6379/0\"}");

        String plan = plan(yaml);

        assertThat(plan)
                .contains("external cluster at broker-1:9092,broker-2:9092 (no embedded broker)")
                .contains("Redis at redis://default:****@cache:6379/0")
                .doesNotContain("s3cret")
                .doesNotContain("127.0.0.1:9092");
    }

    @Test
    void showsTheEventLoopsWhenConfigured() {
        assertThat(plan(Examples.SHOP.replace("api: {port: 8080}", "api: {port: 8080, event_loops: 1}")))
                .contains("(at most 1000 entities per lookup; 1 event loop)");
        assertThat(plan(Examples.SHOP.replace("api: {port: 8080}", "api: {port: 8080, event_loops: 4}")))
                .contains("(at most 1000 entities per lookup; 4 event loops)");
    }

    @Test
    void showsTheModelsTheirLabelsAndTheTopicsTheyAdd() {
        String yaml = Examples.SHOP.replace("sources:\n", """
                sources:
                  - name: purchases
                    timestamp_field: ts
                    schema: {prediction_id: string, purchased: boolean, ts: timestamp}
                """) + """
                models:
                  - name: ctr
                    learner: vw
                    features: [user_activity:clicks_5m, user_activity:last_item]
                    context: [item_id]
                    label: {source: purchases, join_key: prediction_id, field: purchased, window: 30m}
                    options: "-b 20 -q uc"
                bandits:
                  - name: rollout
                    policy: thompson
                    actions: [ctr-v3, ctr]
                    reward: {source: purchases, join_key: prediction_id, field: purchased, window: 30m}
                """;

        String plan = plan(yaml);

        assertThat(plan)
                .contains("freshet.predictions").contains("freshet.examples.ctr")
                .contains("/push, /predict, /decide, /reward, /health")
                .contains("Models (label join: Kafka Streams application shop-training, exactly once; checkpoints under "
                        + absolute("data/models") + ", with the latest 10 versions)");
        assertThat(plan.lines()).anyMatch(l -> l.matches("\\s+rollout\\s+thompson .*\\s+ctr-v3, ctr \\(splits /predict\\)\\s+.*"));
        assertThat(plan.lines()).anyMatch(l -> l.matches("\\s+ctr\\s+vw \\(-b 20 -q uc\\)\\s+2 features, 1 context, 0 crossed\\s+"
                + "purchases.purchased by prediction_id within 30m \\(else 0.0\\)\\s+every 10s"));
    }

    @Test
    void masksEveryFormOfRedisPassword() {
        assertThat(RunPlan.withoutPassword(java.net.URI.create("redis://secret@cache:6379"))).isEqualTo("redis://****@cache:6379");
        assertThat(RunPlan.withoutPassword(java.net.URI.create("redis://:secret@cache:6379"))).isEqualTo("redis://:****@cache:6379");
        assertThat(RunPlan.withoutPassword(java.net.URI.create("redis://cache:6379"))).isEqualTo("redis://cache:6379");
    }

    private static String plan(String yaml) {
        StringWriter text = new StringWriter();
        RunPlan.print(FreshetConfig.parse(yaml, "freshet.yaml"), new PrintWriter(text));
        return text.toString();
    }

    private static Path absolute(String relative) {
        return Path.of(relative).toAbsolutePath().normalize();
    }
}
