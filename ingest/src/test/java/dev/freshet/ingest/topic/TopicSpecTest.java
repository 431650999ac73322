package dev.freshet.ingest.topic;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicSpecTest {

    @Test
    void configsAreCopied() {
        Map<String, String> configs = new HashMap<>(Map.of("cleanup.policy", "compact"));
        TopicSpec spec = new TopicSpec("t", 1, OptionalInt.empty(), configs, "test");

        configs.clear();

        assertThat(spec.configs()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void badCountsNameTheTopic() {
        assertThatThrownBy(() -> new TopicSpec("t", 0, OptionalInt.empty(), Map.of(), "test"))
                .hasMessage("partitions of t must be positive, not 0");
        assertThatThrownBy(() -> new TopicSpec("t", 1, OptionalInt.of(0), Map.of(), "test"))
                .hasMessage("replicationFactor of t must be 1 to 32767, not 0");
    }
}
