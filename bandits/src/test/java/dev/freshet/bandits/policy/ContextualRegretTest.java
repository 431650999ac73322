package dev.freshet.bandits.policy;

import dev.freshet.bandits.Policy;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.core.definition.PolicyKind;
import dev.freshet.learners.Example;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.ToDoubleBiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A linear contextual environment: five numeric context inputs uniform in [-1, 1], five actions, and
 * Bernoulli rewards with mean {@code 0.5 + c_a + 0.08 theta_a·x} (c_a from -0.05 to 0.05, theta_a's entries
 * uniform in [-1, 1], so the mean stays in [0.05, 0.95]). LinUCB and linear Thompson sampling, in both forms, learn which action is best in
 * which context: sublinear regret, and far more reward than epsilon-greedy (which cannot see the context)
 * or uniform choices.
 */
class ContextualRegretTest {

    private static final int ROUNDS = 20_000;
    private static final int INPUTS = 5;
    private static final List<String> ACTIONS = List.of("red", "green", "blue", "cyan", "magenta");
    private static final double[] OFFSET = {-0.05, -0.025, 0, 0.025, 0.05};
    private static final double[][] THETA = new double[ACTIONS.size()][INPUTS];
    private static final Map<String, Simulation.Result> RESULTS = new LinkedHashMap<>();

    private static final BiConsumer<Example, SplittableRandom> CONTEXT = (e, r) -> {
        for (int s = 0; s < INPUTS; s++) {
            e.setNumber(s, r.nextDouble(-1, 1));
        }
    };
    private static final ToDoubleBiFunction<Example, Integer> MEAN = (e, a) -> {
        double s = 0;
        for (int j = 0; j < INPUTS; j++) {
            s += THETA[a][j] * e.number(j);
        }
        return 0.5 + OFFSET[a] + 0.08 * s;
    };

    @BeforeAll
    static void simulate() {
        SplittableRandom r = new SplittableRandom(2026);
        for (double[] theta : THETA) {
            for (int j = 0; j < INPUTS; j++) {
                theta[j] = r.nextDouble(-1, 1);
            }
        }
        double nan = Double.NaN;
        run("epsilon_greedy 0.1", PolicyKind.EPSILON_GREEDY, Fixtures.options(0.1, nan, null, null, 0, nan, 0));
        for (String form : List.of(BanditOptions.PER_ACTION, BanditOptions.SHARED)) {
            // alpha and v of the order of the rewards' noise (a Bernoulli's standard deviation is at most 0.5).
            run("lin_ucb " + form, PolicyKind.LIN_UCB, linear(form));
            run("lin_ts " + form, PolicyKind.LIN_TS, linear(form));
        }
        try (Policy any = Fixtures.create(Fixtures.bandit(PolicyKind.UCB1, BanditOptions.defaults(), ACTIONS, INPUTS))) {
            RESULTS.put("uniform", Simulation.uniform(ACTIONS, ROUNDS, 1, any, CONTEXT, MEAN));
        }
        RESULTS.forEach((name, res) -> System.out.printf(
                "linear contexts, %s: regret %.1f (first half %.1f, second half %.1f), reward %.1f%n",
                name, res.regret(), res.firstHalfRegret(), res.secondHalfRegret(), res.reward()));
    }

    private static BanditOptions linear(String form) {
        BanditOptions d = BanditOptions.defaults();
        return new BanditOptions(d.epsilon(), 0.5, 1.0, 0.5, d.thompson(), form, 16, 0, 64, d.seed(), "");
    }

    private static void run(String name, PolicyKind kind, BanditOptions options) {
        try (Policy policy = Fixtures.create(Fixtures.bandit(kind, options, ACTIONS, INPUTS))) {
            RESULTS.put(name, Simulation.run(policy, ACTIONS, ROUNDS, 1, CONTEXT, MEAN));
        }
    }

    @Test
    void linearPoliciesHaveSublinearRegret() {
        for (String name : RESULTS.keySet()) {
            if (name.startsWith("lin_")) {
                Simulation.Result r = RESULTS.get(name);
                assertThat(r.secondHalfRegret()).as(name).isLessThan(0.6 * r.firstHalfRegret());
            }
        }
    }

    @Test
    void linearPoliciesBeatEpsilonGreedyAndUniform() {
        Simulation.Result greedy = RESULTS.get("epsilon_greedy 0.1");
        Simulation.Result uniform = RESULTS.get("uniform");
        assertThat(greedy.reward()).isGreaterThan(uniform.reward());
        for (String name : RESULTS.keySet()) {
            if (name.startsWith("lin_")) {
                Simulation.Result r = RESULTS.get(name);
                assertThat(r.reward()).as(name).isGreaterThan(greedy.reward() + 100);
                assertThat(r.regret()).as(name).isLessThan(0.7 * greedy.regret()).isLessThan(uniform.regret() / 3);
                // Epsilon-greedy's regret grows linearly; the linear policies' has all but stopped growing.
                assertThat(r.secondHalfRegret()).as(name).isLessThan(greedy.secondHalfRegret() / 2);
            }
        }
    }
}
