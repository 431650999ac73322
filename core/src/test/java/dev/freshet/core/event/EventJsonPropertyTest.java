package dev.freshet.core.event;

import dev.freshet.core.definition.Schema;
import dev.freshet.core.definition.Source;
import dev.freshet.core.definition.SourceFormat;
import dev.freshet.core.testing.RandomEvents;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.CharacterCodingException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What ingestion writes, the features topology reads back unchanged: for seeded random events
 * (every field type, nulls, extreme longs and doubles, strings with quotes, control characters,
 * any Unicode and lone surrogates), {@code decode(encode(e))} equals {@code e}, and encoding is
 * canonical: re-encoding the decoded event gives the same bytes. Checked for a string-keyed, a
 * long-keyed and an unkeyed source.
 */
class EventJsonPropertyTest {

    private static final Schema SCHEMA = RandomEvents.SCHEMA;
    private static final int USER = 0;
    private static final int ITEM = 1;
    private static final int PRICE = 2;
    private static final int QTY = 3;

    private static final double[] DOUBLES = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE,
            -Double.MAX_VALUE, 0.1, 1.0 / 3, 1e21, 1e-7, 9007199254740993.0, 123456789012345678.0, Math.PI};
    private static final long[] LONGS = {Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, 0, -1, (1L << 53) + 1, 1_000_000_000_000_000_000L};
    private static final String[] PIECES = {"a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\b", "\f", "\u0000", "\u001f",
            "\u007f", "é", "ß", "中文", "😀", "\u2028", "\uffff", "\u00a0", "|", "{", "}", "[", ",", ":", "null", "\\u0041"};
    private static final String[] LONE_SURROGATES = {"\ud800", "\udfff", "\ud83d"};

    private enum Keying { STRING_KEY, LONG_KEY, UNKEYED }

    static Stream<Arguments> cases() {
        return LongStream.rangeClosed(1, 40).boxed().flatMap(seed -> Stream.of(Keying.values()).map(k -> Arguments.of(seed, k)));
    }

    @ParameterizedTest(name = "seed {0}, {1}")
    @MethodSource("cases")
    void decodingWhatWasEncodedGivesTheSameEvent(long seed, Keying keying) {
        RandomEvents gen = new RandomEvents(seed, 1 + (int) (seed % 7), 1 + (int) (seed % 30));
        SplittableRandom r = gen.random();
        long origin = r.nextBoolean() ? 1_700_000_000_000L : -r.nextLong(1, 10_000_000_000L);
        List<Event> log = gen.stream(300, origin, r.nextLong(1, 86_400_000));
        Source source = new Source("s", "s", SourceFormat.JSON, "ts", SCHEMA,
                r.nextBoolean() ? Source.RecordKey.ENTITY_KEY : Source.RecordKey.IGNORE);
        EventJson json = EventJson.of(source, switch (keying) {
            case STRING_KEY -> "user_id";
            case LONG_KEY -> "qty";
            case UNKEYED -> null;
        });

        for (Event generated : log) {
            Event e = vary(generated, r, keying);
            byte[] bytes = json.encode(e);
            String where = "seed " + seed + ", " + keying + ", " + e + " as " + new String(bytes, StandardCharsets.UTF_8);

            assertThat(isValidUtf8(bytes)).as(where).isTrue();
            Event decoded = json.decode(bytes);
            assertThat(decoded).as(where).isEqualTo(e);
            assertThat(json.encode(decoded)).as(where).isEqualTo(bytes);
            if (keying != Keying.UNKEYED) {
                assertThat(json.decode(bytes, e.key().value())).as(where).isEqualTo(e);
            }
        }
    }

    /**
     * The generated event, with some values replaced by extremes and nasty strings, and keyed as
     * the source keys it: by its user, by its quantity (never null then), or not at all.
     */
    private static Event vary(Event generated, SplittableRandom r, Keying keying) {
        Event.Builder b = Event.builder(SCHEMA);
        for (int i = 0; i < SCHEMA.size(); i++) {
            b.set(i, generated.get(i));
        }
        long ts = generated.timestamp();
        if (r.nextInt(20) == 0) {
            ts = r.nextBoolean() ? (r.nextBoolean() ? IsoTimestamp.MIN_MILLIS : IsoTimestamp.MAX_MILLIS)
                    : r.nextLong(IsoTimestamp.MIN_MILLIS, IsoTimestamp.MAX_MILLIS + 1);
        }
        b.timestamp(ts).set("ts", ts);
        String user = r.nextInt(4) == 0 ? nastyString(r, false, 1) : generated.getString(USER);
        b.set(USER, user);
        if (r.nextInt(4) == 0) {
            b.set(ITEM, r.nextInt(5) == 0 ? null : nastyString(r, true, 0));
        }
        if (r.nextInt(4) == 0) {
            long bits = r.nextLong();
            b.set(PRICE, r.nextBoolean() ? DOUBLES[r.nextInt(DOUBLES.length)]
                    : Double.isFinite(Double.longBitsToDouble(bits)) ? Double.longBitsToDouble(bits) : r.nextDouble());
        }
        Long qty = (Long) generated.get(QTY);
        if (r.nextInt(4) == 0 || (keying == Keying.LONG_KEY && qty == null)) {
            qty = r.nextBoolean() ? LONGS[r.nextInt(LONGS.length)] : r.nextLong();
        }
        b.set(QTY, qty);
        return b.key(switch (keying) {
            case STRING_KEY -> user;
            case LONG_KEY -> Long.toString(qty);
            case UNKEYED -> "";
        }).build();
    }

    /** 0 to 12 pieces of quotes, escapes, control characters and Unicode; lone surrogates only where a key is not made of it. */
    private static String nastyString(SplittableRandom r, boolean loneSurrogates, int minPieces) {
        StringBuilder b = new StringBuilder();
        for (int n = r.nextInt(minPieces, 13); n > 0; n--) {
            b.append(loneSurrogates && r.nextInt(10) == 0 ? LONE_SURROGATES[r.nextInt(LONE_SURROGATES.length)] : PIECES[r.nextInt(PIECES.length)]);
        }
        return b.toString();
    }

    private static boolean isValidUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
