package dev.freshet.learners.validation;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ProgressiveValidationTest {

    private static final int WINDOW = 500;

    @Test
    void metricsEqualBruteForceBeforeAndAfterTheWindowWraps() {
        SplittableRandom random = new SplittableRandom(2024);
        ProgressiveValidation validation = ProgressiveValidation.builder().window(WINDOW).build();
        List<double[]> stream = new ArrayList<>();
        for (int n = 1; n <= 2_300; n++) {
            // Scores on a grid of 0.05 so that many tie; labels correlated with the score.
            double score = Math.round(random.nextDouble() * 20) / 20.0;
            double label = random.nextDouble() < 0.2 + 0.6 * score ? 1 : 0;
            stream.add(new double[]{score, label});
            validation.record(score, label);
            if (n == 1 || n == 7 || n == 300 || n == WINDOW || n == WINDOW + 1 || n == 1_234 || n == 2_300) {
                assertMatchesBruteForce(validation.metrics(), stream, WINDOW);
            }
        }
    }

    @Test
    void softLabelsCountAsIsInLogLossAndByHalfInAccuracy() {
        ProgressiveValidation validation = ProgressiveValidation.builder().window(4).build();
        List<double[]> stream = List.of(new double[]{0.9, 0.7}, new double[]{0.2, 0.4}, new double[]{0.6, 0.1},
                new double[]{0.3, 0.5}, new double[]{0.0, 0.0}, new double[]{1.0, 1.0});
        for (double[] e : stream) {
            validation.record(e[0], e[1]);
        }
        assertMatchesBruteForce(validation.metrics(), stream, 4);
        assertThat(validation.metrics().logLoss()).isFinite();
    }

    @Test
    void undefinedMetricsAreNaN() {
        ProgressiveValidation validation = new ProgressiveValidation();
        Metrics empty = validation.metrics();
        assertThat(empty.count()).isZero();
        assertThat(empty.windowSize()).isZero();
        assertThat(empty.cumulativeLogLoss()).isNaN();
        assertThat(empty.logLoss()).isNaN();
        assertThat(empty.auc()).isNaN();
        validation.record(0.3, 0);
        validation.record(0.6, 0);
        Metrics negativesOnly = validation.metrics();
        assertThat(negativesOnly.auc()).isNaN();
        assertThat(negativesOnly.calibration()).isNaN();
        assertThat(negativesOnly.accuracy()).isEqualTo(0.5);
        assertThat(negativesOnly.meanScore()).isCloseTo(0.45, within(1e-12));
    }

    @Test
    void rejectsBadScoresLabelsAndWindows() {
        ProgressiveValidation validation = new ProgressiveValidation();
        assertThatThrownBy(() -> validation.record(Double.NaN, 1)).hasMessageContaining("score is NaN");
        assertThatThrownBy(() -> validation.record(1.5, 1)).hasMessageContaining("score is 1.5");
        assertThatThrownBy(() -> validation.record(0.5, -1)).hasMessageContaining("label is -1.0");
        assertThatThrownBy(() -> ProgressiveValidation.builder().window(0)).hasMessageContaining("window is 0");
        assertThatThrownBy(() -> ProgressiveValidation.builder().onDrift(e -> { }).build())
                .hasMessageContaining("no drift detector");
        assertThat(validation.metrics().count()).isZero();
    }

    @Test
    void countsDriftsAndTellsTheListener() {
        List<DriftEvent> events = new ArrayList<>();
        // A noisy loss (variance about 0.45 on the good model) needs a larger delta than the default.
        ProgressiveValidation validation = ProgressiveValidation.builder().window(1_000)
                .driftDetector(new PageHinkley(0.05, 100, 30, 1.0)).onDrift(events::add).build();
        SplittableRandom random = new SplittableRandom(17);
        int change = 20_000;
        for (int n = 0; n < change + 2_000; n++) {
            boolean positive = random.nextBoolean();
            // A good model until the change, then the concept flips and its scores are wrong.
            double p = random.nextDouble() < 0.9 ? 0.9 : 0.1;
            double score = positive ? p : 1 - p;
            boolean label = n < change ? positive : !positive;
            validation.record(score, label ? 1 : 0);
        }
        assertThat(events).isNotEmpty();
        DriftEvent first = events.getFirst();
        assertThat(first.examplesSeen()).isBetween((long) change + 1, (long) change + 200);
        assertThat(first.meanLossBefore()).isCloseTo(0.33, within(0.05));
        assertThat(first.rollingLogLoss()).isGreaterThan(first.meanLossBefore());
        assertThat(validation.metrics().drifts()).isEqualTo(events.size());
    }

    @Test
    void metricsMayBeReadWhileAnotherThreadRecords() throws InterruptedException {
        ProgressiveValidation validation = ProgressiveValidation.builder().window(100).build();
        Thread writer = new Thread(() -> {
            SplittableRandom random = new SplittableRandom(1);
            for (int i = 0; i < 200_000; i++) {
                validation.record(random.nextDouble(), random.nextInt(2));
            }
        });
        writer.start();
        while (writer.isAlive()) {
            Metrics m = validation.metrics();
            assertThat(m.windowSize()).isBetween(0, 100);
            assertThat(m.count()).isGreaterThanOrEqualTo(m.windowSize());
        }
        writer.join();
        assertThat(validation.metrics().count()).isEqualTo(200_000);
    }

    private static void assertMatchesBruteForce(Metrics m, List<double[]> stream, int configuredWindow) {
        int window = Math.min(configuredWindow, stream.size());
        assertThat(m.count()).isEqualTo(stream.size());
        assertThat(m.windowSize()).isEqualTo(window);
        double total = 0;
        for (double[] e : stream) {
            total += logLoss(e[0], e[1]);
        }
        assertThat(m.cumulativeLogLoss()).isCloseTo(total / stream.size(), within(1e-9));
        List<double[]> last = stream.subList(stream.size() - window, stream.size());
        double loss = 0;
        double scores = 0;
        double labels = 0;
        int correct = 0;
        double wins = 0;
        int pairs = 0;
        for (double[] a : last) {
            loss += logLoss(a[0], a[1]);
            scores += a[0];
            labels += a[1];
            correct += (a[0] >= 0.5) == (a[1] >= 0.5) ? 1 : 0;
            for (double[] b : last) {
                if (a[1] >= 0.5 && b[1] < 0.5) {
                    pairs++;
                    wins += a[0] > b[0] ? 1 : a[0] == b[0] ? 0.5 : 0;
                }
            }
        }
        assertThat(m.logLoss()).isCloseTo(loss / window, within(1e-9));
        assertThat(m.accuracy()).isCloseTo((double) correct / window, within(1e-12));
        assertThat(m.auc()).isCloseTo(wins / pairs, within(1e-12));
        assertThat(m.meanScore()).isCloseTo(scores / window, within(1e-12));
        assertThat(m.meanLabel()).isCloseTo(labels / window, within(1e-12));
        assertThat(m.calibration()).isCloseTo(scores / labels, within(1e-9));
    }

    private static double logLoss(double score, double label) {
        double p = Math.min(1 - 1e-15, Math.max(1e-15, score));
        return -(label * Math.log(p) + (1 - label) * Math.log(1 - p));
    }
}
