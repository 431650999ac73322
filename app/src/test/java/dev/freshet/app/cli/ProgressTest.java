package dev.freshet.app.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final StringWriter text = new StringWriter();

    @Test
    void aBarShowsPercentRecordsRateAndTimeLeft() {
        Progress bar = Progress.bar(new PrintWriter(text), OptionalLong.of(1_000_000), now::get);

        assertThat(bar.barText(12_345, 250_000, 5 * SECOND))
                .isEqualTo("[######..................]  25%  12,345 records  2,469/s  ETA 0:15");
        assertThat(bar.barText(1, 1_000_000, SECOND)).isEqualTo("[########################] 100%  1 record  1/s  ETA 0:00");
    }

    @Test
    void withoutASizeThereIsNoPercentNorTimeLeft() {
        Progress bar = Progress.bar(new PrintWriter(text), OptionalLong.empty(), now::get);

        assertThat(bar.barText(500, 40_000, 2 * SECOND)).isEqualTo("500 records  250/s");
        assertThat(Progress.lines(new PrintWriter(text), OptionalLong.empty(), now::get).lineText(500, 40_000, 2 * SECOND))
                .isEqualTo("produce: 500 records sent, 250 records/s");
    }

    @Test
    void theBarRedrawsInPlaceAboutFiveTimesASecondAndFinishClearsIt() {
        Progress bar = Progress.bar(new PrintWriter(text), OptionalLong.of(100), now::get);

        bar.update(1, 10);
        assertThat(text.toString()).isEmpty();
        now.addAndGet(SECOND / 5);
        bar.update(2, 20);
        now.addAndGet(SECOND / 10);
        bar.update(3, 30);
        now.addAndGet(SECOND / 10);
        bar.update(4, 40);
        bar.finish();

        String shown = text.toString();
        assertThat(shown).doesNotContain("\n").startsWith("\r[#####");
        assertThat(shown.split("\r", -1)).hasSize(5); // two bars, then the clearing spaces between two returns
        assertThat(shown).endsWith("\r");
    }

    @Test
    void plainLinesComeEveryFiveSeconds() {
        Progress lines = Progress.lines(new PrintWriter(text), OptionalLong.of(1_000), now::get);

        for (int second = 1; second <= 12; second++) {
            now.addAndGet(SECOND);
            lines.update(second * 100L, second * 50L);
        }
        lines.finish();

        assertThat(text.toString().lines()).containsExactly(
                "produce: 500 records sent, 25% of the input, 100 records/s, about 0:15 left",
                "produce: 1,000 records sent, 50% of the input, 100 records/s, about 0:10 left");
    }

    @Test
    void clockTimes() {
        assertThat(Progress.clock(7)).isEqualTo("0:07");
        assertThat(Progress.clock(750)).isEqualTo("12:30");
        assertThat(Progress.clock(3723)).isEqualTo("1:02:03");
    }
}
