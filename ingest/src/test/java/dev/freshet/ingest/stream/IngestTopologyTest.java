package dev.freshet.ingest.stream;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.testing.ExampleYaml;
import dev.freshet.ingest.topic.Topics;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The ingest topology without a broker: every raw record ends as exactly one event or dead letter. */
class IngestTopologyTest {

    /** The wall clock of the driver: 2026-11-21T10:00:00Z. */
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private static final long T = NOW.toEpochMilli();

    private IngestCounters counters;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> raw;
    private TestOutputTopic<byte[], byte[]> events;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void start() {
        start(FreshetConfig.parse(ExampleYaml.SHOP, "freshet.yaml"));
    }

    private void start(FreshetConfig config) {
        if (driver != null) {
            driver.close();
        }
        counters = new IngestCounters();
        Topology topology = new Topology();
        IngestTopology.addTo(topology, config, counters);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(topology, props, NOW);
        raw = driver.createInputTopic("clicks", new ByteArraySerializer(), new ByteArraySerializer());
        events = driver.createOutputTopic(Topics.events("clicks"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        dlq = driver.createOutputTopic(Topics.DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void send(String key, String json) {
        raw.pipeInput(new TestRecord<>(key == null ? null : utf8(key), json == null ? null : utf8(json), new RecordHeaders(), T));
    }

    private static String click(String user, String item, String price, String ts) {
        return "{\"user_id\":" + user + ",\"item_id\":" + item + ",\"price\":" + price + ",\"ts\":" + ts + "}";
    }

    @Test
    void aValidRecordBecomesACanonicalEventKeyedByItsEntity() {
        send(null, "{\"ts\":\"2026-11-21T09:59:00Z\",\"price\":9.5,\"user_id\":\"u1\",\"item_id\":\"i7\",\"extra\":[1,{\"a\":2}]}");

        TestRecord<byte[], byte[]> e = events.readRecord();
        assertThat(text(e.key())).isEqualTo("u1");
        assertThat(text(e.value())).isEqualTo("{\"user_id\":\"u1\",\"item_id\":\"i7\",\"price\":9.5,\"ts\":" + (T - 60_000) + "}");
        assertThat(e.timestamp()).isEqualTo(T);
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(counters.valid("clicks")).isEqualTo(1);
        assertThat(counters.deadLettered("clicks")).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "malformed_json     | {\"user_id\": \"u1\", ",
            "not_an_object      | [1, 2, 3]",
            "missing_field      | {\"user_id\":\"u1\",\"item_id\":\"i\",\"ts\":1763719200000}",
            "wrong_type         | {\"user_id\":\"u1\",\"item_id\":\"i\",\"price\":\"cheap\",\"ts\":1763719200000}",
            "missing_entity_key | {\"user_id\":null,\"item_id\":\"i\",\"price\":1,\"ts\":1763719200000}",
            "bad_timestamp      | {\"user_id\":\"u1\",\"item_id\":\"i\",\"price\":1,\"ts\":\"yesterday\"}",
    })
    void anInvalidRecordIsDeadLetteredWithItsReasonAndOrigin(String reason, String json) {
        send("k", "{\"user_id\":\"u0\",\"item_id\":\"i\",\"price\":1,\"ts\":" + T + "}"); // offset 0, valid
        send("k", json); // offset 1

        assertThat(events.readRecordsToList()).hasSize(1);
        TestRecord<byte[], byte[]> d = dlq.readRecord();
        assertThat(d.value()).isEqualTo(utf8(json));
        assertThat(text(d.key())).isEqualTo("k");
        assertThat(d.timestamp()).isEqualTo(T);
        assertThat(header(d.headers(), DeadLetters.REASON)).isEqualTo(reason);
        assertThat(header(d.headers(), DeadLetters.MESSAGE)).isNotBlank();
        assertThat(header(d.headers(), DeadLetters.SOURCE)).isEqualTo("clicks");
        assertThat(header(d.headers(), DeadLetters.TOPIC)).isEqualTo("clicks");
        assertThat(header(d.headers(), DeadLetters.PARTITION)).isEqualTo("0");
        assertThat(header(d.headers(), DeadLetters.OFFSET)).isEqualTo("1");
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(counters.deadLetteredByReason("clicks")).containsExactly(java.util.Map.entry(reason, 1L));
        assertThat(counters.valid("clicks")).isEqualTo(1);
    }

    @Test
    void theMessagesSayWhatToFix() {
        send(null, "{\"user_id\":\"u1\",\"item_id\":\"i\",\"ts\":" + T + "}");
        send(null, "{\"user_id\":\"u1\",\"item_id\":\"i\",\"price\":\"cheap\",\"ts\":" + T + "}");

        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertThat(header(dead.get(0).headers(), DeadLetters.MESSAGE)).contains("price").contains("missing");
        assertThat(header(dead.get(0).headers(), DeadLetters.FIELD)).isEqualTo("price");
        assertThat(header(dead.get(1).headers(), DeadLetters.MESSAGE)).contains("price").contains("double").contains("cheap");
    }

    @Test
    void aRecordWithoutValueIsDeadLettered() {
        send("u1", null);

        TestRecord<byte[], byte[]> d = dlq.readRecord();
        assertThat(d.value()).isNull();
        assertThat(header(d.headers(), DeadLetters.REASON)).isEqualTo(DeadLetters.EMPTY_RECORD);
    }

    @Test
    void anEventTooFarAheadOfTheClockIsDeadLettered() {
        send(null, click("\"u1\"", "\"i\"", "1", Long.toString(T + Duration.ofMinutes(5).toMillis()))); // at the limit: accepted
        send(null, click("\"u1\"", "\"i\"", "1", Long.toString(T + Duration.ofMinutes(5).toMillis() + 1)));
        send(null, click("\"u1\"", "\"i\"", "1", Long.toString(T + Duration.ofDays(400).toMillis())));
        send(null, click("\"u1\"", "\"i\"", "1", Long.toString(T * 1000))); // microseconds: past the year 9999

        assertThat(events.readRecordsToList()).hasSize(1);
        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).extracting(r -> header(r.headers(), DeadLetters.REASON))
                .containsExactly(DeadLetters.TOO_FAR_IN_FUTURE, DeadLetters.TOO_FAR_IN_FUTURE, "bad_timestamp");
        assertThat(header(dead.get(1).headers(), DeadLetters.MESSAGE)).contains("400 d 0 h ahead");
        assertThat(header(dead.get(2).headers(), DeadLetters.MESSAGE)).contains("not microseconds");
        assertThat(header(dead.get(0).headers(), DeadLetters.MESSAGE)).contains("max_clock_skew 5m").contains("ahead of the clock");
    }

    @Test
    void theWallClockMovesTheSkewLimit() {
        driver.advanceWallClockTime(Duration.ofHours(1));
        send(null, click("\"u1\"", "\"i\"", "1", Long.toString(T + Duration.ofMinutes(30).toMillis())));

        assertThat(events.readRecordsToList()).hasSize(1);
    }

    @Test
    void anEventOlderThanTheRetentionOfTheSourcesViewsIsDeadLettered() {
        // the example view's longest window is 1d, the default grace 1h: 25 h behind the latest event time
        long retention = Duration.ofHours(25).toMillis();
        send(null, click("\"u1\"", "\"i\"", "1", Long.toString(T)));
        send(null, click("\"u1\"", "\"i\"", "1", Long.toString(T - retention))); // exactly at the limit: accepted
        send(null, click("\"u2\"", "\"i\"", "1", Long.toString(T - retention - 1)));
        send(null, click("\"u2\"", "\"i\"", "1", "1763719200")); // seconds

        assertThat(events.readRecordsToList()).hasSize(2);
        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).extracting(r -> header(r.headers(), DeadLetters.REASON)).containsExactly(DeadLetters.TOO_OLD, DeadLetters.TOO_OLD);
        assertThat(header(dead.get(0).headers(), DeadLetters.MESSAGE)).contains("25h").doesNotContain("seconds");
        assertThat(header(dead.get(1).headers(), DeadLetters.MESSAGE)).contains("is the time in seconds?");
    }

    @Test
    void lateEventsWithinRetentionAreAccepted() {
        send(null, click("\"u1\"", "\"i\"", "1", Long.toString(T)));
        send(null, click("\"u1\"", "\"i\"", "1", Long.toString(T - Duration.ofHours(20).toMillis())));

        assertThat(events.readRecordsToList()).hasSize(2);
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void theRecordKeyCanCarryTheEntityKey() {
        start(FreshetConfig.parse(ExampleYaml.SHOP.replace("timestamp_field: ts", "timestamp_field: ts\n    record_key: entity_key"), "f.yaml"));
        send("u9", "{\"item_id\":\"i\",\"price\":1,\"ts\":" + T + "}");
        send("u9", click("\"u9\"", "\"i\"", "1", Long.toString(T)));
        send("u9", click("\"u1\"", "\"i\"", "1", Long.toString(T)));
        send(null, "{\"item_id\":\"i\",\"price\":1,\"ts\":" + T + "}");

        List<TestRecord<byte[], byte[]>> valid = events.readRecordsToList();
        assertThat(valid).extracting(r -> text(r.key())).containsExactly("u9", "u9");
        assertThat(text(valid.get(0).value())).startsWith("{\"user_id\":\"u9\",");
        assertThat(dlq.readRecordsToList()).extracting(r -> header(r.headers(), DeadLetters.REASON))
                .containsExactly("key_mismatch", "missing_entity_key");
    }

    @Test
    void aReplayedDeadLetterLosesItsOldReason() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetters.REASON, utf8("wrong_type"));
        headers.add("trace-id", utf8("abc"));
        raw.pipeInput(new TestRecord<>(null, utf8(click("\"u1\"", "\"i\"", "1", Long.toString(T))), headers, T));

        TestRecord<byte[], byte[]> e = events.readRecord();
        assertThat(e.headers().lastHeader(DeadLetters.REASON)).isNull();
        assertThat(header(e.headers(), "trace-id")).isEqualTo("abc");
    }

    @Test
    void everyRecordEndsInExactlyOnePlace() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        int n = 2_000;
        for (int i = 0; i < n; i++) {
            long ts = T - random.nextLong(Duration.ofHours(30).toMillis()) + random.nextLong(Duration.ofMinutes(10).toMillis());
            String json = switch (random.nextInt(6)) {
                case 0 -> "{\"user_id\":";
                case 1 -> click("null", "\"i\"", "1", Long.toString(ts));
                case 2 -> click("\"u" + random.nextInt(50) + "\"", "\"i\"", "\"x\"", Long.toString(ts));
                default -> click("\"u" + random.nextInt(50) + "\"", "\"i" + random.nextInt(9) + "\"", Double.toString(random.nextDouble()), Long.toString(ts));
            };
            send(null, json);
        }

        int valid = events.readRecordsToList().size();
        int dead = dlq.readRecordsToList().size();
        assertThat(valid + dead).isEqualTo(n);
        assertThat(counters.valid("clicks")).isEqualTo(valid);
        assertThat(counters.deadLettered("clicks")).isEqualTo(dead);
        assertThat(counters.deadLetteredByReason("clicks")).containsKeys("malformed_json", "missing_entity_key", "wrong_type",
                DeadLetters.TOO_OLD, DeadLetters.TOO_FAR_IN_FUTURE);
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
