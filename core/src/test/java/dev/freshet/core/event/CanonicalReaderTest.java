package dev.freshet.core.event;

import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.Source;
import dev.freshet.core.definition.SourceFormat;
import dev.freshet.core.testing.RandomEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The canonical reader decodes what it accepts exactly as the JSON parser does, and leaves
 * everything else to it: for each record, {@code decode} (the reader first) and the parser alone
 * give equal events (doubles compared by their bits), or the same error.
 */
class CanonicalReaderTest {

    private static final Source SOURCE = new Source("s", "s", SourceFormat.JSON, "ts", RandomEvents.SCHEMA);
    private final EventJson json = EventJson.of(SOURCE, "user_id");

    /** A record of the schema, in canonical layout, with {@code price} and {@code qty} as written. */
    private static byte[] record(String price, String qty) {
        return ("{\"user_id\":\"u1\",\"item_id\":\"i\",\"price\":" + price + ",\"qty\":" + qty + ",\"flag\":true,\"ts\":1700000000000}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private void assertSameOutcome(byte[] record) {
        String where = new String(record, StandardCharsets.UTF_8);
        Event byParser = null;
        String parserError = null;
        try {
            byParser = json.decodeWithParser(record);
        } catch (InvalidEventException e) {
            parserError = e.getMessage();
        }
        try {
            Event decoded = json.decode(record);
            assertThat(parserError).as("the parser rejects " + where + ", the reader does not").isNull();
            assertThat(decoded).as(where).isEqualTo(byParser);
        } catch (InvalidEventException e) {
            assertThat(e.getMessage()).as(where).isEqualTo(parserError);
        }
    }

    private boolean readsCanonically(byte[] record) {
        Field[] fields = RandomEvents.SCHEMA.fields().toArray(Field[]::new);
        byte[][] names = new byte[fields.length][];
        for (int i = 0; i < fields.length; i++) {
            names[i] = ((i > 0 ? "," : "") + "\"" + fields[i].name() + "\":").getBytes(StandardCharsets.UTF_8);
        }
        int n = fields.length;
        return new CanonicalReader(fields, names, RandomEvents.SCHEMA.indexOf("ts")).read(record, new long[n], new String[n], new boolean[n]);
    }

    @Test
    void encodedEventsAreReadCanonicallyWhenTheirStringsArePrintableAscii() {
        List<Event> events = new RandomEvents(3, 50, 40).stream(2_000, 1_700_000_000_000L, 86_400_000L);
        int canonical = 0;
        for (Event e : events) {
            byte[] bytes = json.encode(e);
            assertSameOutcome(bytes);
            if (readsCanonically(bytes)) {
                canonical++;
            }
        }
        assertThat(canonical).as("read without the parser").isGreaterThan(events.size() * 9 / 10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "0.0", "-0.0", "1", "-1", "12.34", "-12.34", "0.1", "0.000001", "1e5", "1E5", "1e+5", "1e-5",
            "-1.5e-3", "123456789012345678", "1234567890123456789", "9007199254740991", "9007199254740992", "9007199254740993",
            "4.9E-324", "1.7976931348623157E308", "1e22", "1e23", "1e-22", "1e-23", "1.0e400", "1e0400", "2.5E-7",
            "01", "-01", "00", "1.", ".5", "-.5", "+1", "1e", "1e+", "-", "--1", "1..2", "1.2.3", "1e5e5", "NaN", "Infinity",
            "\"1\"", "true", "null", "1x", "0x10", "1_000"})
    void numbersAreReadAsTheParserReadsThem(String number) {
        assertSameOutcome(record(number, "7"));
        assertSameOutcome(record("1.5", number));
    }

    @Test
    void randomDecimalsAreReadToTheSameDouble() {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 20_000; i++) {
            long mantissa = r.nextLong(1L << 53);
            int exponent = r.nextInt(-24, 25);
            String digits = Long.toString(mantissa);
            String number = switch (r.nextInt(3)) {
                case 0 -> digits + "e" + exponent;
                case 1 -> {
                    int point = r.nextInt(1, digits.length() + 1);
                    yield digits.substring(0, point) + (point < digits.length() ? "." + digits.substring(point) : "");
                }
                default -> String.format(Locale.ROOT, "%s0.%0" + (1 + r.nextInt(5)) + "d", r.nextBoolean() ? "-" : "", mantissa % 100_000);
            };
            assertSameOutcome(record((r.nextBoolean() ? "-" : "") + number.replace("--", "-"), "1"));
        }
    }

    @Test
    void mutatedRecordsAreDecodedOrRejectedAsByTheParser() {
        SplittableRandom r = new SplittableRandom(5);
        String specials = "{}[]\":,\\ -+.0123456789eEnultrfsa\u00e9\t\u0000\u007f";
        List<Event> events = new RandomEvents(7, 20, 20).stream(500, 1_700_000_000_000L, 86_400_000L);
        for (Event e : events) {
            byte[] bytes = json.encode(e);
            for (int m = 0; m < 20; m++) {
                StringBuilder s = new StringBuilder(new String(bytes, StandardCharsets.UTF_8));
                int at = r.nextInt(s.length());
                char c = specials.charAt(r.nextInt(specials.length()));
                switch (r.nextInt(3)) {
                    case 0 -> s.setCharAt(at, c);
                    case 1 -> s.insert(at, c);
                    default -> s.deleteCharAt(at);
                }
                assertSameOutcome(s.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void stringsOutsidePrintableAsciiGoToTheParser() {
        for (String value : new String[]{"caf\u00e9", "tab\there", "quote\\\"d", "\\u0041", "del\u007f"}) {
            byte[] bytes = ("{\"user_id\":\"u1\",\"item_id\":\"" + value + "\",\"price\":1.5,\"qty\":1,\"flag\":true,\"ts\":1700000000000}")
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(readsCanonically(bytes)).as(value).isFalse();
            assertSameOutcome(bytes);
        }
    }

    @Test
    void aTimestampOutOfRangeGoesToTheParserWhichRejectsIt() {
        byte[] bytes = "{\"user_id\":\"u1\",\"item_id\":\"i\",\"price\":1.5,\"qty\":1,\"flag\":true,\"ts\":999999999999999999}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(readsCanonically(bytes)).isFalse();
        assertSameOutcome(bytes);
    }
}
