package dev.freshet.online;

import java.util.Objects;

/** A partition of a tile topic ({@code freshet.tiles.<view>}). */
public record TilePartition(String topic, int partition) {

    public TilePartition {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0) {
            throw new IllegalArgumentException("partition " + partition + " of " + topic + " is negative");
        }
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
