package dev.freshet.app.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The progress of {@code freshet produce} on stderr. On a terminal, one bar redrawn in place about
 * five times a second: percent of the input's bytes (when its size is known), records, records per
 * second and time left. Elsewhere (a log file, a pipe), a plain line every five seconds, which a log
 * can keep. Used by one thread; time comes from the given nanosecond clock.
 */
final class Progress {

    static final long TERMINAL_REFRESH_NANOS = 200_000_000L;
    static final long LINE_INTERVAL_NANOS = 5_000_000_000L;

    private static final int BAR_WIDTH = 24;

    private final PrintWriter err;
    private final boolean terminal;
    private final OptionalLong totalBytes;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private long nextNanos;
    private int shownLength;

    private Progress(PrintWriter err, boolean terminal, OptionalLong totalBytes, LongSupplier nanoTime) {
        this.err = err;
        this.terminal = terminal;
        this.totalBytes = totalBytes;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
        this.nextNanos = startNanos + (terminal ? TERMINAL_REFRESH_NANOS : LINE_INTERVAL_NANOS);
    }

    /** A bar redrawn in place, for a terminal. */
    static Progress bar(PrintWriter err, OptionalLong totalBytes, LongSupplier nanoTime) {
        return new Progress(err, true, totalBytes, nanoTime);
    }

    /** A plain line every five seconds. */
    static Progress lines(PrintWriter err, OptionalLong totalBytes, LongSupplier nanoTime) {
        return new Progress(err, false, totalBytes, nanoTime);
    }

    /** Shows the progress when it is time to: cheap enough to call for every record. */
    void update(long records, long bytesRead) {
        long now = nanoTime.getAsLong();
        if (now - nextNanos < 0) {
            return;
        }
        nextNanos = now + (terminal ? TERMINAL_REFRESH_NANOS : LINE_INTERVAL_NANOS);
        long elapsed = now - startNanos;
        if (terminal) {
            String text = barText(records, bytesRead, elapsed);
            // Spaces cover what a longer previous text left on the line.
            err.print("\r" + text + " ".repeat(Math.max(0, shownLength - text.length())));
            shownLength = text.length();
        } else {
            err.println(lineText(records, bytesRead, elapsed));
        }
        err.flush();
    }

    /** Removes the bar, so that what comes next starts on a clean line. Idempotent. */
    void finish() {
        if (terminal && shownLength > 0) {
            err.print("\r" + " ".repeat(shownLength) + "\r");
            err.flush();
            shownLength = 0;
        }
    }

    /** {@code [#########...............]  38%  12,345 records  4,100/s  ETA 0:07}. */
    String barText(long records, long bytesRead, long elapsedNanos) {
        StringBuilder s = new StringBuilder();
        if (totalBytes.isPresent()) {
            double fraction = fraction(bytesRead);
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            s.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%%  ", (int) Math.floor(fraction * 100)));
        }
        s.append(Counts.plural(records, "record")).append("  ").append(rate(records, elapsedNanos)).append("/s");
        eta(bytesRead, elapsedNanos).ifPresent(eta -> s.append("  ETA ").append(clock(eta)));
        return s.toString();
    }

    /** {@code produce: 12,345 records sent, 38% of the input, 4,100 records/s, about 0:07 left}. */
    String lineText(long records, long bytesRead, long elapsedNanos) {
        StringBuilder s = new StringBuilder("produce: ").append(Counts.plural(records, "record")).append(" sent");
        if (totalBytes.isPresent()) {
            s.append(", ").append((int) Math.floor(fraction(bytesRead) * 100)).append("% of the input");
        }
        s.append(", ").append(rate(records, elapsedNanos)).append(" records/s");
        eta(bytesRead, elapsedNanos).ifPresent(eta -> s.append(", about ").append(clock(eta)).append(" left"));
        return s.toString();
    }

    private double fraction(long bytesRead) {
        long total = totalBytes.orElse(0);
        return total <= 0 ? 1.0 : Math.min(1.0, (double) bytesRead / total);
    }

    /** Seconds left at the average speed so far; empty when the size is unknown or nothing is read yet. */
    private OptionalLong eta(long bytesRead, long elapsedNanos) {
        if (totalBytes.isEmpty() || bytesRead <= 0 || elapsedNanos <= 0) {
            return OptionalLong.empty();
        }
        double left = Math.max(0, totalBytes.getAsLong() - bytesRead) * (elapsedNanos / 1e9) / bytesRead;
        return OptionalLong.of((long) Math.ceil(left));
    }

    static String rate(long records, long elapsedNanos) {
        return Counts.grouped(elapsedNanos <= 0 ? 0 : Math.round(records / (elapsedNanos / 1e9)));
    }

    /** {@code 0:07}, {@code 12:30}, {@code 1:02:03}. */
    static String clock(long seconds) {
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
