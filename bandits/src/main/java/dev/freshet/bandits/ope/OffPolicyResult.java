package dev.freshet.bandits.ope;

import java.util.List;
import java.util.NoSuchElementException;

/**
 * The outcome of evaluating a target policy on a log.
 *
 * @param decisions     n, the number of logged decisions
 * @param effectiveSize the effective sample size of the importance weights, {@code (sum w)^2 / sum w^2}:
 *                      n when the target is the logging policy, much less when they disagree
 *                      (0 when the target gives every logged action probability 0)
 * @param maxWeight     the largest importance weight {@code pi(a_i|x_i) / p_i}
 * @param estimates     every estimator with every interval method, in {@link Estimator} then
 *                      {@link IntervalMethod} order
 */
public record OffPolicyResult(int decisions, double effectiveSize, double maxWeight, List<Estimate> estimates) {

    public OffPolicyResult {
        estimates = List.copyOf(estimates);
    }

    /**
     * The estimate of one estimator with one interval method.
     *
     * @throws NoSuchElementException when this result has none such
     */
    public Estimate get(Estimator estimator, IntervalMethod method) {
        for (Estimate e : estimates) {
            if (e.estimator() == estimator && e.method() == method) {
                return e;
            }
        }
        throw new NoSuchElementException("no " + estimator + " estimate with a " + method + " interval in " + estimates);
    }
}
