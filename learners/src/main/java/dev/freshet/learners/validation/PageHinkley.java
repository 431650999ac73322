package dev.freshet.learners.validation;

/**
 * The Page-Hinkley test for an increase in the mean of a stream (Page 1954; Gama et al. 2013): keeps
 * the running mean and the cumulative sum {@code m_t = alpha * m_(t-1) + (x_t - mean_t - delta)} and
 * signals a drift when {@code m_t - min(m)} exceeds lambda, after at least {@code minExamples} values.
 * It watches losses, so only increases (the model getting worse) are drifts.
 *
 * <p>lambda is in the units of the values: for per-example log loss, whose variance is large on noisy
 * problems, a larger lambda (or delta) avoids false alarms on a stationary stream; the defaults suit
 * losses with a standard deviation up to about 0.1 (false alarms become likely once the variance
 * nears {@code 2 * delta * lambda}).
 *
 * <p>The mean before a change is estimated as the running mean when the cumulative sum was at its
 * minimum, which is where the test places the change. Not thread-safe.
 */
public final class PageHinkley implements DriftDetector {

    public static final double DEFAULT_DELTA = 0.005;
    public static final double DEFAULT_LAMBDA = 50;
    public static final int DEFAULT_MIN_EXAMPLES = 30;
    public static final double DEFAULT_ALPHA = 1.0;

    private final double delta;
    private final double lambda;
    private final int minExamples;
    private final double alpha;

    private long count;
    private double mean;
    private double sum;
    private double min;
    private double meanAtMin;
    private double meanBeforeDrift = Double.NaN;

    /** With the defaults: delta 0.005, lambda 50, 30 examples, no forgetting. */
    public PageHinkley() {
        this(DEFAULT_DELTA, DEFAULT_LAMBDA, DEFAULT_MIN_EXAMPLES, DEFAULT_ALPHA);
    }

    /**
     * @param delta       the magnitude of change tolerated (non-negative)
     * @param lambda      the threshold (positive)
     * @param minExamples how many values must be seen after a reset before a drift may be signalled (at least 1)
     * @param alpha       the forgetting factor of the cumulative sum, in (0, 1]; 1 forgets nothing
     * @throws IllegalArgumentException naming the parameter and its rule when one is out of range
     */
    public PageHinkley(double delta, double lambda, int minExamples, double alpha) {
        if (!(delta >= 0) || !Double.isFinite(delta)) {
            throw new IllegalArgumentException("Page-Hinkley delta is " + delta + ", but it must be a non-negative number");
        }
        if (!(lambda > 0) || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException("Page-Hinkley lambda is " + lambda + ", but it must be a positive number");
        }
        if (minExamples < 1) {
            throw new IllegalArgumentException("Page-Hinkley minExamples is " + minExamples + ", but it must be at least 1");
        }
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("Page-Hinkley alpha is " + alpha + ", but it must be in (0, 1]");
        }
        this.delta = delta;
        this.lambda = lambda;
        this.minExamples = minExamples;
        this.alpha = alpha;
        reset();
    }

    @Override
    public boolean add(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("Page-Hinkley value is " + value + ", but values must be finite");
        }
        count++;
        mean += (value - mean) / count;
        sum = alpha * sum + (value - mean - delta);
        if (sum <= min) {
            min = sum;
            meanAtMin = mean;
        }
        if (count >= minExamples && sum - min > lambda) {
            meanBeforeDrift = meanAtMin;
            reset();
            return true;
        }
        return false;
    }

    @Override
    public double meanBeforeDrift() {
        return meanBeforeDrift;
    }

    @Override
    public void reset() {
        count = 0;
        mean = 0;
        sum = 0;
        min = Double.POSITIVE_INFINITY;
        meanAtMin = Double.NaN;
    }

    @Override
    public String toString() {
        return "PageHinkley[delta=" + delta + ", lambda=" + lambda + ", minExamples=" + minExamples + ", alpha=" + alpha + "]";
    }
}
