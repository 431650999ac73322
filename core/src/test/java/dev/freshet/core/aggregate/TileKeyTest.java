package dev.freshet.core.aggregate;

import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.event.EntityKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TileKeyTest {

    private static TileKey roundTrip(TileKey key) {
        return TileKey.parse(key.toBytes());
    }

    @Test
    void theTextIsViewStartEntity() {
        TileKey key = new TileKey("user_activity", EntityKey.of("u42"), 1_763_719_200_000L);

        assertThat(key).hasToString("user_activity|1763719200000|u42");
        assertThat(key.toBytes()).isEqualTo("user_activity|1763719200000|u42".getBytes(StandardCharsets.UTF_8));
        assertThat(roundTrip(key)).isEqualTo(key);
        assertThat(key.isLifetime()).isFalse();
    }

    @Test
    void theLifetimeTileIsWrittenLifetime() {
        TileKey key = TileKey.lifetime("v", EntityKey.of("u1"));

        assertThat(key.tileStart()).isEqualTo(TileKey.LIFETIME).isEqualTo(Long.MIN_VALUE);
        assertThat(key.isLifetime()).isTrue();
        assertThat(key).hasToString("v|lifetime|u1");
        assertThat(roundTrip(key)).isEqualTo(key);
    }

    @Test
    void startsMayBeNegativeOrExtreme() {
        for (long start : new long[]{-60_000, -1, 0, Long.MIN_VALUE + 1, Long.MAX_VALUE}) {
            TileKey key = new TileKey("v", EntityKey.of("e"), start);
            assertThat(key).hasToString("v|" + start + "|e");
            assertThat(roundTrip(key)).isEqualTo(key);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "|", "a|b", "||", "|lifetime|", "u|-5|x", "é", "中文|😀", " spaces ", "new\nline", "\u0000", "\uFFFD"})
    void entitiesMayHoldAnyCharacterIncludingTheSeparator(String entity) {
        TileKey key = new TileKey("v", EntityKey.of(entity), 5);

        assertThat(key).hasToString("v|5|" + entity);
        assertThat(roundTrip(key)).isEqualTo(key);
        assertThat(roundTrip(TileKey.lifetime("v", EntityKey.of(entity)))).isEqualTo(TileKey.lifetime("v", EntityKey.of(entity)));
    }

    @Test
    void randomKeysReadBack() {
        SplittableRandom r = new SplittableRandom(3);
        String[] pieces = {"a", "b", "|", "9", "-", "é", "中", "😀", " ", "\n", "lifetime"};
        for (int n = 0; n < 10_000; n++) {
            StringBuilder entity = new StringBuilder();
            for (int i = r.nextInt(12); i > 0; i--) {
                entity.append(pieces[r.nextInt(pieces.length)]);
            }
            long start = r.nextInt(10) == 0 ? TileKey.LIFETIME : r.nextLong();
            TileKey key = new TileKey("view_" + r.nextInt(3), EntityKey.of(entity.toString()), start);
            assertThat(roundTrip(key)).isEqualTo(key);
        }
    }

    @Test
    void aViewMustBeANameWithoutTheSeparator() {
        assertThatThrownBy(() -> new TileKey("a|b", EntityKey.of("e"), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a tile key's view must be a non-empty name without '|', got 'a|b'");
        assertThatThrownBy(() -> new TileKey("", EntityKey.of("e"), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TileKey(null, EntityKey.of("e"), 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new TileKey("v", null, 0)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void malformedKeysAreCorruptData() {
        String expected = " (expected <view>|<tile start or lifetime>|<entity>)";
        assertCorrupt("v", "tile key \"v\" is malformed: it has no '|' (it needs two)" + expected);
        assertCorrupt("v|5", "tile key \"v|5\" is malformed: it has one '|' (it needs two)" + expected);
        assertCorrupt("|5|e", "tile key \"|5|e\" is malformed: the view is empty" + expected);
        assertCorrupt("v||e", "tile key \"v||e\" is malformed: the tile start '' is neither 'lifetime' nor epoch milliseconds in decimal" + expected);
        assertCorrupt("v|Lifetime|e", "tile key \"v|Lifetime|e\" is malformed: the tile start 'Lifetime' is neither 'lifetime' nor epoch milliseconds in decimal" + expected);
        assertCorrupt("v|1.5|e", "tile key \"v|1.5|e\" is malformed: the tile start '1.5' is neither 'lifetime' nor epoch milliseconds in decimal" + expected);
        assertCorrupt("v|9223372036854775808|e", "tile key \"v|9223372036854775808|e\" is malformed: the tile start '9223372036854775808'"
                + " is neither 'lifetime' nor epoch milliseconds in decimal" + expected);
        assertCorrupt("v|+5|e", "tile key \"v|+5|e\" is malformed: the tile start '+5' is not written as Long.toString writes 5" + expected);
        assertCorrupt("v|007|e", "tile key \"v|007|e\" is malformed: the tile start '007' is not written as Long.toString writes 7" + expected);
        assertCorrupt("v|-0|e", "tile key \"v|-0|e\" is malformed: the tile start '-0' is not written as Long.toString writes 0" + expected);
        assertCorrupt("v|-9223372036854775808|e", "tile key \"v|-9223372036854775808|e\" is malformed: the tile start"
                + " -9223372036854775808 is the lifetime tile, which is written 'lifetime'" + expected);
    }

    @Test
    void invalidUtf8IsCorruptData() {
        byte[] bytes = {'v', '|', '5', '|', (byte) 0xC3};

        assertThatThrownBy(() -> TileKey.parse(bytes))
                .isInstanceOf(CorruptDataException.class).hasMessage("tile key \"v|5|\uFFFD\" is malformed: it is not valid UTF-8"
                        + " (expected <view>|<tile start or lifetime>|<entity>)");
    }

    @Test
    void aLongKeyIsShortenedInTheMessage() {
        String text = "x".repeat(500);

        assertThatThrownBy(() -> TileKey.parse(text.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CorruptDataException.class).hasMessageStartingWith("tile key \"" + "x".repeat(100) + "...\" is malformed");
    }

    private static void assertCorrupt(String text, String message) {
        assertThatThrownBy(() -> TileKey.parse(text.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CorruptDataException.class).hasMessage(message);
    }
}
