package dev.freshet.core.definition;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints the compact durations of {@code freshet.yaml}: {@code 500ms, 30s, 5m, 1h, 7d, 2w}. */
public final class Durations {

    /** The rule shown in error messages. */
    public static final String RULE = "is not a duration (use a whole number and a unit: 500ms, 30s, 5m, 1h, 7d, 2w)";

    private static final Pattern PATTERN = Pattern.compile("\\s*(\\d{1,12})\\s*(ms|s|m|h|d|w)\\s*");

    private Durations() {
    }

    /**
     * The duration, or empty when the text is not a whole number followed by a unit, or is too long
     * to count in milliseconds (windows and tiles are compared as {@code long} milliseconds).
     */
    public static Optional<Duration> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = PATTERN.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            case "w" -> Duration.ofDays(7 * n);
            default -> throw new AssertionError(m.group(2));
        };
        try {
            d.toMillis();
        } catch (ArithmeticException tooLong) {
            return Optional.empty();
        }
        return Optional.of(d);
    }

    /**
     * The shortest exact form in days at most: {@code 7d}, {@code 90m}, {@code 1500ms}. Weeks are
     * accepted on input but printed as days, the unit people write windows and ttls in.
     */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms != 0 && ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms != 0 && ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms != 0 && ms % 1_000L == 0) {
            return ms / 1_000L + "s";
        }
        return ms + "ms";
    }
}
