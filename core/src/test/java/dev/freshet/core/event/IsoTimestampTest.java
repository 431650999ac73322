package dev.freshet.core.event;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written ISO-8601 parser agrees with {@code java.time} wherever both accept a string. */
class IsoTimestampTest {

    private static final DateTimeFormatter JAVA = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    @Test
    void theRangeIsYears0000To9999() {
        assertThat(IsoTimestamp.MIN_MILLIS).isEqualTo(Instant.parse("0000-01-01T00:00:00Z").toEpochMilli());
        assertThat(IsoTimestamp.MAX_MILLIS).isEqualTo(Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli());
        assertThat(IsoTimestamp.isError(IsoTimestamp.MIN_MILLIS)).isFalse();
    }

    @Test
    void agreesWithJavaTimeOnRandomDateTimesAndOffsets() {
        SplittableRandom r = new SplittableRandom(42);
        for (int n = 0; n < 20_000; n++) {
            LocalDateTime local = LocalDateTime.of(r.nextInt(0, 10_000), r.nextInt(1, 13), 1, r.nextInt(24), r.nextInt(60), r.nextInt(60));
            local = local.withDayOfMonth(r.nextInt(1, local.toLocalDate().lengthOfMonth() + 1));
            int offsetMinutes = r.nextInt(4) == 0 ? 0 : r.nextInt(-18 * 60, 18 * 60 + 1);
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(offsetMinutes * 60);
            int fractionDigits = r.nextInt(-1, 10); // -1: no seconds at all
            if (fractionDigits == -1) {
                local = local.withSecond(0);
            }
            int nanos = fractionDigits <= 0 ? 0 : r.nextInt(1_000_000_000);
            String fraction = fractionDigits <= 0 ? "" : "." + String.format("%09d", nanos).substring(0, fractionDigits);
            nanos = fractionDigits <= 0 ? 0 : Integer.parseInt(String.format("%-9s", fraction.substring(1)).replace(' ', '0'));
            String dateTime = String.format("%04d-%02d-%02dT%02d:%02d", local.getYear(), local.getMonthValue(), local.getDayOfMonth(),
                    local.getHour(), local.getMinute()) + (fractionDigits == -1 ? "" : String.format(":%02d", local.getSecond()) + fraction);
            long expected = local.withNano(nanos).toInstant(offset).toEpochMilli();
            boolean inRange = expected >= IsoTimestamp.MIN_MILLIS && expected <= IsoTimestamp.MAX_MILLIS;

            for (String zone : zones(offsetMinutes, r)) {
                String s = dateTime + zone;
                assertThat(IsoTimestamp.parse(s)).as(s).isEqualTo(inRange ? expected : IsoTimestamp.OUT_OF_RANGE);
                if (inRange && !zone.matches("[+-]\\d\\d(\\d\\d)?")) {
                    assertThat(OffsetDateTime.parse(s, JAVA).toInstant().toEpochMilli()).as(s).isEqualTo(expected);
                }
            }
            assertThat(IsoTimestamp.parse(dateTime)).as(dateTime).isEqualTo(IsoTimestamp.NO_ZONE);
        }
    }

    /** The ways to write an offset: Z, z, ±HH:MM, and the basic ±HHMM and ±HH. */
    private static String[] zones(int offsetMinutes, SplittableRandom r) {
        String sign = offsetMinutes < 0 ? "-" : "+";
        int abs = Math.abs(offsetMinutes);
        String hh = String.format("%02d", abs / 60);
        String mm = String.format("%02d", abs % 60);
        String extended = sign + hh + ":" + mm;
        if (offsetMinutes == 0) {
            return new String[]{r.nextBoolean() ? "Z" : "z", extended, "-00:00", "+0000", "+00"};
        }
        return abs % 60 == 0 ? new String[]{extended, sign + hh + mm, sign + hh} : new String[]{extended, sign + hh + mm};
    }

    @Test
    void mutatedStringsNeverThrowAndAgreeWithJavaTimeWhenItAccepts() {
        SplittableRandom r = new SplittableRandom(7);
        String alphabet = "0123456789-:T.Z+tz x";
        String[] seeds = {"2026-11-21T10:00:00Z", "2024-02-29T23:59:59.999+18:00", "0000-01-01T00:00:00.5-03:30", "9999-12-31T23:59Z"};
        for (int n = 0; n < 50_000; n++) {
            StringBuilder b = new StringBuilder(seeds[r.nextInt(seeds.length)]);
            for (int m = r.nextInt(1, 4); m > 0 && !b.isEmpty(); m--) {
                int at = r.nextInt(b.length());
                switch (r.nextInt(3)) {
                    case 0 -> b.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
                    case 1 -> b.deleteCharAt(at);
                    default -> b.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                }
            }
            String s = b.toString();
            long ours = IsoTimestamp.parse(s);
            Long java = javaMillis(s);
            if (java != null && java >= IsoTimestamp.MIN_MILLIS && java <= IsoTimestamp.MAX_MILLIS) {
                // java.time also takes offsets with seconds and a decimal point without digits; RFC 3339 does not
                if (!s.matches(".*[+-]\\d\\d:\\d\\d:\\d\\d") && !s.matches(".*\\.\\D.*")) {
                    assertThat(ours).as(s).isEqualTo(java);
                }
            } else if (java != null) {
                assertThat(IsoTimestamp.isError(ours)).as(s + " is outside years 0000 to 9999").isTrue();
            } else if (!IsoTimestamp.isError(ours)) {
                assertThat(s).as("accepted by us only, so it must use a basic offset").matches(".*[+-]\\d\\d(\\d\\d)?");
            }
        }
    }

    private static Long javaMillis(String s) {
        try {
            return OffsetDateTime.parse(s, JAVA).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Test
    void parsesAWindowOfACharArray() {
        char[] chars = "xx2026-11-21T10:00:00Zyy".toCharArray();

        assertThat(IsoTimestamp.parse(chars, 2, 20)).isEqualTo(Instant.parse("2026-11-21T10:00:00Z").toEpochMilli());
        assertThat(IsoTimestamp.parse(chars, 2, 19)).isEqualTo(IsoTimestamp.NO_ZONE);
        assertThat(IsoTimestamp.parse(chars, 2, 21)).isEqualTo(IsoTimestamp.SYNTAX);
        assertThat(IsoTimestamp.parse(chars, 0, 0)).isEqualTo(IsoTimestamp.SYNTAX);
    }
}
