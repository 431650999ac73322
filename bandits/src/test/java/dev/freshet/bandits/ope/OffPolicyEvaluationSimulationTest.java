package dev.freshet.bandits.ope;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Estimators against the exact value of a known target, over 30 seeded logs of 5,000 decisions each:
 * intervals cover the truth in most logs, DR beats IPS with a good reward model, and DR stays close
 * when a bad reward model makes DM wrong.
 */
class OffPolicyEvaluationSimulationTest {

    private static final int SEEDS = 30;
    private static final int DECISIONS = 5_000;
    private static final double TRUTH = SyntheticBandit.trueTargetValue();

    private static Summary perfect;
    private static Summary ftrl;
    private static Summary bad;

    @BeforeAll
    static void simulate() {
        perfect = run(OffPolicyEvaluation.builder().rewardModel(SyntheticBandit::mean));
        ftrl = run(OffPolicyEvaluation.builder().directMethodRefits(40)); // 40 fits a log, not 100: the test's time
        // A bad model: each action's prediction is the true mean of another action.
        bad = run(OffPolicyEvaluation.builder().rewardModel((context, action) -> SyntheticBandit.mean(context,
                SyntheticBandit.ACTIONS.get((SyntheticBandit.ACTIONS.indexOf(action) + 1) % SyntheticBandit.ACTIONS.size()))));
        System.out.printf("OPE simulation, truth %.4f, %d logs of %d decisions%n", TRUTH, SEEDS, DECISIONS);
        perfect.print("perfect reward model");
        ftrl.print("built-in FTRL reward model");
        bad.print("bad reward model");
    }

    @Test
    void intervalsCoverTheTruthInMostLogs() {
        for (Summary s : List.of(perfect, ftrl)) {
            for (Estimator e : Estimator.values()) {
                for (IntervalMethod m : IntervalMethod.values()) {
                    assertThat(s.coverage(e, m)).as("%s %s coverage", e, m).isGreaterThanOrEqualTo(0.8);
                }
            }
        }
    }

    @Test
    void doublyRobustBeatsIpsWithAGoodRewardModel() {
        assertThat(perfect.mae(Estimator.DR)).isLessThan(perfect.mae(Estimator.IPS));
        assertThat(ftrl.mae(Estimator.DR)).isLessThan(ftrl.mae(Estimator.IPS));
        assertThat(perfect.mae(Estimator.DM)).isLessThan(0.01);
    }

    @Test
    void doublyRobustSurvivesABadRewardModel() {
        assertThat(Math.abs(bad.bias(Estimator.DM))).isGreaterThan(0.05);
        assertThat(bad.coverage(Estimator.DM, IntervalMethod.NORMAL)).isLessThan(0.2);
        assertThat(Math.abs(bad.bias(Estimator.DR))).isLessThan(0.01);
        assertThat(bad.mae(Estimator.DR)).isLessThan(0.03);
        assertThat(bad.coverage(Estimator.DR, IntervalMethod.NORMAL)).isGreaterThanOrEqualTo(0.8);
    }

    private static Summary run(OffPolicyEvaluation.Builder builder) {
        Summary s = new Summary();
        for (int seed = 0; seed < SEEDS; seed++) {
            OffPolicyResult result = builder.target((context, candidates, random) -> SyntheticBandit.target(context, candidates))
                    .seed(seed).build().evaluate(SyntheticBandit.log(1_000 + seed, DECISIONS));
            s.add(result);
        }
        return s;
    }

    /** Per estimator: summed error, absolute error, and coverage counts per interval method. */
    private static final class Summary {
        final Map<Estimator, double[]> errors = new EnumMap<>(Estimator.class);
        final Map<Estimator, int[]> covered = new EnumMap<>(Estimator.class);
        double ess;
        final Map<Estimator, double[]> width = new EnumMap<>(Estimator.class);

        void add(OffPolicyResult result) {
            ess += result.effectiveSize() / SEEDS;
            for (Estimator e : Estimator.values()) {
                double err = result.get(e, IntervalMethod.NORMAL).value() - TRUTH;
                double[] sums = errors.computeIfAbsent(e, k -> new double[2]);
                sums[0] += err / SEEDS;
                sums[1] += Math.abs(err) / SEEDS;
                width.computeIfAbsent(e, k -> new double[1])[0] += (result.get(e, IntervalMethod.NORMAL).upper() - result.get(e, IntervalMethod.NORMAL).value()) / SEEDS;
                int[] c = covered.computeIfAbsent(e, k -> new int[2]);
                for (IntervalMethod m : IntervalMethod.values()) {
                    c[m.ordinal()] += result.get(e, m).covers(TRUTH) ? 1 : 0;
                }
            }
        }

        double bias(Estimator e) {
            return errors.get(e)[0];
        }

        double mae(Estimator e) {
            return errors.get(e)[1];
        }

        double coverage(Estimator e, IntervalMethod m) {
            return covered.get(e)[m.ordinal()] / (double) SEEDS;
        }

        void print(String name) {
            System.out.printf("  %s (mean ESS %.0f):%n", name, ess);
            for (Estimator e : Estimator.values()) {
                System.out.printf("    %-5s bias %+.4f  MAE %.4f  half-width %.4f  coverage normal %.2f bootstrap %.2f%n",
                        e, bias(e), mae(e), width.get(e)[0], coverage(e, IntervalMethod.NORMAL), coverage(e, IntervalMethod.BOOTSTRAP));
            }
        }
    }
}
