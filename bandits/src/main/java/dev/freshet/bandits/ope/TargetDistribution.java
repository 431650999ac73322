package dev.freshet.bandits.ope;

import dev.freshet.learners.Example;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The policy being evaluated: for a context and its candidates, the probability of choosing each
 * candidate, in candidate order. A {@link dev.freshet.bandits.Policy} is one through a method
 * reference: {@code policy::distribution}.
 *
 * <p>{@link OffPolicyEvaluation} calls it once per logged decision, in log order, with one seeded
 * generator for the whole log, so randomised targets (Thompson sampling) give replayable estimates.
 * The returned array must have one entry per candidate, each in [0, 1], summing to 1 within 1e-6.
 */
@FunctionalInterface
public interface TargetDistribution {

    double[] distribution(Example context, List<String> candidates, RandomGenerator random);
}
