package dev.freshet.learners.validation;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PageHinkleyTest {

    /** A loss around {@code mean}, standard deviation about 0.05, never negative. */
    private static double loss(SplittableRandom random, double mean) {
        double u = 1.0 - random.nextDouble();
        double gaussian = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
        return Math.max(0, mean + 0.05 * gaussian);
    }

    @Test
    void firesSoonAfterAnAbruptIncrease() {
        PageHinkley detector = new PageHinkley();
        SplittableRandom random = new SplittableRandom(8);
        int change = 5_000;
        int firedAt = -1;
        for (int i = 0; i < change + 1_000 && firedAt < 0; i++) {
            if (detector.add(loss(random, i < change ? 0.3 : 0.8))) {
                firedAt = i;
            }
        }
        // About lambda / (0.8 - 0.3) = 100 examples after the change.
        assertThat(firedAt).isBetween(change, change + 200);
        assertThat(detector.meanBeforeDrift()).isCloseTo(0.3, within(0.02));
    }

    @Test
    void neverFiresOnALongStationaryStream() {
        PageHinkley detector = new PageHinkley();
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < 1_000_000; i++) {
            assertThat(detector.add(loss(random, 0.3))).as("example %d", i).isFalse();
        }
        assertThat(detector.meanBeforeDrift()).isNaN();
    }

    @Test
    void ignoresADecreaseAndWaitsForMinimumExamples() {
        PageHinkley detector = new PageHinkley(0.005, 5, 100, 1.0);
        for (int i = 0; i < 99; i++) {
            assertThat(detector.add(i < 10 ? 0.0 : 10.0)).isFalse();
        }
        assertThat(detector.add(10.0)).isTrue();  // the 100th value may fire
        PageHinkley down = new PageHinkley();
        for (int i = 0; i < 10_000; i++) {
            assertThat(down.add(i < 5_000 ? 1.0 : 0.1)).isFalse();
        }
    }

    @Test
    void resetsAfterADriftAndLearnsTheNewRegime() {
        PageHinkley detector = new PageHinkley();
        SplittableRandom random = new SplittableRandom(10);
        int drifts = 0;
        for (int i = 0; i < 200_000; i++) {
            drifts += detector.add(loss(random, i < 1_000 ? 0.2 : 0.9)) ? 1 : 0;
        }
        assertThat(drifts).isEqualTo(1);
    }

    @Test
    void rejectsBadParametersNamingThem() {
        assertThatThrownBy(() -> new PageHinkley(-1, 50, 30, 1)).hasMessageContaining("delta is -1.0");
        assertThatThrownBy(() -> new PageHinkley(0.005, 0, 30, 1)).hasMessageContaining("lambda is 0.0");
        assertThatThrownBy(() -> new PageHinkley(0.005, 50, 0, 1)).hasMessageContaining("minExamples is 0");
        assertThatThrownBy(() -> new PageHinkley(0.005, 50, 30, 0)).hasMessageContaining("alpha is 0.0");
        assertThatThrownBy(() -> new PageHinkley().add(Double.NaN)).hasMessageContaining("value is NaN");
    }
}
