package dev.freshet.learners.validation;

/**
 * Watches a stream of values (per-example losses) and says when their distribution has changed.
 * Implementations are not thread-safe; {@link ProgressiveValidation} calls them under its lock.
 */
public interface DriftDetector {

    /**
     * Adds the next value.
     *
     * @return true when this value completes a detected drift; the detector has then reset itself and
     *         starts learning the new regime from the next value
     * @throws IllegalArgumentException when the value is not finite
     */
    boolean add(double value);

    /**
     * The mean of the values before the last detected change, as the detector estimated it; NaN until
     * a drift has been detected.
     */
    double meanBeforeDrift();

    /** Forgets everything seen since the last drift (or the start), keeping the parameters. */
    void reset();
}
