package dev.freshet.bandits.policy;

import dev.freshet.bandits.Policy;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.core.definition.PolicyKind;
import dev.freshet.learners.Example;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The multi-armed policies' rules on small, hand-checked cases. */
class ArmPoliciesTest {

    private static final double NAN = Double.NaN;
    private static final List<String> ABC = List.of("a", "b", "c");

    private static Policy policy(PolicyKind kind, BanditOptions options) {
        return Fixtures.create(Fixtures.bandit(kind, options, ABC, 0));
    }

    private static void learn(Policy p, String action, double... rewards) {
        Example e = p.layout().newExample();
        for (double r : rewards) {
            p.learn(e, action, r, 1);
        }
    }

    private static double[] distribution(Policy p, List<String> candidates) {
        return p.distribution(p.layout().newExample(), candidates, new SplittableRandom(3));
    }

    @Test
    void epsilonGreedyTriesUntriedActionsFirstThenFavoursTheBestMean() {
        Policy p = policy(PolicyKind.EPSILON_GREEDY, Fixtures.options(0.3, NAN, null, null, 0, NAN, 0));
        assertThat(distribution(p, ABC)).containsExactly(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, within(1e-12));
        learn(p, "a", 1);
        // b and c are untried: they share the greedy mass.
        assertThat(distribution(p, ABC)).containsExactly(new double[] {0.1, 0.45, 0.45}, within(1e-12));
        learn(p, "b", 0, 1);
        learn(p, "c", 0);
        assertThat(distribution(p, ABC)).containsExactly(new double[] {0.8, 0.1, 0.1}, within(1e-12));
        learn(p, "c", 1, 1, 1);
        // a: mean 1, c: mean 0.75; a new candidate d is untried, so it is the greedy one.
        assertThat(distribution(p, List.of("c", "a"))).containsExactly(new double[] {0.15, 0.85}, within(1e-12));
        assertThat(distribution(p, List.of("c", "a", "d"))).containsExactly(new double[] {0.1, 0.1, 0.8}, within(1e-12));
    }

    @Test
    void epsilonGreedySplitsTies() {
        Policy p = policy(PolicyKind.EPSILON_GREEDY, Fixtures.options(0.3, NAN, null, null, 0, NAN, 0));
        learn(p, "a", 1);
        learn(p, "b", 1);
        learn(p, "c", 0);
        assertThat(distribution(p, ABC)).containsExactly(new double[] {0.45, 0.45, 0.1}, within(1e-12));
    }

    @Test
    void ucb1PlaysUntriedActionsFirstThenTheHighestBound() {
        Policy p = policy(PolicyKind.UCB1, Fixtures.options(NAN, 1, null, null, 0, NAN, 0));
        assertThat(distribution(p, ABC)).containsExactly(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, within(1e-12));
        learn(p, "a", 1, 1, 1, 1);
        assertThat(distribution(p, ABC)).containsExactly(new double[] {0, 0.5, 0.5}, within(1e-12));
        learn(p, "b", 0);
        learn(p, "c", 0, 0, 0, 0);
        // n = 9: a 1 + sqrt(2 ln 9 / 4) = 2.05, b 0 + sqrt(2 ln 9) = 2.10, c 1.05.
        assertThat(distribution(p, ABC)).containsExactly(new double[] {0, 1, 0}, within(1e-12));
    }

    @Test
    void minProbabilityFloorsEveryCandidate() {
        Policy p = policy(PolicyKind.UCB1, Fixtures.options(NAN, 1, null, null, 0, 0.05, 0));
        learn(p, "a", 1);
        assertThat(distribution(p, ABC)).containsExactly(new double[] {0.05, 0.475, 0.475}, within(1e-12));
    }

    @Test
    void bernoulliThompsonRejectsRewardsOutsideZeroOne() {
        Policy p = policy(PolicyKind.THOMPSON, Fixtures.options(NAN, NAN, BanditOptions.BERNOULLI, null, 0, NAN, 0));
        assertThatThrownBy(() -> learn(p, "a", 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0, 1]").hasMessageContaining("thompson: gaussian");
        assertThat(p.outcomesLearnt()).isZero();
        Policy g = policy(PolicyKind.THOMPSON, Fixtures.options(NAN, NAN, BanditOptions.GAUSSIAN, null, 0, NAN, 0));
        learn(g, "a", 2, -3.5, 10);
        assertThat(g.outcomesLearnt()).isEqualTo(3);
    }

    @Test
    void thompsonEstimatesTheProbabilityOfBeingBest() {
        Policy p = policy(PolicyKind.THOMPSON, Fixtures.options(NAN, NAN, BanditOptions.BERNOULLI, null, 0, NAN, 20_000));
        // a: Beta(1 + 60, 1 + 40), b: Beta(1 + 40, 1 + 60); P(a > b) is about 0.998, c never seen: Beta(1, 1).
        for (int i = 0; i < 100; i++) {
            learn(p, "a", i < 60 ? 1 : 0);
            learn(p, "b", i < 40 ? 1 : 0);
        }
        double[] two = distribution(p, List.of("a", "b"));
        assertThat(two[0]).isCloseTo(0.998, within(0.003));
        double[] three = distribution(p, ABC);
        // c is best when its uniform draw beats both: about P(U > ~0.6) = 0.4.
        assertThat(three[2]).isCloseTo(0.4, within(0.03));
        assertThat(three[1]).isLessThan(0.01);
    }

    @Test
    void gaussianThompsonFollowsTheMeans() {
        Policy p = policy(PolicyKind.THOMPSON, Fixtures.options(NAN, NAN, BanditOptions.GAUSSIAN, null, 0, NAN, 4_000));
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 200; i++) {
            learn(p, "a", 10 + r.nextGaussian());
            learn(p, "b", 9 + r.nextGaussian());
            learn(p, "c", 10.05 + r.nextGaussian());
        }
        double[] d = distribution(p, ABC);
        assertThat(d[1]).isLessThan(0.01);
        assertThat(d[0]).isBetween(0.1, 0.9);
        assertThat(d[2]).isBetween(0.1, 0.9);
    }
}
