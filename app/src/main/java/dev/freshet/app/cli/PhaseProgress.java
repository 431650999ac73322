package dev.freshet.app.cli;

import dev.freshet.offline.join.JoinProgress;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The progress of a job in phases (reading the spine, sorting, joining, writing) on stderr: on a
 * terminal a bar redrawn in place about five times a second, elsewhere a line every five seconds
 * and one per phase. Called by the job's thread only.
 */
final class PhaseProgress implements JoinProgress {

    private static final int BAR_WIDTH = 24;

    private final PrintWriter err;
    private final boolean terminal;
    private final LongSupplier nanoTime;
    private String phase;
    private long total;
    private long done;
    private long phaseStart;
    private long nextNanos;
    private int shownLength;

    private PhaseProgress(PrintWriter err, boolean terminal, LongSupplier nanoTime) {
        this.err = err;
        this.terminal = terminal;
        this.nanoTime = nanoTime;
    }

    static PhaseProgress bar(PrintWriter err, LongSupplier nanoTime) {
        return new PhaseProgress(err, true, nanoTime);
    }

    static PhaseProgress lines(PrintWriter err, LongSupplier nanoTime) {
        return new PhaseProgress(err, false, nanoTime);
    }

    @Override
    public void phase(String name, long totalUnits) {
        if (phase != null && !terminal) {
            err.println(doneText());
        }
        phase = name;
        total = totalUnits;
        done = 0;
        phaseStart = nanoTime.getAsLong();
        nextNanos = phaseStart;
        show(true);
    }

    @Override
    public void advance(long units) {
        done += units;
        show(false);
    }

    private void show(boolean force) {
        long now = nanoTime.getAsLong();
        if (!force && now - nextNanos < 0) {
            return;
        }
        nextNanos = now + (terminal ? Progress.TERMINAL_REFRESH_NANOS : Progress.LINE_INTERVAL_NANOS);
        if (terminal) {
            String text = barText(now);
            err.print("\r" + text + " ".repeat(Math.max(0, shownLength - text.length())));
            shownLength = text.length();
        } else if (!force) {
            err.println(lineText(now));
        }
        err.flush();
    }

    /** Removes the bar (or ends the last phase's lines). Idempotent. */
    void finish() {
        if (terminal && shownLength > 0) {
            err.print("\r" + " ".repeat(shownLength) + "\r");
            shownLength = 0;
        } else if (!terminal && phase != null) {
            err.println(doneText());
            phase = null;
        }
        err.flush();
    }

    /** {@code joining  [#########...............]  38%  380,000 / 1,000,000  ETA 0:07}. */
    String barText(long now) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-16s", phase));
        if (total > 0) {
            double fraction = Math.min(1.0, (double) done / total);
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            s.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%%  ", (int) Math.floor(fraction * 100)))
                    .append(Counts.grouped(done)).append(" / ").append(Counts.grouped(total));
            eta(now).ifPresent(eta -> s.append("  ETA ").append(Progress.clock(eta)));
        } else {
            s.append(Counts.grouped(done));
        }
        return s.toString();
    }

    /** {@code training-set: joining 380,000 of 1,000,000 (38%), about 0:07 left}. */
    String lineText(long now) {
        StringBuilder s = new StringBuilder("training-set: ").append(phase).append(' ').append(Counts.grouped(done));
        if (total > 0) {
            s.append(" of ").append(Counts.grouped(total)).append(" (").append((int) Math.floor(Math.min(1.0, (double) done / total) * 100)).append("%)");
            eta(now).ifPresent(eta -> s.append(", about ").append(Progress.clock(eta)).append(" left"));
        }
        return s.toString();
    }

    /** {@code training-set: joining 1,000,000 rows, done in 4.2 s}. */
    private String doneText() {
        return String.format(java.util.Locale.ROOT, "training-set: %s %s, done in %.1f s", phase, Counts.grouped(done),
                (nanoTime.getAsLong() - phaseStart) / 1e9);
    }

    private java.util.OptionalLong eta(long now) {
        long elapsed = now - phaseStart;
        if (total <= 0 || done <= 0 || elapsed <= 0) {
            return java.util.OptionalLong.empty();
        }
        return java.util.OptionalLong.of((long) Math.ceil(Math.max(0, total - done) * (elapsed / 1e9) / done));
    }
}
