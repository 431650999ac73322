package dev.freshet.app.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PhaseProgressTest {

    private final AtomicLong nanos = new AtomicLong();
    private final StringWriter text = new StringWriter();

    @Test
    void aBarShowsThePhaseItsShareAndTimeLeft() {
        PhaseProgress bar = PhaseProgress.bar(new PrintWriter(text), nanos::get);
        bar.phase("joining", 1_000_000);
        nanos.addAndGet(2_000_000_000L);
        bar.advance(250_000);
        assertThat(text.toString()).endsWith("joining         [######..................]  25%  250,000 / 1,000,000  ETA 0:06");
        bar.finish();
        assertThat(text.toString()).endsWith("\r");
    }

    @Test
    void anUnknownTotalShowsACount() {
        PhaseProgress bar = PhaseProgress.bar(new PrintWriter(text), nanos::get);
        bar.phase("reading spine", -1);
        nanos.addAndGet(1_000_000_000L);
        bar.advance(12_345);
        assertThat(text.toString()).endsWith("reading spine   12,345");
    }

    @Test
    void withoutATerminalItWritesALineEveryFiveSecondsAndOnePerPhase() {
        PhaseProgress lines = PhaseProgress.lines(new PrintWriter(text), nanos::get);
        lines.phase("sorting events of clicks", 100);
        lines.advance(10);
        nanos.addAndGet(5_000_000_000L);
        lines.advance(30);
        lines.phase("writing", 10);
        lines.advance(10);
        lines.finish();
        assertThat(text.toString().lines()).containsExactly(
                "training-set: sorting events of clicks 40 of 100 (40%), about 0:08 left",
                "training-set: sorting events of clicks 40, done in 5.0 s",
                "training-set: writing 10, done in 0.0 s");
    }

    @Test
    void memorySizesTakeUnits() {
        ByteSizeConverter sizes = new ByteSizeConverter();
        assertThat(sizes.convert("512m")).isEqualTo(512L << 20);
        assertThat(sizes.convert("2G")).isEqualTo(2L << 30);
        assertThat(sizes.convert("64KiB")).isEqualTo(64L << 10);
        assertThat(sizes.convert("1000")).isEqualTo(1000L);
        assertThatThrownBy(() -> sizes.convert("0m")).hasMessageContaining("more than 0");
        assertThatThrownBy(() -> sizes.convert("lots")).hasMessageContaining("'lots' is not an amount of memory");
    }
}
