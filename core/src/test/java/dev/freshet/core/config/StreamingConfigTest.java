package dev.freshet.core.config;

import dev.freshet.core.definition.Source;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static dev.freshet.core.config.ExampleConfig.problems;
import static org.assertj.core.api.Assertions.assertThat;

/** The settings of the streaming pipeline: topic layout, the {@code streams} section and record keys. */
class StreamingConfigTest {

    private static final String VIEW = """
            project: shop
            entities:
              - {name: user, join_key: user_id}
            sources:
              - name: clicks
                timestamp_field: ts
                schema: {user_id: string, ts: timestamp}
            feature_views:
              - {name: v, entity: user, source: clicks, tile: 1m, features: [{name: c, function: count}]}
            """;

    @Test
    void defaultsWhenTheSectionsAreAbsent() {
        FreshetConfig config = FreshetConfig.parse(VIEW, "f.yaml");

        assertThat(config.kafka().partitions()).isEqualTo(KafkaConfig.DEFAULT_PARTITIONS);
        assertThat(config.kafka().topicReplicationFactor()).hasValue(1);
        assertThat(config.streams()).isEqualTo(StreamsConfig.defaults());
        assertThat(config.streams().commitInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.streams().maxClockSkew()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.definitions().sources().get(0).recordKey()).isEqualTo(Source.RecordKey.IGNORE);
    }

    @Test
    void everySettingIsRead() {
        FreshetConfig config = FreshetConfig.parse("""
                project: shop
                kafka: {bootstrap_servers: "b1:9092", partitions: 12, replication_factor: 3}
                streams: {commit_interval: 1s, threads: 2, state_dir: /var/freshet, max_clock_skew: 1m, grace: 2h}
                """ + VIEW.substring(VIEW.indexOf("entities:")).replace("timestamp_field: ts", "timestamp_field: ts\n    record_key: entity_key"),
                "f.yaml");

        assertThat(config.kafka().partitions()).isEqualTo(12);
        assertThat(config.kafka().topicReplicationFactor()).hasValue(3);
        assertThat(config.streams()).isEqualTo(new StreamsConfig(Duration.ofSeconds(1), 2, Path.of("/var/freshet"),
                Duration.ofMinutes(1), Duration.ofHours(2)));
        assertThat(config.definitions().sources().get(0).recordKey()).isEqualTo(Source.RecordKey.ENTITY_KEY);
    }

    @Test
    void anExternalClusterUsesTheBrokersReplicationFactorByDefault() {
        FreshetConfig config = FreshetConfig.parse("project: shop\nkafka: {bootstrap_servers: \"b1:9092\"}\n", "f.yaml");

        assertThat(config.kafka().topicReplicationFactor()).isEmpty();
    }

    @Test
    void badValuesAreNamed() {
        assertThat(problems("""
                project: shop
                kafka: {partitions: 0, replication_factor: 3}
                streams: {commit_interval: 0ms, threads: many, max_clock_skew: soon, grace: -1h}
                """)).containsExactly(
                "f.yaml:2: kafka.partitions: \"0\" is out of range (1 to 10000)",
                "f.yaml:2: kafka.replication_factor: \"3\" is more than the embedded broker can hold"
                        + " (it is a single node: leave replication_factor out, or set bootstrap_servers)",
                "f.yaml:3: streams.commit_interval: \"0\" must be positive (100ms is the default; longer trades freshness for throughput)",
                "f.yaml:3: streams.threads: \"many\" is not an integer",
                "f.yaml:3: streams.max_clock_skew: \"soon\" is not a duration (use a whole number and a unit: 500ms, 30s, 5m, 1h, 7d, 2w)",
                "f.yaml:3: streams.grace: \"-1h\" is not a duration (use a whole number and a unit: 500ms, 30s, 5m, 1h, 7d, 2w)");
    }

    @Test
    void anUnknownRecordKeyUseIsNamed() {
        assertThat(problems(VIEW.replace("timestamp_field: ts", "timestamp_field: ts\n    record_key: user")))
                .containsExactly("f.yaml:7: sources[0].record_key: \"user\" is not a record key use"
                        + " (ignore, the default, or entity_key: the Kafka key is the entity key)");
    }

    @Test
    void anEntityRecordKeyNeedsAViewOverTheSource() {
        String noView = VIEW.substring(0, VIEW.indexOf("feature_views:")).replace("timestamp_field: ts", "timestamp_field: ts\n    record_key: entity_key");

        assertThat(problems(noView)).containsExactly("f.yaml:7: sources[0].record_key: \"entity_key\" needs an entity,"
                + " but no feature view aggregates source 'clicks' (add a view, or leave record_key out)");
    }

    @Test
    void aRawTopicFeedsOneSourceAndStaysOutOfFreshetsNamespace() {
        String yaml = VIEW.replace("sources:\n", """
                sources:
                  - {name: views, topic: clicks, timestamp_field: ts, schema: {ts: timestamp}}
                  - {name: odd, topic: freshet.dlq, timestamp_field: ts, schema: {ts: timestamp}}
                """);

        assertThat(problems(yaml)).containsExactly(
                "f.yaml:6: sources[1].topic: \"freshet.dlq\" is in Freshet's own namespace"
                        + " (freshet.events.*, freshet.tiles.*, freshet.dlq); name the raw topic differently",
                "f.yaml:7: sources[2].topic: \"clicks\" is already the topic of source 'views' (a raw topic feeds one source)");
    }
}
