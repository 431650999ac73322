package dev.freshet.bandits.policy;

import dev.freshet.bandits.Policy;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.core.definition.PolicyKind;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The linear policies' building blocks and rules. */
class LinearPoliciesTest {

    private static BanditOptions linear(String form, double alpha, int buckets) {
        BanditOptions d = BanditOptions.defaults();
        return new BanditOptions(d.epsilon(), alpha, 2.0, 0.5, d.thompson(), form, buckets, 0, 64, d.seed(), "");
    }

    @Test
    void contextEncoderWritesBiasNumbersAndHashedCategories() {
        ExampleLayout layout = ExampleLayout.of(List.of(), List.of("age", "country", "score"), List.of());
        ContextEncoder encoder = new ContextEncoder(layout, 8);
        assertThat(encoder.dimension()).isEqualTo(1 + 3 + 8);
        Example e = layout.newExample().setNumber(0, 0.5).setCategory(1, "fr");
        int n = encoder.encode(e);
        assertThat(n).isEqualTo(3);
        assertThat(encoder.indices[0]).isZero();
        assertThat(encoder.values[0]).isEqualTo(1.0);
        assertThat(encoder.indices[1]).isEqualTo(1);
        assertThat(encoder.values[1]).isEqualTo(0.5);
        assertThat(encoder.indices[2]).isBetween(4, 11);
        assertThat(encoder.values[2]).isEqualTo(1.0);
        int fr = encoder.indices[2];
        assertThat(encoder.encode(layout.newExample().setCategory(1, "fr"))).isEqualTo(2);
        assertThat(encoder.indices[1]).isEqualTo(fr);
    }

    @Test
    void shermanMorrisonMatchesTheRidgeSolution() {
        int d = 4;
        double lambda = 0.5;
        LinearModel model = new LinearModel(d, lambda);
        double[][] a = new double[d][d];
        double[] b = new double[d];
        for (int i = 0; i < d; i++) {
            a[i][i] = lambda;
        }
        SplittableRandom r = new SplittableRandom(9);
        int[] idx = {0, 1, 2, 3};
        double[] x = new double[d];
        double[] z = new double[d];
        for (int t = 0; t < 500; t++) {
            for (int i = 0; i < d; i++) {
                x[i] = r.nextDouble(-1, 1);
            }
            double reward = 0.3 * x[0] - 0.7 * x[2] + 0.1 * r.nextGaussian();
            model.update(idx, x, d, reward, z);
            for (int i = 0; i < d; i++) {
                b[i] += reward * x[i];
                for (int j = 0; j < d; j++) {
                    a[i][j] += x[i] * x[j];
                }
            }
        }
        double[] theta = solve(a, b);
        for (int i = 0; i < d; i++) {
            assertThat(model.theta[i]).isCloseTo(theta[i], within(1e-9));
            double[] e = new double[d];
            e[i] = 1;
            double[] column = solve(a, e);
            for (int j = 0; j < d; j++) {
                assertThat(model.ainv[j * d + i]).isCloseTo(column[j], within(1e-9));
                assertThat(model.ainv[j * d + i]).isEqualTo(model.ainv[i * d + j]);
            }
        }
        assertThat(model.count).isEqualTo(500);
    }

    /** Gaussian elimination with partial pivoting (a copy of a is used). */
    private static double[] solve(double[][] matrix, double[] rhs) {
        int n = rhs.length;
        double[][] m = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(matrix[i], 0, m[i], 0, n);
            m[i][n] = rhs[i];
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int i = c + 1; i < n; i++) {
                if (Math.abs(m[i][c]) > Math.abs(m[p][c])) {
                    p = i;
                }
            }
            double[] t = m[c];
            m[c] = m[p];
            m[p] = t;
            for (int i = c + 1; i < n; i++) {
                double f = m[i][c] / m[c][c];
                for (int j = c; j <= n; j++) {
                    m[i][j] -= f * m[c][j];
                }
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = m[i][n];
            for (int j = i + 1; j < n; j++) {
                s -= m[i][j] * x[j];
            }
            x[i] = s / m[i][i];
        }
        return x;
    }

    @Test
    void unseenCandidatesStartFromThePriorAndTiesSplit() {
        for (String form : List.of(BanditOptions.PER_ACTION, BanditOptions.SHARED)) {
            Policy p = Fixtures.create(Fixtures.bandit(PolicyKind.LIN_UCB, linear(form, 1, 16), List.of("a", "b"), 2));
            Example e = p.layout().newExample().setNumber(0, 0.3);
            assertThat(p.distribution(e, List.of("a", "b", "c", "d"), new SplittableRandom(1))).as(form)
                    .containsExactly(0.25, 0.25, 0.25, 0.25);
        }
    }

    @Test
    void theSharedFormScoresNewActionsFromWhatAllActionsShare() {
        for (String form : List.of(BanditOptions.PER_ACTION, BanditOptions.SHARED)) {
            LinUcb p = (LinUcb) Fixtures.create(Fixtures.bandit(PolicyKind.LIN_UCB, linear(form, 0, 16), List.of("a", "b"), 1));
            Example e = p.layout().newExample();
            SplittableRandom r = new SplittableRandom(4);
            for (int t = 0; t < 2000; t++) {
                double x = r.nextDouble(-1, 1);
                e.setNumber(0, x);
                p.learn(e, t % 2 == 0 ? "a" : "b", x > 0 ? 1 : 0, 0.5);
            }
            e.setNumber(0, 0.9);
            double high = meanOfNewAction(p, e);
            e.setNumber(0, -0.9);
            double low = meanOfNewAction(p, e);
            if (form.equals(BanditOptions.SHARED)) {
                assertThat(high).isGreaterThan(0.6);
                assertThat(low).isLessThan(0.4);
            } else {
                assertThat(high).isZero();
                assertThat(low).isZero();
            }
        }
    }

    private static double meanOfNewAction(LinUcb p, Example e) {
        p.distribution(e, List.of("never-seen"), new SplittableRandom(1));
        return p.model[0].mean(p.phiIndex[0], p.phiValue[0], p.phiCount[0]);
    }

    @Test
    void modelsTooLargeAreRejectedWhenCreated() {
        assertThatThrownBy(() -> Fixtures.create(Fixtures.bandit(PolicyKind.LIN_UCB, linear(BanditOptions.SHARED, 1, 64),
                List.of("a"), 5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hash_buckets 64 needs models of 4550 dimensions");
    }

    @Test
    void decisionsAndUpdatesAllocateOnlyTheReturnedArray() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<String> actions = Fixtures.actions(10);
        for (PolicyKind kind : List.of(PolicyKind.LIN_UCB, PolicyKind.LIN_TS)) {
            for (String form : List.of(BanditOptions.PER_ACTION, BanditOptions.SHARED)) {
                Policy p = Fixtures.create(Fixtures.bandit(kind, linear(form, 1, 4), actions, 15));
                Example e = p.layout().newExample();
                SplittableRandom r = new SplittableRandom(2);
                for (int s = 0; s < 15; s++) {
                    e.setNumber(s, r.nextDouble());
                }
                for (int t = 0; t < 2_000; t++) { // warm up: every action's model exists, code compiled
                    p.learn(e, actions.get(t % 10), r.nextDouble(), 0.5);
                    p.distribution(e, actions, r);
                }
                long before = threads.getCurrentThreadAllocatedBytes();
                int rounds = 5_000;
                for (int t = 0; t < rounds; t++) {
                    double[] dist = p.distribution(e, actions, r);
                    p.learn(e, actions.get(t % 10), dist[0], 0.5);
                }
                long perRound = (threads.getCurrentThreadAllocatedBytes() - before) / rounds;
                // The returned array of 10 doubles is 96 bytes.
                assertThat(perRound).as(kind + " " + form).isLessThanOrEqualTo(128);
            }
        }
    }
}
