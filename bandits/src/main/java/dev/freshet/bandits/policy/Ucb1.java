package dev.freshet.bandits.policy;

import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.learners.ExampleLayout;

import java.util.random.RandomGenerator;

/**
 * UCB1 (Auer, Cesa-Bianchi and Fischer 2002): all mass on the candidates with the highest
 * {@code mean + alpha * sqrt(2 ln n / n_a)}, ties split, where {@code n_a} is the candidate's outcomes and
 * {@code n} the candidates' outcomes together. Untried candidates come first (their bound is infinite).
 * With {@code alpha = 1} this is UCB1 for rewards in [0, 1]; scale {@code alpha} with the reward range.
 * Deterministic: {@code min_probability} is what gives the other candidates a positive propensity.
 */
final class Ucb1 extends ArmPolicy {

    private final double alpha;
    private double[] scores = new double[8];

    Ucb1(BanditDefinition bandit, ExampleLayout layout) {
        super(bandit, layout);
        this.alpha = bandit.options().alpha();
    }

    @Override
    void choose(int k, RandomGenerator random, double[] p) {
        if (scores.length < k) {
            scores = new double[Math.max(k, scores.length * 2)];
        }
        long n = 0;
        for (int i = 0; i < k; i++) {
            n += current[i].count;
        }
        double logN = Math.log(Math.max(n, 1));
        for (int i = 0; i < k; i++) {
            Arm a = current[i];
            scores[i] = a.count == 0 ? Double.POSITIVE_INFINITY : a.mean + alpha * Math.sqrt(2 * logN / a.count);
        }
        argmaxInto(scores, k, p);
    }
}
