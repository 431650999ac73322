package dev.freshet.app.api;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.ingest.broker.EmbeddedKafka;
import dev.freshet.ingest.testing.TopicReader;
import dev.freshet.ingest.topic.TopicAdmin;
import dev.freshet.ingest.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.freshet.app.api.JsonTree.at;
import static dev.freshet.app.api.LookupErrorsTest.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /push} into a real embedded broker: valid rows reach the source's raw topic in one
 * transaction, a request with any invalid row writes nothing, and Kafka being down is a 503.
 * Each test pushes to a raw topic of its own.
 */
class PushTest {

    static final Duration TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    static Path brokerDir;

    static EmbeddedKafka broker;

    @TempDir
    Path dir;

    String topic;
    KafkaPushTarget target;
    ApiFixture api;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafka.start(0, brokerDir.resolve("kafka"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void startApi(TestInfo test) {
        topic = "raw_" + test.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT);
        String yaml = yaml(dir, broker.bootstrapServers()).replace("topic: clicks", "topic: " + topic);
        try (TopicAdmin admin = TopicAdmin.connect(broker.bootstrapServers())) {
            admin.ensure(Topics.plan(FreshetConfig.parse(yaml, "test.yaml")));
        }
        target = KafkaPushTarget.connect(broker.bootstrapServers(), "shop", TIMEOUT);
        api = ApiFixture.start(yaml, b -> b.push(target));
    }

    @AfterEach
    void stopApi() {
        if (api != null) {
            api.close();
        }
        if (target != null) {
            target.close();
        }
    }

    static String yaml(Path dir, String bootstrap) {
        return ApiFixture.yaml("{type: rocksdb, path: \"" + dir.resolve("online") + "\"}",
                "kafka: {bootstrap_servers: \"" + bootstrap + "\"}\n", 100, 256 * 1024);
    }

    static String push(String source, String df) {
        return "{\"push_source_name\": \"" + source + "\", \"df\": " + df + "}";
    }

    List<String> recordsOnTopic() {
        return values(TopicReader.readAll(broker.bootstrapServers(), topic));
    }

    /**
     * Every committed record of a topic once at least {@code count} are visible: a commit returns
     * before its markers are written, so for a moment the records of a transaction just committed
     * are not readable yet; once they are, everything before them is too.
     */
    static List<ConsumerRecord<byte[], byte[]>> committed(String bootstrap, String topic, int count) {
        TopicReader.readAtLeast(bootstrap, topic, count);
        return TopicReader.readAll(bootstrap, topic);
    }

    static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void validRowsReachTheRawTopicAsOneObjectEach() {
        HttpResponse<String> r = api.post("/push", "{\"push_source_name\": \"clicks\", \"to\": \"online_and_offline\", \"df\": {"
                + "\"user_id\": [\"u1\", \"u2\", \"caf\u00e9\"], \"item_id\": [\"i1\", null, \"i3\"], \"price\": [9.5, 3, 1e2],"
                + " \"ts\": [\"2026-11-21T10:00:00Z\", 1795255260000, \"2026-11-21T10:02:00.5+01:00\"], \"note\": [{\"a\": [1, true]}, \"x\", -0.0]}}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"rows\":3,\"topic\":\"" + topic + "\"}");
        List<ConsumerRecord<byte[], byte[]>> records = committed(broker.bootstrapServers(), topic, 3);
        assertThat(records).allSatisfy(rec -> assertThat(rec.key()).isNull());
        assertThat(values(records)).containsExactlyInAnyOrder(
                "{\"user_id\":\"u1\",\"item_id\":\"i1\",\"price\":9.5,\"ts\":\"2026-11-21T10:00:00Z\",\"note\":{\"a\":[1,true]}}",
                "{\"user_id\":\"u2\",\"item_id\":null,\"price\":3,\"ts\":1795255260000,\"note\":\"x\"}",
                "{\"user_id\":\"caf\u00e9\",\"item_id\":\"i3\",\"price\":1e2,\"ts\":\"2026-11-21T10:02:00.5+01:00\",\"note\":-0.0}");
        assertThat(api.get("/metrics").body()).contains("freshet_push_rows_total{source=\"clicks\"} 3\n");
    }

    @Test
    void aRequestWithInvalidRowsWritesNothingAndNamesEachRow() {
        // the last row is an hour ahead of the server's clock (T0): beyond streams.max_clock_skew, the pipeline would dead-letter it
        HttpResponse<String> r = api.post("/push", push("clicks", "{\"user_id\": [\"u1\", \"u2\", null, \"u4\", \"u5\"],"
                + " \"item_id\": [\"i1\", \"i2\", \"i3\", \"i4\", \"i5\"], \"price\": [1.0, \"cheap\", 2.0, 3.0, 4.0],"
                + " \"ts\": [1795255200000, 1795255200000, 1795255200000, \"yesterday\", \"2026-11-21T11:00:00Z\"]}"));

        Map<String, Object> error = error(r, 400, "invalid_rows");
        assertThat((String) error.get("message")).startsWith("4 of 5 rows are not valid events of source clicks; nothing was"
                + " written: fix them and push again (row 1: ");
        List<Object> rows = JsonTree.list(error, "rows");
        assertThat(rows).hasSize(4);
        assertThat(at(rows, 3, "row")).isEqualTo(4L);
        assertThat(at(rows, 3, "reason")).isEqualTo("too_far_in_future");
        assertThat(at(rows, 3, "field")).isEqualTo("ts");
        assertThat((String) at(rows, 3, "message")).isEqualTo("event time 2026-11-21T11:00:00Z is more than streams.max_clock_skew"
                + " (5m) ahead of the server's clock (2026-11-21T10:00:00Z); check the time is in epoch milliseconds, or ISO-8601 with its offset");
        assertThat(at(rows, 0, "row")).isEqualTo(1L);
        assertThat(at(rows, 0, "reason")).isEqualTo("wrong_type");
        assertThat(at(rows, 0, "field")).isEqualTo("price");
        assertThat((String) at(rows, 0, "message")).contains("price");
        assertThat(at(rows, 1, "row")).isEqualTo(2L);
        assertThat(at(rows, 1, "reason")).isEqualTo("missing_entity_key");
        assertThat(at(rows, 1, "field")).isEqualTo("user_id");
        assertThat(at(rows, 2, "row")).isEqualTo(3L);
        assertThat(at(rows, 2, "reason")).isEqualTo("bad_timestamp");
        assertThat(at(rows, 2, "field")).isEqualTo("ts");

        // a valid push afterwards is the only thing on the topic
        assertThat(api.post("/push", push("clicks", "{\"user_id\": [\"u9\"], \"item_id\": [\"i9\"], \"price\": [1.0],"
                + " \"ts\": [1795255200000]}")).statusCode()).isEqualTo(200);
        assertThat(values(committed(broker.bootstrapServers(), topic, 1)))
                .containsExactly("{\"user_id\":\"u9\",\"item_id\":\"i9\",\"price\":1.0,\"ts\":1795255200000}");
        assertThat(api.get("/metrics").body()).contains("freshet_push_invalid_rows_total{source=\"clicks\"} 4\n");
    }

    @Test
    void malformedPushesAreRefusedWithWhatToFix() {
        assertThat(LookupErrorsTest.message(api.post("/push", push("clickz", "{\"user_id\": [\"u1\"]}")), 400, "unknown_source"))
                .isEqualTo("unknown push source \"clickz\" (sources: clicks; did you mean clicks?)");
        assertThat(LookupErrorsTest.message(api.post("/push", push("clicks", "{\"user_id\": [\"u1\", \"u2\"], \"price\": [1.0]}")),
                400, "length_mismatch"))
                .isEqualTo("the columns of \"df\" differ in length (user_id has 2, price has 1): every column needs one value per row");
        assertThat(LookupErrorsTest.message(api.post("/push", "{\"push_source_name\": \"clicks\", \"df\": {\"user_id\": [\"u1\"]},"
                + " \"to\": \"onlin\"}"), 400, "invalid_request"))
                .isEqualTo("\"to\" must be one of online, offline, online_and_offline, not \"onlin\" (did you mean online?)");
        assertThat(LookupErrorsTest.message(api.post("/push", push("clicks", "[[\"u1\"]]")), 400, "invalid_request"))
                .startsWith("\"df\" must be an object of column names to arrays of values");
        assertThat(LookupErrorsTest.message(api.post("/push", push("clicks", "{\"user_id\": \"u1\"}")), 400, "invalid_request"))
                .isEqualTo("df.user_id must be an array with one value per row, not a string");
        assertThat(LookupErrorsTest.message(api.post("/push", push("clicks", "{}")), 400, "invalid_request"))
                .startsWith("\"df\" has no columns");
        assertThat(LookupErrorsTest.message(api.post("/push", "{\"df\": {\"user_id\": [\"u1\"]}}"), 400, "invalid_request"))
                .startsWith("the request has no \"push_source_name\"");
        assertThat(LookupErrorsTest.message(api.post("/push", "{\"push_source_name\": \"clicks\", \"allow_registry_cache\": true}"),
                400, "invalid_request")).startsWith("the request has no \"df\"");
        assertThat(api.get("/push").statusCode()).isEqualTo(405);
        assertThat(recordsOnTopic()).isEmpty();
    }

    @Test
    void kafkaDownIs503AndNothingIsWritten() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String yaml = yaml(dir.resolve("down"), "127.0.0.1:" + closedPort);
        try (KafkaPushTarget unreachable = KafkaPushTarget.connect("127.0.0.1:" + closedPort, "shop", Duration.ofSeconds(1));
             ApiFixture down = ApiFixture.start(yaml, b -> b.push(unreachable))) {
            long start = System.nanoTime();
            HttpResponse<String> r = down.post("/push", push("clicks", "{\"user_id\": [\"u1\"], \"item_id\": [\"i1\"], \"price\": [1.0],"
                    + " \"ts\": [1795255200000]}"));
            assertThat(LookupErrorsTest.message(r, 503, "unavailable"))
                    .startsWith("Kafka at 127.0.0.1:" + closedPort + " did not answer within 1000 ms")
                    .endsWith("nothing was written: push again once Kafka is reachable and the topic exists");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(down.post("/get-online-features", ApiFixture.lookup("\"user_activity:clicks_5m\"", "\"user_id\": [\"u1\"]"))
                    .statusCode()).as("lookups are not affected").isEqualTo(200);
        }
    }

    @Test
    void aBrokerThatGoesAwayIs503AndTheTargetRecoversWhenItIsBack(@TempDir Path other) {
        EmbeddedKafka second = EmbeddedKafka.start(0, other.resolve("kafka"));
        int port = second.port();
        String yaml = yaml(dir.resolve("second"), second.bootstrapServers());
        try (TopicAdmin admin = TopicAdmin.connect(second.bootstrapServers())) {
            admin.ensure(Topics.plan(FreshetConfig.parse(yaml, "test.yaml")));
        }
        String body = push("clicks", "{\"user_id\": [\"u1\"], \"item_id\": [\"i1\"], \"price\": [1.0], \"ts\": [1795255200000]}");
        try (KafkaPushTarget pushTarget = KafkaPushTarget.connect(second.bootstrapServers(), "shop", Duration.ofSeconds(2));
             ApiFixture secondApi = ApiFixture.start(yaml, b -> b.push(pushTarget))) {
            assertThat(secondApi.post("/push", body).statusCode()).isEqualTo(200);
            second.close();

            HttpResponse<String> r = secondApi.post("/push", body);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);

            second = EmbeddedKafka.start(port, other.resolve("kafka"));
            // as a client would: retry until the restarted broker's transaction coordinator is ready
            HttpResponse<String> again = secondApi.post("/push", body);
            for (int attempt = 1; again.statusCode() == 503 && attempt < 10; attempt++) {
                again = secondApi.post("/push", body);
            }
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            // the failed push wrote nothing, unless its commit reached the broker unconfirmed (it says so when that may be)
            assertThat(committed(second.bootstrapServers(), "clicks", 2)).hasSizeBetween(2, 3);
        } finally {
            second.close();
        }
    }

    @Test
    void withoutAPushTargetPushIs503() {
        String yaml = yaml(dir.resolve("none"), broker.bootstrapServers());
        try (ApiFixture none = ApiFixture.start(yaml)) {
            assertThat(LookupErrorsTest.message(none.post("/push", push("clicks", "{}")), 503, "unavailable"))
                    .isEqualTo("push is not enabled on this server: it was started without a Kafka producer");
        }
    }
}
