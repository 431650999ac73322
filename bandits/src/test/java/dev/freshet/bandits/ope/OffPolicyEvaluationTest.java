package dev.freshet.bandits.ope;

import dev.freshet.bandits.Policy;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Provenance;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OffPolicyEvaluationTest {

    private static final ExampleLayout LAYOUT = ExampleLayout.of(List.of(), List.of("x"), List.of());
    private static final List<String> AB = List.of("a", "b");

    @Test
    void estimatorsFollowTheirFormulas() {
        Example x = LAYOUT.newExample().setNumber(0, 1);
        List<LoggedDecision> log = List.of(
                new LoggedDecision(x, AB, "a", 0.5, 1),
                new LoggedDecision(x, AB, "b", 0.25, 0),
                new LoggedDecision(x, AB, "a", 1.0, 0.5));
        double[][] targets = {{1, 0}, {0.5, 0.5}, {0.25, 0.75}};
        int[] call = {0};
        OffPolicyResult result = OffPolicyEvaluation.builder()
                .target((context, candidates, random) -> targets[call[0]++])
                .rewardModel((context, action) -> action.equals("a") ? 0.6 : 0.2)
                .build().evaluate(log);

        // weights 2, 2, 0.25
        assertThat(result.decisions()).isEqualTo(3);
        assertThat(result.maxWeight()).isEqualTo(2.0);
        assertThat(result.effectiveSize()).isCloseTo(4.25 * 4.25 / 8.0625, within(1e-12));
        assertThat(value(result, Estimator.IPS)).isCloseTo(2.125 / 3, within(1e-12));
        assertThat(value(result, Estimator.SNIPS)).isCloseTo(0.5, within(1e-12));
        assertThat(value(result, Estimator.DM)).isCloseTo(1.3 / 3, within(1e-12));
        assertThat(value(result, Estimator.DR)).isCloseTo(1.675 / 3, within(1e-12));
        for (Estimate e : result.estimates()) {
            assertThat(e.lower()).as("%s", e).isLessThanOrEqualTo(e.value());
            assertThat(e.upper()).as("%s", e).isGreaterThanOrEqualTo(e.value());
        }
        assertThat(result.estimates()).hasSize(Estimator.values().length * IntervalMethod.values().length);
    }

    @Test
    void targetEqualToTheLoggingPolicyHasUnitWeightsAndFullEffectiveSize() {
        List<LoggedDecision> log = SyntheticBandit.log(7, 2_000);
        try (Policy logging = new LoggingPolicy()) {
            OffPolicyResult result = OffPolicyEvaluation.builder().target(logging::distribution)
                    .rewardModel(SyntheticBandit::mean).build().evaluate(log);
            double meanReward = log.stream().mapToDouble(LoggedDecision::reward).average().orElseThrow();
            assertThat(result.effectiveSize()).isCloseTo(2_000, within(1e-6));
            assertThat(result.maxWeight()).isCloseTo(1.0, within(1e-12));
            assertThat(value(result, Estimator.IPS)).isCloseTo(meanReward, within(1e-9));
            assertThat(value(result, Estimator.SNIPS)).isCloseTo(meanReward, within(1e-9));
        }
    }

    @Test
    void sameSeedSameResult() {
        List<LoggedDecision> log = SyntheticBandit.log(3, 1_000);
        TargetDistribution randomised = (context, candidates, random) -> random.nextBoolean()
                ? SyntheticBandit.target(context, candidates) : SyntheticBandit.logging(context, candidates);
        OffPolicyEvaluation.Builder builder = OffPolicyEvaluation.builder().target(randomised).seed(11);
        assertThat(builder.build().evaluate(log)).isEqualTo(builder.build().evaluate(log));
        assertThat(builder.seed(12).build().evaluate(log)).isNotEqualTo(builder.seed(11).build().evaluate(log));
    }

    @Test
    void builtInModelPredictsTheOnlyRewardOfAConstantLog() {
        Example x = LAYOUT.newExample().setNumber(0, 1);
        List<LoggedDecision> log = List.of(new LoggedDecision(x, AB, "a", 0.5, 3), new LoggedDecision(x, AB, "b", 0.5, 3));
        OffPolicyResult result = OffPolicyEvaluation.builder().target((c, k, r) -> new double[] {1, 0}).build().evaluate(log);
        assertThat(value(result, Estimator.DM)).isEqualTo(3.0);
        assertThat(value(result, Estimator.DR)).isEqualTo(3.0);
    }

    /**
     * Contexts as a feature store serves them, a spend of 100 or 20,000: action b pays 0.7 to big spenders and 0.2 to the
     * others, a always 0.2. The built-in model log-scales numbers, so the spend cannot saturate its scores and DM finds
     * the value of always choosing b (0.45); on the raw spend it was 0.09 off.
     */
    @Test
    void builtInModelTakesLargeNumbersOnALogScale() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        List<LoggedDecision> log = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            double spend = random.nextBoolean() ? 100 : 20_000;
            String action = random.nextBoolean() ? "a" : "b";
            double mean = action.equals("b") && spend > 1_000 ? 0.7 : 0.2;
            log.add(new LoggedDecision(LAYOUT.newExample().setNumber(0, spend), AB, action, 0.5, random.nextDouble() < mean ? 1 : 0));
        }
        OffPolicyResult result = OffPolicyEvaluation.builder().target((c, k, r) -> new double[] {0, 1}).directMethodRefits(40)
                .build().evaluate(log);
        assertThat(value(result, Estimator.DM)).isCloseTo(0.45, within(0.03));
        assertThat(value(result, Estimator.DR)).isCloseTo(0.45, within(0.03));
    }

    @Test
    void builtInModelNeedsOneContextLayout() {
        ExampleLayout other = ExampleLayout.of(List.of(), List.of("y"), List.of());
        List<LoggedDecision> log = List.of(new LoggedDecision(example(), AB, "a", 0.5, 1),
                new LoggedDecision(other.newExample().setNumber(0, 2), AB, "b", 0.5, 0));
        assertThatThrownBy(() -> OffPolicyEvaluation.builder().target((c, k, r) -> new double[] {1, 0}).build().evaluate(log))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("decision 1: its context is of ExampleLayout[y]");
    }

    @Test
    void builtInModelLayoutCrossesTheActionWithEachContextInput() {
        ExampleLayout layout = CrossFitRewardModel.rewardLayout(SyntheticBandit.LAYOUT);
        assertThat(layout.slots()).extracting(ExampleLayout.Slot::name).containsExactly("user:segment", "x", "action");
        assertThat(layout.interactions()).containsExactly(new ExampleLayout.Interaction(2, 0), new ExampleLayout.Interaction(2, 1));
        ExampleLayout clash = CrossFitRewardModel.rewardLayout(ExampleLayout.of(List.of(), List.of("action"), List.of()));
        assertThat(clash.slots()).extracting(ExampleLayout.Slot::name).containsExactly("action", "_action");
    }

    @Test
    void badDecisionsAreRejectedByIndex() {
        assertRejected(new LoggedDecision(example(), AB, "a", 0, 1), "decision 1: propensity 0.0 is not in (0, 1]");
        assertRejected(new LoggedDecision(example(), AB, "a", 1.5, 1), "decision 1: propensity 1.5 is not in (0, 1]");
        assertRejected(new LoggedDecision(example(), AB, "a", Double.NaN, 1), "decision 1: propensity NaN");
        assertRejected(new LoggedDecision(example(), AB, "a", 0.5, Double.NaN), "decision 1: reward NaN is not finite");
        assertRejected(new LoggedDecision(example(), AB, "a", 0.5, Double.POSITIVE_INFINITY), "decision 1: reward Infinity");
        assertRejected(new LoggedDecision(example(), AB, "c", 0.5, 1), "decision 1: action c is not among its candidates [a, b]");
        assertRejected(new LoggedDecision(example(), List.of(), "a", 0.5, 1), "decision 1 has no candidates");
        assertRejected(new LoggedDecision(example(), List.of("a", "a"), "a", 0.5, 1), "decision 1: candidates [a, a] repeat");
    }

    @Test
    void emptyLogAndMissingTargetAreErrors() {
        OffPolicyEvaluation evaluation = OffPolicyEvaluation.builder().target((c, k, r) -> new double[] {1, 0}).build();
        assertThatThrownBy(() -> evaluation.evaluate(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the log is empty");
        assertThatThrownBy(() -> OffPolicyEvaluation.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no target policy");
        assertThatThrownBy(() -> OffPolicyEvaluation.builder().bootstrapResamples(10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bootstrap resamples was 10");
    }

    @Test
    void badTargetDistributionsAndPredictionsAreRejected() {
        List<LoggedDecision> log = List.of(new LoggedDecision(example(), AB, "a", 0.5, 1));
        assertThatThrownBy(() -> OffPolicyEvaluation.builder().target((c, k, r) -> new double[] {1}).build().evaluate(log))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("decision 0: the target gave 1 probabilities for 2 candidates");
        assertThatThrownBy(() -> OffPolicyEvaluation.builder().target((c, k, r) -> new double[] {0.5, 0.4}).build().evaluate(log))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decision 0: the target's probabilities sum to 0.9");
        assertThatThrownBy(() -> OffPolicyEvaluation.builder().target((c, k, r) -> new double[] {1, 0})
                .rewardModel((c, a) -> Double.NaN).build().evaluate(log))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decision 0: the reward model predicts NaN for action a");
    }

    private static void assertRejected(LoggedDecision bad, String message) {
        List<LoggedDecision> log = new ArrayList<>();
        log.add(new LoggedDecision(example(), AB, "a", 0.5, 1));
        log.add(bad);
        OffPolicyEvaluation evaluation = OffPolicyEvaluation.builder().target((c, k, r) -> new double[] {1, 0})
                .rewardModel((c, a) -> 0).build();
        assertThatThrownBy(() -> evaluation.evaluate(log))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
    }

    private static Example example() {
        return LAYOUT.newExample().setNumber(0, 1);
    }

    private static double value(OffPolicyResult result, Estimator estimator) {
        return result.get(estimator, IntervalMethod.NORMAL).value();
    }

    /** The synthetic bandit's logging policy as a {@link Policy}, learning nothing. */
    private static final class LoggingPolicy implements Policy {
        @Override
        public ExampleLayout layout() {
            return SyntheticBandit.LAYOUT;
        }

        @Override
        public double[] distribution(Example context, List<String> candidates, RandomGenerator random) {
            return SyntheticBandit.logging(context, candidates);
        }

        @Override
        public void learn(Example context, String action, double reward, double propensity) {
        }

        @Override
        public long outcomesLearnt() {
            return 0;
        }

        @Override
        public LearnerSnapshot snapshot(Provenance provenance) {
            throw new UnsupportedOperationException("a test policy has no state");
        }

        @Override
        public void close() {
        }
    }
}
