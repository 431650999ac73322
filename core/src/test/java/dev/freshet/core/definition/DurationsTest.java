package dev.freshet.core.definition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"500ms, 500", "30s, 30000", "5m, 300000", "1h, 3600000", "7d, 604800000", "2w, 1209600000", "0m, 0"})
    void parsesEveryUnit(String text, long millis) {
        assertThat(Durations.parse(text)).contains(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5x", "0.5h", "", " ", "-1m", "5", "m", "1h30m", "5M", "1e3ms", "PT5M", "999999999999w"})
    void rejectsWhatIsNotAWholeNumberAndAUnit(String text) {
        assertThat(Durations.parse(text)).isEmpty();
    }

    @Test
    void rejectsNull() {
        assertThat(Durations.parse(null)).isEmpty();
    }

    @Test
    void theLongestDurationStillCountsInMilliseconds() {
        // regression: 12 digits of weeks parsed, then overflowed wherever the window was compared in ms
        assertThat(Durations.parse("106751991167d")).contains(Duration.ofDays(106_751_991_167L));
        assertThat(Durations.parse("106751991168d")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"500ms, 500ms", "1500ms, 1500ms", "60s, 1m", "90s, 90s", "90m, 90m", "60m, 1h", "24h, 1d", "7d, 7d", "2w, 14d", "3d, 3d", "0s, 0ms"})
    void formatsTheShortestExactForm(String text, String formatted) {
        assertThat(Durations.format(Durations.parse(text).orElseThrow())).isEqualTo(formatted);
    }

    @Test
    void formatThenParseIsTheIdentity() {
        SplittableRandom random = new SplittableRandom(7);
        long[] units = {1, 1_000, 60_000, 3_600_000, 86_400_000, 604_800_000};
        for (int i = 0; i < 10_000; i++) {
            Duration d = Duration.ofMillis(units[random.nextInt(units.length)] * random.nextLong(1, 100_000));
            assertThat(Durations.parse(Durations.format(d))).as("%s", d).contains(d);
        }
    }
}
