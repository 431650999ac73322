package dev.freshet.bandits.ope;

import java.util.Objects;

/**
 * One estimator's estimate of the target policy's mean reward per decision (in the rewards' units),
 * with a 95 % confidence interval {@code [lower, upper]} computed by {@code method}.
 */
public record Estimate(Estimator estimator, double value, double lower, double upper, IntervalMethod method) {

    public Estimate {
        Objects.requireNonNull(estimator, "estimator");
        Objects.requireNonNull(method, "method");
    }

    /** Whether {@code x} lies in the interval (ends included). */
    public boolean covers(double x) {
        return lower <= x && x <= upper;
    }
}
