package dev.freshet.ingest.topic;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How an existing topic differs from its spec, as warnings for people. Freshet never changes a
 * topic that exists: fewer partitions would lose data and more would move keys between partitions.
 */
final class TopicDrift {

    private static final String CLEANUP_POLICY = "cleanup.policy";

    private TopicDrift() {
    }

    /** A warning when the topic has another partition count than its spec. */
    static Optional<String> partitions(TopicSpec spec, int actual) {
        if (actual == spec.partitions()) {
            return Optional.empty();
        }
        return Optional.of("topic " + spec.name() + " (" + spec.purpose() + ") has " + actual + " partitions, not the "
                + spec.partitions() + " of kafka.partitions; it is left as it is");
    }

    /** A warning for each config of the spec that the topic does not have. */
    static List<String> configs(TopicSpec spec, Config config) {
        List<String> warnings = new ArrayList<>();
        spec.configs().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            ConfigEntry entry = config.get(e.getKey());
            String actual = entry == null ? null : entry.value();
            if (!satisfies(e.getKey(), e.getValue(), actual)) {
                warnings.add("topic " + spec.name() + " (" + spec.purpose() + ") has " + e.getKey() + "=" + actual
                        + ", not " + e.getValue() + "; it is left as it is (change it with kafka-configs.sh --alter "
                        + "--entity-type topics --entity-name " + spec.name() + " --add-config " + e.getKey() + "="
                        + e.getValue() + ")");
            }
        });
        return warnings;
    }

    /** {@code cleanup.policy} is a list: "compact,delete" compacts as well. Other configs must be equal. */
    static boolean satisfies(String key, String wanted, String actual) {
        if (actual == null) {
            return false;
        }
        if (key.equals(CLEANUP_POLICY)) {
            return policies(actual).containsAll(policies(wanted));
        }
        return wanted.equals(actual);
    }

    private static Set<String> policies(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).collect(Collectors.toSet());
    }
}
