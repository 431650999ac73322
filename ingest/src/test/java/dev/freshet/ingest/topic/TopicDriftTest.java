package dev.freshet.ingest.topic;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class TopicDriftTest {

    private static final TopicSpec TILES = new TopicSpec("freshet.tiles.v", 4, OptionalInt.of(1),
            Map.of("cleanup.policy", "compact"), "tile updates of feature view v");

    @Test
    void aDifferentPartitionCountIsReported() {
        assertThat(TopicDrift.partitions(TILES, 4)).isEmpty();
        assertThat(TopicDrift.partitions(TILES, 2)).hasValue("topic freshet.tiles.v (tile updates of feature view v) "
                + "has 2 partitions, not the 4 of kafka.partitions; it is left as it is");
    }

    @Test
    void aCleanupPolicyThatIncludesCompactionSatisfiesCompact() {
        assertThat(TopicDrift.configs(TILES, config("cleanup.policy", "compact"))).isEmpty();
        assertThat(TopicDrift.configs(TILES, config("cleanup.policy", "delete, compact"))).isEmpty();
        assertThat(TopicDrift.configs(TILES, config("cleanup.policy", "delete"))).singleElement().asString()
                .startsWith("topic freshet.tiles.v (tile updates of feature view v) has cleanup.policy=delete, not compact");
    }

    @Test
    void otherConfigsMustBeEqualAndPresent() {
        TopicSpec spec = new TopicSpec("t", 1, OptionalInt.empty(), Map.of("retention.ms", "1000"), "test");

        assertThat(TopicDrift.configs(spec, config("retention.ms", "1000"))).isEmpty();
        assertThat(TopicDrift.configs(spec, config("retention.ms", "2000"))).hasSize(1);
        assertThat(TopicDrift.configs(spec, new Config(List.of()))).singleElement().asString()
                .contains("has retention.ms=null, not 1000");
    }

    private static Config config(String key, String value) {
        return new Config(List.of(new ConfigEntry(key, value)));
    }
}
