package dev.freshet.ingest.topic;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A topic Freshet needs: how to create it when it is missing, and why it exists.
 *
 * @param name              the topic name
 * @param partitions        the partition count to create it with
 * @param replicationFactor the replication factor to create it with; empty for the broker's default
 * @param configs           topic configs to create it with (e.g. {@code cleanup.policy=compact})
 * @param purpose           a few words for people, e.g. "raw events of source clicks"
 */
public record TopicSpec(String name, int partitions, OptionalInt replicationFactor, Map<String, String> configs,
                        String purpose) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(replicationFactor, "replicationFactor");
        Objects.requireNonNull(purpose, "purpose");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions of " + name + " must be positive, not " + partitions);
        }
        if (replicationFactor.isPresent() && (replicationFactor.getAsInt() < 1 || replicationFactor.getAsInt() > Short.MAX_VALUE)) {
            throw new IllegalArgumentException("replicationFactor of " + name + " must be 1 to " + Short.MAX_VALUE
                    + ", not " + replicationFactor.getAsInt());
        }
        configs = Map.copyOf(configs);
    }
}
