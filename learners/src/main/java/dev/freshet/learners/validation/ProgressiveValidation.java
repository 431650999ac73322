package dev.freshet.learners.validation;

import java.util.Arrays;
import java.util.Objects;

/**
 * Progressive validation of an online learner (Blum, Kalai and Langford 1999): each example's score,
 * predicted before the learner learnt it, is recorded with its label. Keeps the count and the mean log
 * loss of everything recorded, and the last {@code window} examples in ring buffers of primitives from
 * which {@link #metrics()} computes rolling log loss, accuracy, AUC and calibration.
 *
 * <p>An optional {@link DriftDetector} watches the per-example log loss; each drift it signals is
 * counted and passed to an optional {@link DriftListener}.
 *
 * <p>Thread-safe: one thread typically calls {@link #record}, which allocates nothing (except a
 * {@link DriftEvent} when a drift is detected) and holds the lock for O(1) work; any thread may call
 * {@link #metrics()}, which copies the window under the lock and computes outside it in
 * O(window log window).
 */
public final class ProgressiveValidation {

    public static final int DEFAULT_WINDOW = 10_000;
    public static final int MAX_WINDOW = 1 << 24;

    private final int window;
    private final double[] scores;
    private final double[] labels;
    private final double[] losses;
    private final DriftDetector detector;
    private final DriftListener listener;

    private int next;
    private int filled;
    private long count;
    private double lossSum;
    private long drifts;

    private ProgressiveValidation(Builder b) {
        this.window = b.window;
        this.scores = new double[window];
        this.labels = new double[window];
        this.losses = new double[window];
        this.detector = b.detector;
        this.listener = b.listener;
    }

    /** With the default window of {@value #DEFAULT_WINDOW} examples and no drift detection. */
    public ProgressiveValidation() {
        this(builder());
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Records one example.
     *
     * @param score the probability the learner gave the example before learning it, in [0, 1]
     * @param label the label in [0, 1]: 1 positive, 0 negative, values in between soft labels
     * @throws IllegalArgumentException when the score or label is outside [0, 1] or NaN
     */
    public void record(double score, double label) {
        if (!(score >= 0 && score <= 1)) {
            throw new IllegalArgumentException("score is " + score + ", but scores are probabilities in [0, 1]");
        }
        if (!(label >= 0 && label <= 1)) {
            throw new IllegalArgumentException("label is " + label + ", but labels are in [0, 1]");
        }
        double loss = WindowMetrics.logLoss(score, label);
        DriftEvent event = null;
        synchronized (this) {
            scores[next] = score;
            labels[next] = label;
            losses[next] = loss;
            next = next + 1 == window ? 0 : next + 1;
            if (filled < window) {
                filled++;
            }
            count++;
            lossSum += loss;
            if (detector != null && detector.add(loss)) {
                drifts++;
                event = new DriftEvent(count, rollingLogLoss(), detector.meanBeforeDrift());
            }
        }
        if (event != null && listener != null) {
            listener.onDrift(event);
        }
    }

    /** The metrics now; see {@link Metrics} for what each is and when it is NaN. */
    public Metrics metrics() {
        double[] s;
        double[] y;
        double[] l;
        long n;
        double sum;
        long d;
        synchronized (this) {
            // The order of examples in the window does not matter to any metric, so the ring is copied as is.
            s = Arrays.copyOf(scores, filled);
            y = Arrays.copyOf(labels, filled);
            l = Arrays.copyOf(losses, filled);
            n = count;
            sum = lossSum;
            d = drifts;
        }
        return WindowMetrics.compute(n, sum, d, s, y, l, s.length);
    }

    /** The window size this validation was built with. */
    public int window() {
        return window;
    }

    private double rollingLogLoss() {
        double sum = 0;
        for (int i = 0; i < filled; i++) {
            sum += losses[i];
        }
        return sum / filled;
    }

    /** Configures a {@link ProgressiveValidation}; each setter checks its argument. Not thread-safe. */
    public static final class Builder {

        private int window = DEFAULT_WINDOW;
        private DriftDetector detector;
        private DriftListener listener;

        private Builder() {
        }

        /** How many recent examples the rolling metrics cover, in 1..{@value #MAX_WINDOW}; default {@value #DEFAULT_WINDOW}. */
        public Builder window(int window) {
            if (window < 1 || window > MAX_WINDOW) {
                throw new IllegalArgumentException("progressive validation window is " + window + ", but it must be in 1.." + MAX_WINDOW);
            }
            this.window = window;
            return this;
        }

        /** Watches the per-example log loss for drift; the detector must not be shared with anything else. */
        public Builder driftDetector(DriftDetector detector) {
            this.detector = Objects.requireNonNull(detector, "detector");
            return this;
        }

        /** Told of each drift; requires a {@link #driftDetector}. */
        public Builder onDrift(DriftListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public ProgressiveValidation build() {
            if (listener != null && detector == null) {
                throw new IllegalArgumentException("a drift listener was set but no drift detector: set driftDetector(...) too");
            }
            return new ProgressiveValidation(this);
        }
    }
}
