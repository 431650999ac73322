package dev.freshet.online;

import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.event.EntityKey;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RocksDbKeysTest {

    @Test
    void theKeysOfOneEntitySortByStartWithTheLifetimeTileFirst() {
        long[] starts = {TileKey.LIFETIME, -120_000, -60_000, 0, 60_000, 1_763_719_200_000L, Long.MAX_VALUE - 7};
        List<byte[]> keys = new ArrayList<>();
        for (long start : starts) {
            keys.add(RocksDbKeys.tileKey(new TileKey("activity", EntityKey.of("u1"), start)));
        }
        List<byte[]> sorted = new ArrayList<>(keys);
        sorted.sort(Arrays::compareUnsigned);
        assertThat(sorted).containsExactlyElementsOf(keys);
        byte[] prefix = RocksDbKeys.entityPrefix("activity", EntityKey.of("u1"));
        for (int i = 0; i < starts.length; i++) {
            assertThat(RocksDbKeys.isUnder(keys.get(i), prefix)).isTrue();
            assertThat(RocksDbKeys.start(keys.get(i))).isEqualTo(starts[i]);
            assertThat(RocksDbKeys.withStart(prefix, starts[i])).isEqualTo(keys.get(i));
        }
    }

    @Test
    void aKeyReadsBackAndBelongsToItsEntityAlone() {
        TileKey key = new TileKey("activity", EntityKey.of("u1|with:odd ✓ chars"), 60_000);
        byte[] bytes = RocksDbKeys.tileKey(key);
        assertThat(RocksDbKeys.parseTileKey(bytes)).isEqualTo(key);
        assertThat(new String(RocksDbKeys.view(bytes), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("activity");
        // same hash or not, a longer entity or another view is another prefix
        assertThat(RocksDbKeys.isUnder(bytes, RocksDbKeys.entityPrefix("activity", EntityKey.of("u1")))).isFalse();
        assertThat(RocksDbKeys.isUnder(RocksDbKeys.tileKey(new TileKey("activity", EntityKey.of("u10"), 0)),
                RocksDbKeys.entityPrefix("activity", EntityKey.of("u1")))).isFalse();
        assertThat(RocksDbKeys.isUnder(bytes, RocksDbKeys.entityPrefix("activit", key.entity()))).isFalse();
    }

    @Test
    void theLayoutIsStable() {
        // stored on disk: these bytes must never change without a new RocksDbKeys.FORMAT
        assertThat(HexFormat.of().formatHex(RocksDbKeys.entityPrefix("activity", EntityKey.of("u1"))))
                .isEqualTo("14db4dc870272016" + "00000008" + "6163746976697479" + "00000002" + "7531");
        assertThat(HexFormat.of().formatHex(RocksDbKeys.tileKey(new TileKey("activity", EntityKey.of("u1"), 60_000))))
                .endsWith("7531" + "800000000000ea60");
    }

    @Test
    void offsetKeysReadBack() {
        TilePartition p = new TilePartition("freshet.tiles.activity", 12);
        assertThat(RocksDbKeys.parseOffsetKey(RocksDbKeys.offsetKey(p))).isEqualTo(p);
        assertThat(new String(RocksDbKeys.offsetKey(p), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("offset:freshet.tiles.activity:12");
    }
}
