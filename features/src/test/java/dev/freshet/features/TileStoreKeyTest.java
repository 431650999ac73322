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
                assertThat(TileStoreKey.topicKey(prefix, key)).as(start + " " + entity)
                        .isEqualTo(new TileKey("user_activity", new EntityKey(entity), start).toBytes());
            }
        }
    }
}
