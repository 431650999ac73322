package dev.freshet.core.event;

/**
 * Parses the ISO-8601 date-times that event timestamps may be sent as, to epoch milliseconds,
 * without allocating: {@code java.time} allocates several objects per parse and reports a bad
 * string with an exception, which is too slow for a field of every record.
 *
 * <p>The accepted form is RFC 3339's, the one {@link java.time.format.DateTimeFormatter#ISO_OFFSET_DATE_TIME}
 * parses: {@code yyyy-MM-ddTHH:mm[:ss[.f…]]} followed by {@code Z} or an offset {@code ±HH:mm};
 * also accepted are the basic offsets {@code ±HHmm} and {@code ±HH}, which common
 * {@code strftime("%z")} producers send. Digits after milliseconds are truncated; {@code T} and
 * {@code Z} may be lower case. Years are 0000 to 9999; the instant must lie in
 * [{@link #MIN_MILLIS}, {@link #MAX_MILLIS}].
 *
 * <p>Public so that every place that reads a timestamp as text (events, training-set spines) accepts
 * the same forms; stateless.
 */
public final class IsoTimestamp {

    /** 0000-01-01T00:00:00Z: the earliest event time Freshet accepts. */
    public static final long MIN_MILLIS = -62_167_219_200_000L;
    /** 9999-12-31T23:59:59.999Z: the latest event time Freshet accepts. */
    public static final long MAX_MILLIS = 253_402_300_799_999L;

    /** {@link #parse} result: a date-time without {@code Z} or an offset. */
    public static final long NO_ZONE = Long.MIN_VALUE;
    /** {@link #parse} result: not of the accepted form. */
    public static final long SYNTAX = Long.MIN_VALUE + 1;
    /** {@link #parse} result: the form is right but a part is out of range (month 13, February 30, an offset of +25:00). */
    public static final long OUT_OF_RANGE = Long.MIN_VALUE + 2;

    private IsoTimestamp() {
    }

    /** True for results of {@link #parse} that are errors rather than instants. */
    public static boolean isError(long result) {
        return result <= OUT_OF_RANGE;
    }

    /** Epoch milliseconds, or one of {@link #NO_ZONE}, {@link #SYNTAX} and {@link #OUT_OF_RANGE}. */
    public static long parse(String s) {
        return parse(s.toCharArray(), 0, s.length());
    }

    /**
     * Parses {@code chars[offset, offset + length)}, such as the text buffer of a JSON parser, so
     * that the string need not be created.
     *
     * @return epoch milliseconds, or one of {@link #NO_ZONE}, {@link #SYNTAX} and {@link #OUT_OF_RANGE}
     */
    static long parse(char[] chars, int offset, int length) {
        Chars s = new Chars(chars, offset, length);
        int n = length;
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || s.charAt(4) != '-' || s.charAt(7) != '-'
                || (s.charAt(10) != 'T' && s.charAt(10) != 't') || s.charAt(13) != ':') {
            return SYNTAX;
        }
        int i = 16;
        int second = 0;
        int millis = 0;
        if (i < n && s.charAt(i) == ':') {
            second = digits(s, i + 1, 2);
            if (second < 0) {
                return SYNTAX;
            }
            i += 3;
            if (i < n && s.charAt(i) == '.') {
                int start = ++i;
                while (i < n && isDigit(s.charAt(i))) {
                    if (i - start < 3) {
                        millis = millis * 10 + (s.charAt(i) - '0');
                    }
                    i++;
                }
                int count = i - start;
                if (count == 0 || count > 9) {
                    return SYNTAX;
                }
                for (int k = count; k < 3; k++) {
                    millis *= 10;
                }
            }
        }
        if (i == n) {
            return NO_ZONE;
        }
        int offsetSeconds;
        char c = s.charAt(i);
        if (c == 'Z' || c == 'z') {
            offsetSeconds = 0;
            i++;
        } else if (c == '+' || c == '-') {
            int offsetHours = digits(s, i + 1, 2);
            if (offsetHours < 0) {
                return SYNTAX;
            }
            i += 3;
            int offsetMinutes = 0;
            if (i < n) {
                int colon = s.charAt(i) == ':' ? 1 : 0;
                offsetMinutes = digits(s, i + colon, 2);
                if (offsetMinutes < 0) {
                    return SYNTAX;
                }
                i += colon + 2;
            }
            if (offsetHours > 18 || offsetMinutes > 59 || (offsetHours == 18 && offsetMinutes > 0)) {
                return OUT_OF_RANGE;
            }
            offsetSeconds = (c == '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
        } else {
            return SYNTAX;
        }
        if (i != n) {
            return SYNTAX;
        }
        if (month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
            return OUT_OF_RANGE;
        }
        long seconds = epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        long epochMillis = seconds * 1000 + millis;
        return inRange(epochMillis) ? epochMillis : OUT_OF_RANGE;
    }

    static boolean inRange(long epochMillis) {
        return epochMillis >= MIN_MILLIS && epochMillis <= MAX_MILLIS;
    }

    /** The value of {@code count} decimal digits at {@code from}, or -1 when they are not all there. */
    private static int digits(Chars s, int from, int count) {
        if (from + count > s.length()) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int lengthOfMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
    private static long epochDay(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    /** A window on a char array; never escapes {@link #parse}, so the JIT can remove it. */
    private record Chars(char[] chars, int offset, int length) {
        char charAt(int i) {
            return chars[offset + i];
        }
    }
}
