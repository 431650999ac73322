package dev.freshet.offline.join;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class KeyIndexTest {

    @Test
    void aKeyGivenAsBytesOrAsAStringHasOneNumber() {
        KeyIndex index = new KeyIndex();
        byte[] row = "xxuser-7yy".getBytes(StandardCharsets.UTF_8);
        assertThat(index.idOf(row, 2, 6)).isZero();
        assertThat(index.idOf("user-7")).isZero();
        assertThat(index.idOf("user-8")).isEqualTo(1);
        assertThat(index.idOf("user-8".getBytes(StandardCharsets.UTF_8), 0, 6)).isEqualTo(1);
        assertThat(index.idOf("é".getBytes(StandardCharsets.UTF_8), 0, 2)).isEqualTo(2);
        assertThat(index.idOf("é")).isEqualTo(2);
        assertThat(index.idOf(new byte[0], 0, 0)).isEqualTo(3);
        assertThat(index.idOf("")).isEqualTo(3);
        assertThat(index.key(0)).isEqualTo("user-7");
        assertThat(index.key(2)).isEqualTo("é");
        assertThat(index.keyBytes(2)).isEqualTo("é".getBytes(StandardCharsets.UTF_8));
        assertThat(index.keyBytes(1)).hasSize(6);
        assertThat(index.size()).isEqualTo(4);
    }

    @Test
    void keysOfEveryLengthAreToldApartByAllTheirBytes() {
        KeyIndex index = new KeyIndex();
        List<String> keys = new ArrayList<>();
        for (int n = 0; n <= 40; n++) {
            keys.add("k".repeat(n));
            keys.add("k".repeat(n) + "\0");          // one more byte, a zero: not the same key
            keys.add("a".repeat(n) + "é");           // multi-byte, across the 15 bytes kept in a slot
            keys.add("p".repeat(n) + "xqqq");
        }
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < keys.size(); i++) {
                byte[] b = keys.get(i).getBytes(StandardCharsets.UTF_8);
                assertThat(index.idOf(b, 0, b.length)).as("key %d: '%s'", i, keys.get(i)).isEqualTo(i);
            }
        }
        assertThat(index.size()).isEqualTo(keys.size());
    }

    @Test
    void numbersManyKeysInTheOrderFirstSeenAcrossGrowthAndClear() {
        KeyIndex index = new KeyIndex();
        Map<String, Integer> expected = new HashMap<>();
        SplittableRandom random = new SplittableRandom(5);
        byte[] buffer = new byte[64];
        for (int i = 0; i < 200_000; i++) {
            // short keys (kept in their slot) and long ones (compared where they are kept)
            String key = (random.nextBoolean() ? "k" : "a-much-longer-key-") + random.nextInt(50_000);
            int id;
            if (random.nextBoolean()) {
                id = index.idOf(key);
            } else {
                // a slice at an offset of a larger array, as a bulk-copied column gives it
                byte[] b = key.getBytes(StandardCharsets.UTF_8);
                int at = random.nextInt(buffer.length - b.length);
                System.arraycopy(b, 0, buffer, at, b.length);
                id = index.idOf(buffer, at, b.length);
            }
            Integer known = expected.putIfAbsent(key, expected.size());
            assertThat(id).as(key).isEqualTo(known == null ? expected.size() - 1 : known);
        }
        expected.forEach((key, id) -> assertThat(index.key(id)).isEqualTo(key));
        index.clear();
        assertThat(index.size()).isZero();
        assertThat(index.idOf("k1")).isZero();
    }
}
