package dev.freshet.app.api;

import dev.freshet.core.aggregate.FeatureValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.freshet.app.api.ApiFixture.MINUTE;
import static dev.freshet.app.api.ApiFixture.T0;
import static dev.freshet.app.api.ApiFixture.click;
import static dev.freshet.app.api.ApiFixture.lookup;
import static dev.freshet.app.api.JsonTree.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /get-online-features} over HTTP against a real online store, every value compared
 * with what the aggregation library computes from the same tiles at the same (injected) time.
 * Each backend runs this suite.
 */
abstract class LookupContract {

    static final String EPOCH = "1970-01-01T00:00:00Z";
    static final List<String> USER_FEATURES = List.of("clicks_5m", "spend_1h", "avg_price_1d", "max_price_1h", "last_item",
            "items_1d", "clicks_total");
    static final List<String> ITEM_FEATURES = List.of("clicks_1h", "revenue_1h", "p90_price_1h", "clicks_total");

    ApiFixture api;

    /** The {@code online_store} mapping of an empty store. */
    abstract String onlineStore();

    @BeforeEach
    void startApi() {
        api = ApiFixture.start(ApiFixture.yaml(onlineStore(), "", 50, 64 * 1024));
        api.write(click("u1", "i1", 2.0, T0 + 10_000), click("u1", "i2", 4.0, T0 + 70_000), click("u1", "i1", 6.5, T0 + 130_000),
                click("u2", "i3", 1.25, T0 + 30_000));
        api.clock.set(T0 + 3 * MINUTE);
    }

    @AfterEach
    void stopApi() {
        api.close();
    }

    @Test
    void theBodyIsFeastsJsonExactly() {
        HttpResponse<String> r = api.post("/get-online-features", lookup("\"user_activity:clicks_5m\"", "\"user_id\": [\"u1\"]"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.body()).isEqualTo("{\"metadata\":{\"feature_names\":[\"user_id\",\"clicks_5m\"]},\"results\":["
                + "{\"values\":[\"u1\"],\"statuses\":[\"PRESENT\"],\"event_timestamps\":[\"1970-01-01T00:00:00Z\"]},"
                + "{\"values\":[3],\"statuses\":[\"PRESENT\"],\"event_timestamps\":[\"2026-11-21T10:02:10Z\"]}]}");
    }

    @Test
    void answersOneColumnPerEntityKeyThenPerFeatureInRequestOrder() {
        HttpResponse<String> r = api.post("/get-online-features", lookup(
                "\"user_activity:spend_1h\", \"user_activity:clicks_5m\", \"user_activity:last_item\"",
                "\"user_id\": [\"u1\", \"nobody\", \"u2\"]"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Object body = JsonTree.parse(r.body());
        assertThat(at(body, "metadata", "feature_names")).isEqualTo(List.of("user_id", "spend_1h", "clicks_5m", "last_item"));
        assertThat(JsonTree.list(body, "results")).hasSize(4);
        assertThat(at(body, "results", 0)).isEqualTo(Map.of("values", List.of("u1", "nobody", "u2"),
                "statuses", List.of("PRESENT", "PRESENT", "PRESENT"), "event_timestamps", List.of(EPOCH, EPOCH, EPOCH)));
        assertThat(at(body, "results", 1)).isEqualTo(Map.of("values", values(12.5, null, 1.25),
                "statuses", List.of("PRESENT", "NOT_FOUND", "PRESENT"),
                "event_timestamps", List.of("2026-11-21T10:02:10Z", EPOCH, "2026-11-21T10:00:30Z")));
        assertThat(at(body, "results", 3, "values")).isEqualTo(values("i1", null, "i3"));
        assertMatchesLibrary(body, "user_activity", List.of("spend_1h", "clicks_5m", "last_item"), List.of("u1", "nobody", "u2"));
    }

    @Test
    void fullFeatureNamesAreViewDoubleUnderscoreFeature() {
        HttpResponse<String> r = api.post("/get-online-features", "{\"features\": [\"user_activity:clicks_5m\", \"item_stats:clicks_total\"],"
                + " \"entities\": {\"user_id\": [\"u1\"], \"item_id\": [\"i1\"]}, \"full_feature_names\": true}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(at(JsonTree.parse(r.body()), "metadata", "feature_names"))
                .isEqualTo(List.of("user_id", "item_id", "user_activity__clicks_5m", "item_stats__clicks_total"));
    }

    @Test
    void integerIdsAreLookedUpByTheirDecimalTextAndEchoedAsSent() {
        api.write(click("42", "i9", 3.0, T0 + 20_000));

        HttpResponse<String> r = api.post("/get-online-features", lookup("\"user_activity:clicks_total\"", "\"user_id\": [42, \"42\", -7]"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Object body = JsonTree.parse(r.body());
        assertThat(at(body, "results", 0, "values")).isEqualTo(List.of(42L, "42", -7L));
        assertThat(at(body, "results", 1, "values")).isEqualTo(values(1L, 1L, null));
        assertThat(at(body, "results", 1, "statuses")).isEqualTo(List.of("PRESENT", "PRESENT", "NOT_FOUND"));
    }

    @Test
    void windowsDecayAsTheClockAdvancesAndTtlExpiresTheView() {
        List<String> users = List.of("u1", "u2", "nobody");
        for (long minutes : new long[] {3, 6, 20, 61, 120, 60 * 24 + 5}) {
            api.clock.set(T0 + minutes * MINUTE);
            Object body = read("user_activity", USER_FEATURES, users);
            assertMatchesLibrary(body, "user_activity", USER_FEATURES, users);
        }
        api.clock.set(T0 + 6 * MINUTE);
        assertThat(at(read("user_activity", List.of("clicks_5m"), users), "results", 1, "values"))
                .isEqualTo(values(2L, 0L, null));
        api.clock.set(T0 + 2 * 60 * MINUTE);
        Object late = read("user_activity", List.of("max_price_1h", "clicks_total"), users);
        assertThat(at(late, "results", 1, "statuses")).isEqualTo(List.of("NULL_VALUE", "NULL_VALUE", "NOT_FOUND"));
        assertThat(at(late, "results", 2, "values")).isEqualTo(values(3L, 1L, null));

        api.clock.advance(Duration.ofDays(8));
        Object expired = read("user_activity", List.of("clicks_total"), users);
        assertThat(at(expired, "results", 1, "statuses")).isEqualTo(List.of("OUTSIDE_MAX_AGE", "OUTSIDE_MAX_AGE", "NOT_FOUND"));
        assertThat(at(expired, "results", 1, "values")).isEqualTo(values(null, null, null));
    }

    @Test
    void featuresOfSeveralEntitiesAreReadPerEntityAndJoinedByRow() {
        HttpResponse<String> r = api.post("/get-online-features", lookup(
                "\"user_activity:clicks_5m\", \"item_stats:clicks_1h\", \"user_activity:last_item\", \"item_stats:p90_price_1h\"",
                "\"item_id\": [\"i1\", \"i3\", \"i404\"], \"user_id\": [\"u1\", \"u2\", \"u1\"]"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Object body = JsonTree.parse(r.body());
        assertThat(at(body, "metadata", "feature_names"))
                .isEqualTo(List.of("item_id", "user_id", "clicks_5m", "clicks_1h", "last_item", "p90_price_1h"));
        assertThat(at(body, "results", 0, "values")).isEqualTo(List.of("i1", "i3", "i404"));
        assertThat(at(body, "results", 1, "values")).isEqualTo(List.of("u1", "u2", "u1"));
        assertThat(at(body, "results", 2, "values")).isEqualTo(List.of(3L, 1L, 3L));
        assertThat(at(body, "results", 3, "values")).isEqualTo(values(2L, 1L, null));
        assertThat(at(body, "results", 3, "statuses")).isEqualTo(List.of("PRESENT", "PRESENT", "NOT_FOUND"));
        assertThat(at(body, "results", 4, "values")).isEqualTo(List.of("i1", "i3", "i1"));
        List<String> items = List.of("i1", "i3", "i404");
        long now = api.clock.millis();
        for (int row = 0; row < 3; row++) {
            FeatureValue p90 = api.expected("item_stats", "p90_price_1h", items.get(row), now);
            assertThat(at(body, "results", 5, "values", row)).isEqualTo(p90 == null ? null : p90.value());
        }
    }

    @Test
    void timestampsCarryMillisecondsWhenTheyHaveThem() {
        api.write(click("u7", "i7", 1.0, T0 + 61_234));

        Object body = JsonTree.parse(api.post("/get-online-features", lookup("\"user_activity:last_item\"", "\"user_id\": [\"u7\"]")).body());

        assertThat(at(body, "results", 1, "event_timestamps")).isEqualTo(List.of("2026-11-21T10:01:01.234Z"));
    }

    @Test
    void largeBatchesAreServedLikeSmallOnes() {
        List<String> events = new ArrayList<>();
        List<String> users = new ArrayList<>();
        for (int u = 0; u < 45; u++) {
            users.add("user-" + u);
            for (int k = 0; k <= u % 4; k++) {
                events.add(click("user-" + u, "item-" + (u + k) % 7, u + k * 0.5, T0 + (u + k) * 1_000L));
            }
        }
        api.write(events.toArray(String[]::new));

        Object body = read("user_activity", USER_FEATURES, users);

        assertThat(JsonTree.list(body, "results", 0, "values")).hasSize(45);
        assertMatchesLibrary(body, "user_activity", USER_FEATURES, users);
    }

    @Test
    void theSameLookupGivesTheSameAnswerFromManyConnectionsAtOnce() throws Exception {
        String request = lookup("\"user_activity:clicks_5m\", \"user_activity:spend_1h\"", "\"user_id\": [\"u1\", \"u2\"]");
        String first = api.post("/get-online-features", request).body();
        List<String> answers = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 25; i++) {
                    answers.add(api.post("/get-online-features", request).body());
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(answers).hasSize(200).containsOnly(first);
    }

    Object read(String view, List<String> features, List<String> users) {
        String refs = features.stream().map(f -> "\"" + view + ":" + f + "\"").collect(Collectors.joining(", "));
        String ids = users.stream().map(u -> "\"" + u + "\"").collect(Collectors.joining(", "));
        HttpResponse<String> r = api.post("/get-online-features", lookup(refs, "\"user_id\": [" + ids + "]"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JsonTree.parse(r.body());
    }

    /** Every value, status and timestamp of the feature columns (after one entity column) is the library's at the clock's time. */
    void assertMatchesLibrary(Object body, String view, List<String> features, List<String> entities) {
        long now = api.clock.millis();
        for (int f = 0; f < features.size(); f++) {
            for (int row = 0; row < entities.size(); row++) {
                FeatureValue v = api.expected(view, features.get(f), entities.get(row), now);
                String where = view + ":" + features.get(f) + " of " + entities.get(row) + " at " + Instant.ofEpochMilli(now);
                assertThat(at(body, "results", f + 1, "values", row)).as(where).isEqualTo(v == null ? null : v.value());
                String status = v == null ? "NOT_FOUND" : v.value() == null ? "NULL_VALUE" : "PRESENT";
                assertThat(at(body, "results", f + 1, "statuses", row)).as(where).isEqualTo(status);
                String ts = v == null || !v.hasEvents() ? EPOCH : Instant.ofEpochMilli(v.eventTime()).toString();
                assertThat(at(body, "results", f + 1, "event_timestamps", row)).as(where).isEqualTo(ts);
            }
        }
    }

    /** A list that may hold nulls, which {@code List.of} refuses and responses hold. */
    static List<Object> values(Object... values) {
        return java.util.Arrays.asList(values);
    }
}
