package dev.freshet.bandits.policy;

import dev.freshet.bandits.Policy;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.core.definition.PolicyKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Five Bernoulli arms with means 0.1 to 0.5 over 20,000 rounds: UCB1 and Thompson sampling have
 * sublinear regret and beat epsilon-greedy and uniform random choices.
 */
class MultiArmedRegretTest {

    private static final int ROUNDS = 20_000;
    private static final List<String> ARMS = Fixtures.actions(5);
    private static final double[] MEANS = {0.3, 0.1, 0.5, 0.2, 0.4};
    private static final Map<String, Simulation.Result> RESULTS = new LinkedHashMap<>();

    @BeforeAll
    static void simulate() {
        double nan = Double.NaN;
        run("epsilon_greedy 0.1", PolicyKind.EPSILON_GREEDY, Fixtures.options(0.1, nan, null, null, 0, nan, 0));
        run("ucb1", PolicyKind.UCB1, Fixtures.options(nan, 1, null, null, 0, nan, 0));
        run("thompson bernoulli", PolicyKind.THOMPSON, Fixtures.options(nan, nan, BanditOptions.BERNOULLI, null, 0, nan, 64));
        run("thompson gaussian", PolicyKind.THOMPSON, Fixtures.options(nan, nan, BanditOptions.GAUSSIAN, null, 0, nan, 64));
        try (Policy any = Fixtures.create(Fixtures.bandit(PolicyKind.UCB1, BanditOptions.defaults(), ARMS, 0))) {
            RESULTS.put("uniform", Simulation.uniform(ARMS, ROUNDS, 1, any, (e, r) -> { }, (e, i) -> MEANS[i]));
        }
        RESULTS.forEach((name, r) -> System.out.printf("bernoulli arms, %s: regret %.1f (first half %.1f, second half %.1f)%n",
                name, r.regret(), r.firstHalfRegret(), r.secondHalfRegret()));
    }

    private static void run(String name, PolicyKind kind, BanditOptions options) {
        BanditDefinition bandit = Fixtures.bandit(kind, options, ARMS, 0);
        try (Policy policy = Fixtures.create(bandit)) {
            RESULTS.put(name, Simulation.run(policy, ARMS, ROUNDS, 1, (e, r) -> { }, (e, i) -> MEANS[i]));
        }
    }

    @Test
    void ucbAndThompsonHaveSublinearRegret() {
        for (String name : List.of("ucb1", "thompson bernoulli", "thompson gaussian")) {
            Simulation.Result r = RESULTS.get(name);
            assertThat(r.secondHalfRegret()).as(name).isLessThan(0.6 * r.firstHalfRegret());
        }
    }

    @Test
    void ucbAndThompsonBeatEpsilonGreedyAndUniform() {
        double greedy = RESULTS.get("epsilon_greedy 0.1").regret();
        double uniform = RESULTS.get("uniform").regret();
        assertThat(greedy).isLessThan(uniform);
        for (String name : List.of("ucb1", "thompson bernoulli", "thompson gaussian")) {
            assertThat(RESULTS.get(name).regret()).as(name).isLessThan(greedy).isLessThan(uniform / 4);
        }
    }

    @Test
    void thompsonBeatsUcb1() {
        assertThat(RESULTS.get("thompson bernoulli").regret()).isLessThan(RESULTS.get("ucb1").regret());
    }
}
