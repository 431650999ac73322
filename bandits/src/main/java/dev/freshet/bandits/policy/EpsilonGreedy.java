package dev.freshet.bandits.policy;

import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.learners.ExampleLayout;

import java.util.random.RandomGenerator;

/**
 * Epsilon-greedy: the greedy candidates share {@code 1 - epsilon}, and every candidate gets
 * {@code epsilon / k} on top. The greedy candidates are those with the best mean reward, ties split;
 * but while any candidate has no outcome yet, the untried candidates are the greedy ones, so each
 * action is tried before means are compared (an untried action's mean is unknown, not 0).
 */
final class EpsilonGreedy extends ArmPolicy {

    private final double epsilon;

    EpsilonGreedy(BanditDefinition bandit, ExampleLayout layout) {
        super(bandit, layout);
        this.epsilon = bandit.options().epsilon();
    }

    @Override
    void choose(int k, RandomGenerator random, double[] p) {
        boolean anyUntried = false;
        for (int i = 0; i < k; i++) {
            anyUntried |= current[i].count == 0;
        }
        double best = Double.NEGATIVE_INFINITY;
        int ties = 0;
        for (int i = 0; i < k; i++) {
            double s = score(current[i], anyUntried);
            if (s > best) {
                best = s;
                ties = 1;
            } else if (s == best) {
                ties++;
            }
        }
        double explore = epsilon / k;
        double greedy = (1 - epsilon) / ties;
        for (int i = 0; i < k; i++) {
            p[i] = explore + (score(current[i], anyUntried) == best ? greedy : 0);
        }
    }

    private static double score(Arm arm, boolean anyUntried) {
        return anyUntried ? (arm.count == 0 ? 1 : 0) : arm.mean;
    }
}
