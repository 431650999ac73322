package dev.freshet.bandits.policy;

import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;

import java.util.random.RandomGenerator;

/**
 * Thompson sampling. The distribution over candidates is the probability of each being the best under
 * the posterior, estimated from {@code samples} joint draws of the candidates' posteriors from the caller's
 * generator (ties split): the decision service then samples from exactly this distribution, so the
 * logged propensity is exact for what was done, at the cost of {@code samples} draws per decision
 * (instead of classic Thompson sampling's one, whose propensity is unknown).
 *
 * <ul>
 *   <li>{@code bernoulli}: a Beta(1, 1) prior per action; a reward r in [0, 1] adds r to a and 1 - r to b,
 *       so the posterior is Beta(1 + sum, 1 + n - sum). Other rewards are rejected.</li>
 *   <li>{@code gaussian}: a Normal-Gamma prior per action (mean 0, kappa 1, shape 1, rate 1) over the
 *       reward's unknown mean and precision; a draw takes a precision tau from Gamma(1 + n/2, rate beta_n)
 *       and the mean from N(mu_n, 1 / ((1 + n) tau)), with mu_n = sum / (1 + n) and
 *       beta_n = 1 + m2/2 + n mean² / (2 (1 + n)). Rewards of any finite value.</li>
 * </ul>
 */
final class Thompson extends ArmPolicy {

    private final boolean bernoulli;
    private final int samples;
    private double[] draws = new double[8];

    Thompson(BanditDefinition bandit, ExampleLayout layout) {
        super(bandit, layout);
        this.bernoulli = bandit.options().thompson().equals(BanditOptions.BERNOULLI);
        this.samples = bandit.options().samples();
    }

    @Override
    void choose(int k, RandomGenerator random, double[] p) {
        if (draws.length < k) {
            draws = new double[Math.max(k, draws.length * 2)];
        }
        // p holds the counts until the end.
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < k; i++) {
                draws[i] = bernoulli ? drawBeta(current[i], random) : drawNormalGamma(current[i], random);
            }
            countArgmax(draws, k, p);
        }
        for (int i = 0; i < k; i++) {
            p[i] /= samples;
        }
    }

    @Override
    void update(Example context, String action, double reward) {
        if (bernoulli && !(reward >= 0 && reward <= 1)) {
            throw new IllegalArgumentException("bandit " + bandit.name() + ": the reward of action " + action + " is " + reward
                    + ", but thompson: bernoulli needs rewards in [0, 1] (use thompson: gaussian for other rewards)");
        }
        super.update(context, action, reward);
    }

    private static double drawBeta(Arm arm, RandomGenerator random) {
        double sum = arm.sum();
        return RandomVariates.beta(1 + sum, 1 + Math.max(0, arm.count - sum), random);
    }

    private static double drawNormalGamma(Arm arm, RandomGenerator random) {
        long n = arm.count;
        double kappa = 1 + n;
        double mu = arm.mean * n / kappa;
        double rate = 1 + arm.m2 / 2 + n * arm.mean * arm.mean / (2 * kappa);
        double tau = RandomVariates.gamma(1 + n / 2.0, random) / rate;
        return mu + random.nextGaussian() / Math.sqrt(kappa * tau);
    }
}
