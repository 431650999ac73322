package dev.freshet.features;

import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.event.EntityKey;

import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TileStoreKeyTest {

    @Test
    void theTopicKeyIsTheTileKeysBytes() {
        long[] starts = {0, 60_000, -60_000, 1_795_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE + 1};
        String[] entities = {"u1", "", "a|b|c", "中文", "😀", "caf\u00e9 42"};
        byte[] prefix = "user_activity|".getBytes(StandardCharsets.UTF_8);
        for (long start : starts) {
            for (String entity : entities) {
                Bytes key = TileStoreKey.of(start, entity.getBytes(StandardCharsets.UTF_8));
                assertThat(TileStoreKey.tileStart(key)).isEqualTo(start);
                assertThat(TileStoreKey.entity(key)).isEqualTo(entity);
                byte[] digits = Long.toString(start).getBytes(StandardCharsets.US_ASCII);
                assertThat(TileStoreKey.topicKey(prefix, digits, key)).as(start + " " + entity)
                        .isEqualTo(new TileKey("user_activity", new EntityKey(entity), start).toBytes());
            }
        }
    }

    @Test
    void keysCompareInTimeOrderThenByEntityBytes() {
        long[] starts = {Long.MIN_VALUE + 1, -60_000, 0, 60_000, Long.MAX_VALUE};
        String[] entities = {"", "A", "a", "ab", "b", "é", "中"};
        java.util.List<Bytes> keys = new java.util.ArrayList<>();
        for (long start : starts) {
            for (String entity : entities) {
                keys.add(TileStoreKey.of(start, entity.getBytes(StandardCharsets.UTF_8)));
            }
        }
        java.util.List<Bytes> sorted = new java.util.ArrayList<>(keys);
        java.util.Collections.shuffle(sorted, new java.util.Random(1));
        sorted.sort(TileStoreKey::compare);
        assertThat(sorted).containsExactlyElementsOf(keys);
        for (int i = 1; i < keys.size(); i++) {
            assertThat(keys.get(i - 1).compareTo(keys.get(i))).as("Kafka's byte order agrees").isNegative();
        }
    }
}
