package dev.freshet.bandits.ope;

/** The off-policy estimators of a target policy's mean reward per decision. */
public enum Estimator {
    /** Inverse propensity scoring: the mean of {@code w_i r_i}, with {@code w_i = pi(a_i|x_i) / p_i}. Unbiased. */
    IPS,
    /** Self-normalised IPS: {@code sum w_i r_i / sum w_i}. Slightly biased, lower variance than IPS; NaN when every weight is 0. */
    SNIPS,
    /** Direct method: the mean of {@code sum_a pi(a|x_i) rhat(x_i, a)}. As biased as the reward model. */
    DM,
    /** Doubly robust: DM plus {@code w_i (r_i - rhat(x_i, a_i))}; unbiased when the propensities are right. */
    DR
}
