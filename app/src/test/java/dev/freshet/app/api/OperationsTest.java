package dev.freshet.app.api;

import dev.freshet.app.api.HealthCheck.Component;
import dev.freshet.app.api.HealthCheck.Report;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.freshet.app.api.ApiFixture.T0;
import static dev.freshet.app.api.ApiFixture.click;
import static dev.freshet.app.api.ApiFixture.lookup;
import static dev.freshet.app.api.JsonTree.at;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /health}, {@code GET /metrics} and {@code GET /registry}. */
class OperationsTest {

    static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    @TempDir
    static Path dir;

    static ApiFixture api;
    static final AtomicReference<Supplier<Report>> health = new AtomicReference<>();
    static final AtomicReference<RuntimeException> sourceFailure = new AtomicReference<>();

    @BeforeAll
    static void startApi() {
        health.set(() -> Report.of(Map.of()));
        Map<String, String> odd = new LinkedHashMap<>();
        odd.put("partition", "a\"b\\c\nd");
        api = ApiFixture.start(ApiFixture.yaml("{type: rocksdb, path: \"" + dir.resolve("online") + "\"}", "", 100, 64 * 1024),
                b -> b.health(() -> health.get().get())
                        .metrics(out -> out.counter("freshet_pipeline_events_total", "Events the pipeline read, by source",
                                        Map.of("source", "clicks"), 42)
                                .gauge("freshet_consumer_lag", "Records behind the end of the topic", odd, 7),
                                out -> {
                                    if (sourceFailure.get() != null) {
                                        throw sourceFailure.get();
                                    }
                                    out.counter("freshet_pipeline_events_total", "Events the pipeline read, by source",
                                            Map.of("source", "views"), 3);
                                }));
        api.write(click("u1", "i1", 2.0, T0 + 10_000));
        api.clock.set(T0 + 60_000);
    }

    @AfterAll
    static void stopApi() {
        api.close();
    }

    @Test
    void healthIsUpWithTheReportsChecks() {
        Map<String, Component> checks = new LinkedHashMap<>();
        checks.put("pipeline", Component.up("RUNNING, 4 threads"));
        checks.put("kafka", Component.up("127.0.0.1:9092"));
        health.set(() -> Report.of(checks));

        HttpResponse<String> r = api.get("/health");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.body()).isEqualTo("{\"status\":\"UP\",\"checks\":{\"pipeline\":{\"status\":\"UP\",\"detail\":\"RUNNING, 4 threads\"},"
                + "\"kafka\":{\"status\":\"UP\",\"detail\":\"127.0.0.1:9092\"}}}");
    }

    @Test
    void healthIsDownWith503WhenAPartIsDownOrTheCheckFails() {
        health.set(() -> Report.of(Map.of("kafka", Component.down("broker 127.0.0.1:9092 unreachable"))));
        HttpResponse<String> down = api.get("/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).isEqualTo("{\"status\":\"DOWN\",\"checks\":{\"kafka\":{\"status\":\"DOWN\",\"detail\":\"broker 127.0.0.1:9092 unreachable\"}}}");

        health.set(() -> {
            throw new IllegalStateException("pipeline handle is gone");
        });
        HttpResponse<String> failed = api.get("/health");
        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(at(JsonTree.parse(failed.body()), "checks", "health_check", "detail"))
                .isEqualTo("the health check failed: java.lang.IllegalStateException: pipeline handle is gone");

        health.set(() -> new Report(false, Map.of()));
        assertThat(api.get("/health").body()).isEqualTo("{\"status\":\"DOWN\",\"checks\":{}}");
        health.set(() -> Report.of(Map.of()));
        assertThat(api.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void metricsAreInPrometheusTextFormatWithEachFamilyOnce() {
        api.post("/get-online-features", lookup("\"user_activity:clicks_total\"", "\"user_id\": [\"u1\"]"));

        HttpResponse<String> r = api.get("/metrics");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue(PROMETHEUS);
        String text = r.body();
        assertThat(text).endsWith("\n");
        List<String> types = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                types.add(line.split(" ")[2]);
            } else if (!line.startsWith("# HELP ")) {
                assertThat(line).as("a sample line").matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*})? [-+0-9.eEInfNa]+");
            }
        }
        assertThat(types).doesNotHaveDuplicates().contains("freshet_http_requests_total", "freshet_http_request_duration_seconds",
                "freshet_http_requests_in_flight", "freshet_lookup_entities_total", "freshet_lookup_feature_values_total",
                "freshet_push_rows_total", "freshet_push_invalid_rows_total", "freshet_pipeline_events_total", "freshet_consumer_lag");
        assertThat(text)
                .contains("# HELP freshet_http_requests_total HTTP requests answered, by endpoint and status code\n"
                        + "# TYPE freshet_http_requests_total counter\n")
                .contains("# TYPE freshet_http_request_duration_seconds histogram\n")
                .contains("freshet_http_request_duration_seconds_bucket{endpoint=\"/get-online-features\",le=\"5.0E-5\"} ")
                .contains("freshet_http_request_duration_seconds_bucket{endpoint=\"/get-online-features\",le=\"1\"} ")
                .contains("# TYPE freshet_pipeline_events_total counter\n"
                        + "freshet_pipeline_events_total{source=\"clicks\"} 42\n"
                        + "freshet_pipeline_events_total{source=\"views\"} 3\n")
                .contains("freshet_consumer_lag{partition=\"a\\\"b\\\\c\\nd\"} 7\n")
                .contains("freshet_push_rows_total{source=\"clicks\"} 0\n");
    }

    @Test
    void countsAndHistogramsGrowWithRequests() {
        Map<String, Double> before = samples(api.get("/metrics").body());
        for (int i = 0; i < 3; i++) {
            assertThat(api.post("/get-online-features", lookup("\"user_activity:clicks_total\", \"user_activity:max_price_1h\"",
                    "\"user_id\": [\"u1\", \"nobody\"]")).statusCode()).isEqualTo(200);
        }
        assertThat(api.get("/nothing-here").statusCode()).isEqualTo(404);

        Map<String, Double> after = samples(api.get("/metrics").body());

        String ok = "freshet_http_requests_total{endpoint=\"/get-online-features\",status=\"200\"}";
        assertThat(after.get(ok) - before.getOrDefault(ok, 0.0)).isEqualTo(3);
        String notFound = "freshet_http_requests_total{endpoint=\"other\",status=\"404\"}";
        assertThat(after.get(notFound) - before.getOrDefault(notFound, 0.0)).isEqualTo(1);
        assertThat(after.get("freshet_lookup_entities_total") - before.get("freshet_lookup_entities_total")).isEqualTo(6);
        String present = "freshet_lookup_feature_values_total{status=\"PRESENT\"}";
        String notFoundValues = "freshet_lookup_feature_values_total{status=\"NOT_FOUND\"}";
        assertThat(after.get(present) - before.get(present)).isEqualTo(6);
        assertThat(after.get(notFoundValues) - before.get(notFoundValues)).isEqualTo(6);
        String count = "freshet_http_request_duration_seconds_count{endpoint=\"/get-online-features\"}";
        assertThat(after.get(count)).isEqualTo(after.get(ok));
        String inf = "freshet_http_request_duration_seconds_bucket{endpoint=\"/get-online-features\",le=\"+Inf\"}";
        assertThat(after.get(inf)).isEqualTo(after.get(count));
        double previous = 0;
        for (double le : ApiMetrics.BUCKETS) {
            double bucket = after.get("freshet_http_request_duration_seconds_bucket{endpoint=\"/get-online-features\",le=\""
                    + PrometheusWriter.format(le) + "\"}");
            assertThat(bucket).isGreaterThanOrEqualTo(previous);
            previous = bucket;
        }
        assertThat(after.get("freshet_http_request_duration_seconds_sum{endpoint=\"/get-online-features\"}")).isPositive();
    }

    @Test
    void aFailingMetricSourceIsLeftOutAndTheScrapeSucceeds() {
        sourceFailure.set(new IllegalStateException("consumer closed"));
        try {
            HttpResponse<String> r = api.get("/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("freshet_pipeline_events_total{source=\"clicks\"} 42\n")
                    .doesNotContain("source=\"views\"");
        } finally {
            sourceFailure.set(null);
        }
        assertThat(api.get("/metrics").body()).contains("freshet_pipeline_events_total{source=\"views\"} 3\n");
    }

    @Test
    void theRegistryIsTheDefinitionsAsTheConfigurationWritesThem() {
        HttpResponse<String> r = api.get("/registry");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        Object registry = JsonTree.parse(r.body());
        assertThat(at(registry, "project")).isEqualTo("shop");
        assertThat(at(registry, "entities")).isEqualTo(List.of(Map.of("name", "user", "join_key", "user_id"),
                Map.of("name", "item", "join_key", "item_id")));
        assertThat(at(registry, "sources")).isEqualTo(List.of(Map.of("name", "clicks", "topic", "clicks", "format", "json",
                "timestamp_field", "ts", "record_key", "ignore",
                "schema", Map.of("user_id", "string", "item_id", "string", "price", "double", "ts", "timestamp"))));
        assertThat(JsonTree.list(registry, "feature_views")).hasSize(2);
        Object user = at(registry, "feature_views", 0);
        assertThat(at(user, "name")).isEqualTo("user_activity");
        assertThat(at(user, "entity")).isEqualTo("user");
        assertThat(at(user, "source")).isEqualTo("clicks");
        assertThat(at(user, "tile")).isEqualTo("1m");
        assertThat(at(user, "ttl")).isEqualTo("7d");
        assertThat(JsonTree.list(user, "features")).hasSize(7);
        assertThat(at(user, "features", 0)).isEqualTo(nullable("name", "clicks_5m", "function", "count", "field", null, "window", "5m"));
        assertThat(at(user, "features", 2)).isEqualTo(nullable("name", "avg_price_1d", "function", "avg", "field", "price", "window", "1d"));
        assertThat(at(user, "features", 4)).isEqualTo(nullable("name", "last_item", "function", "last", "field", "item_id", "window", null));
        Object item = at(registry, "feature_views", 1);
        assertThat(at(item, "ttl")).isNull();
        assertThat(at(item, "features", 2)).isEqualTo(nullable("name", "p90_price_1h", "function", "quantile", "field", "price",
                "window", "1h", "quantile", 0.9));
        assertThat(at(registry, "models")).isEqualTo(List.of());
        assertThat(at(registry, "bandits")).isEqualTo(List.of());
    }

    /** A map from alternating keys and values, values possibly null. */
    static Map<String, Object> nullable(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Every sample of an exposition, by its name and labels as written. */
    static Map<String, Double> samples(String text) {
        Map<String, Double> samples = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^([^#\\s][^ ]*(?:\\{[^}]*})?) (\\S+)$").matcher(text);
        while (m.find()) {
            samples.put(m.group(1), Double.parseDouble(m.group(2).replace("+Inf", "Infinity")));
        }
        return samples;
    }
}
