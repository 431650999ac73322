package dev.freshet.ingest.topic;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.KafkaConfig;
import dev.freshet.core.testing.ExampleYaml;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class TopicsTest {

    private static final KafkaConfig.Embedded EMBEDDED = new KafkaConfig.Embedded(9092, Path.of("data", "kafka"));

    @Test
    void namesFollowTheConvention() {
        assertThat(Topics.events("clicks")).isEqualTo("freshet.events.clicks");
        assertThat(Topics.tiles("user_activity")).isEqualTo("freshet.tiles.user_activity");
        assertThat(Topics.DLQ).isEqualTo("freshet.dlq");
    }

    @Test
    void theExampleNeedsItsRawEventsTilesAndDeadLetterTopics() {
        FreshetConfig config = FreshetConfig.parse(ExampleYaml.SHOP, "freshet.yaml");

        List<TopicSpec> plan = Topics.plan(config);

        OptionalInt one = OptionalInt.of(1); // the embedded broker has one node
        assertThat(plan).containsExactly(
                new TopicSpec("clicks", 4, one, Map.of(), "raw events of source clicks"),
                new TopicSpec("freshet.events.clicks", 4, one, Map.of(), "parsed events of source clicks"),
                new TopicSpec("freshet.tiles.user_activity", 4, one, Map.of("cleanup.policy", "compact"),
                        "tile updates of feature view user_activity"),
                new TopicSpec("freshet.dlq", 4, one, Map.of(), "records that could not be ingested"));
    }

    @Test
    void modelsAddThePredictionsTopicAndAnExamplesTopicEach() {
        String yaml = ExampleYaml.SHOP.replace("sources:\n", """
                sources:
                  - {name: purchases, timestamp_field: ts, schema: {prediction_id: string, bought: boolean, ts: timestamp}}
                """) + """
                models:
                  - {name: ctr, learner: ftrl, features: [user_activity:clicks_5m], label: {source: purchases, join_key: prediction_id, field: bought, window: 5m}}
                  - {name: cvr, learner: ftrl, features: [user_activity:spend_1h], label: {source: purchases, join_key: prediction_id, field: bought, window: 1h}}
                """;

        List<String> names = Topics.plan(FreshetConfig.parse(yaml, "freshet.yaml")).stream().map(TopicSpec::name).toList();

        assertThat(names).containsSubsequence("freshet.tiles.user_activity", "freshet.predictions", "freshet.examples.ctr",
                "freshet.examples.cvr", "freshet.dlq");
    }

    @Test
    void partitionsAndReplicationComeFromTheKafkaSettings() {
        FreshetConfig external = FreshetConfig.parse(ExampleYaml.SHOP, "freshet.yaml")
                .withKafka(new KafkaConfig("broker:9092", EMBEDDED, 12, 3));
        FreshetConfig brokerDefault = external.withKafka(new KafkaConfig("broker:9092", EMBEDDED, 12, 0));

        assertThat(Topics.plan(external)).allSatisfy(spec -> {
            assertThat(spec.partitions()).isEqualTo(12);
            assertThat(spec.replicationFactor()).hasValue(3);
        });
        assertThat(Topics.plan(brokerDefault)).allSatisfy(spec -> assertThat(spec.replicationFactor()).isEmpty());
    }

    private static String twoSources(String clicksTopic, String viewsTopic) {
        return """
                project: two
                entities:
                  - {name: user, join_key: user_id}
                sources:
                  - {name: clicks, topic: %s, format: json, timestamp_field: ts, schema: {user_id: string, ts: timestamp}}
                  - {name: views, topic: %s, format: json, timestamp_field: ts, schema: {user_id: string, ts: timestamp}}
                """.formatted(clicksTopic, viewsTopic);
    }
}
