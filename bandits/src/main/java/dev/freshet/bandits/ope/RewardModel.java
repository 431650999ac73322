package dev.freshet.bandits.ope;

import dev.freshet.learners.Example;

/**
 * A model of the expected reward of an action in a context, used by the direct-method (DM) and
 * doubly robust (DR) estimators. Predictions are in the rewards' own units and must be finite.
 *
 * <p>A supplied model is used as is: it should not have been trained on the log being evaluated
 * (that biases DM and DR), which is why the built-in FTRL model is cross-fitted (see
 * {@link OffPolicyEvaluation.Builder#ftrlRewardModel}).
 */
@FunctionalInterface
public interface RewardModel {

    /** The expected reward of {@code action} in {@code context}. */
    double predict(Example context, String action);
}
