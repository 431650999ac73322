package dev.freshet.features;

import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class KnownTilesTest {

    private static Bytes key(long start, String entity) {
        return TileStoreKey.of(start, entity.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void tracksTilesFromItsStartOnly() {
        KnownTiles known = new KnownTiles();
        assertThat(known.tracks(0)).isFalse(); // nothing before a reset
        known.reset(600);
        known.written(key(0, "a"), 0);
        known.written(key(600, "a"), 600);
        assertThat(known.tracks(0)).isFalse();
        assertThat(known.tracks(600)).isTrue();
        assertThat(known.exists(key(600, "a"), 600)).isTrue();
        assertThat(known.exists(key(600, "b"), 600)).isFalse();
        assertThat(known.exists(key(660, "a"), 660)).isFalse();
        assertThat(known.size()).isEqualTo(1);
    }

    @Test
    void advancingForgetsOlderTilesAndRemovalIsExact() {
        KnownTiles known = new KnownTiles();
        known.reset(Long.MIN_VALUE);
        for (long start = 0; start < 600; start += 60) {
            known.written(key(start, "a"), start);
            known.written(key(start, "b"), start);
        }
        known.written(key(120, "a"), 120); // again: no double count
        assertThat(known.size()).isEqualTo(20);
        known.removed(key(540, "b"), 540);
        known.removed(key(540, "c"), 540); // never there
        assertThat(known.exists(key(540, "b"), 540)).isFalse();
        assertThat(known.size()).isEqualTo(19);

        known.advance(300);
        assertThat(known.from()).isEqualTo(300);
        assertThat(known.tracks(240)).isFalse();
        assertThat(known.exists(key(300, "a"), 300)).isTrue();
        assertThat(known.size()).isEqualTo(9);
        known.advance(120); // backwards: ignored
        assertThat(known.from()).isEqualTo(300);
        known.written(key(240, "a"), 240); // before the start: not tracked
        assertThat(known.size()).isEqualTo(9);
    }

    @Test
    void tracksNothingOnceTooManyKeys() {
        KnownTiles known = new KnownTiles();
        known.reset(0);
        for (int i = 0; i <= KnownTiles.MAX_KEYS; i++) {
            known.written(key(0, "e" + i), 0);
        }
        assertThat(known.from()).isEqualTo(Long.MAX_VALUE);
        assertThat(known.tracks(0)).isFalse();
        assertThat(known.size()).isZero();
        known.advance(60);
        assertThat(known.tracks(60)).isFalse(); // stays off
    }
}
