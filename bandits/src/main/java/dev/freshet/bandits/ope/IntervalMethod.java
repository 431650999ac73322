package dev.freshet.bandits.ope;

/** How a 95 % confidence interval was computed. */
public enum IntervalMethod {
    /**
     * Normal approximation: {@code estimate ± 1.96 · sd / sqrt(n)} of the per-decision terms (sample
     * standard deviation); for SNIPS, the delta method, with terms {@code w_i (r_i - SNIPS) / mean(w)}.
     */
    NORMAL,
    /**
     * Seeded bootstrap: the 2.5th and 97.5th percentiles of the estimate over resamples of the
     * decisions with replacement. The reward model and target distributions are not recomputed per
     * resample, so the model's own uncertainty is not included.
     */
    BOOTSTRAP
}
