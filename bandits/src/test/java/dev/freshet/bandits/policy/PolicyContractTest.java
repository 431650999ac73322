package dev.freshet.bandits.policy;

import dev.freshet.bandits.Distributions;
import dev.freshet.bandits.Policies;
import dev.freshet.bandits.Policy;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Provenance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The {@link Policy} contract, run against every native policy and form. */
class PolicyContractTest {

    private static final double FLOOR = 0.02;
    private static final List<String> CANDIDATES = List.of("action-0", "action-1", "action-2", "action-3", "new-action");

    static Stream<Arguments> policies() {
        return Fixtures.all(FLOOR, 3).stream().map(b -> Arguments.of(Fixtures.label(b), b));
    }

    private static void context(Example e, SplittableRandom r) {
        e.clear();
        e.setNumber(0, r.nextDouble(-1, 1));
        e.setCategory(1, "c" + r.nextInt(5));
        if (r.nextBoolean()) {
            e.setNumber(2, r.nextDouble());
        }
    }

    /** Runs n decisions and outcomes; returns every distribution concatenated. */
    private static double[] play(Policy policy, int n, long seed) {
        SplittableRandom env = new SplittableRandom(seed);
        SplittableRandom decisions = new SplittableRandom(seed + 1);
        Example e = policy.layout().newExample();
        double[] all = new double[n * CANDIDATES.size()];
        for (int t = 0; t < n; t++) {
            context(e, env);
            double[] p = policy.distribution(e, CANDIDATES, decisions);
            System.arraycopy(p, 0, all, t * p.length, p.length);
            int a = Distributions.sample(p, decisions);
            assertThat(p[a]).isPositive();
            double reward = env.nextDouble() < 0.2 + 0.15 * a ? 1 : 0;
            policy.learn(e, CANDIDATES.get(a), reward, p[a]);
        }
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void distributionsAreValidAndFloored(String label, BanditDefinition bandit) {
        try (Policy policy = Fixtures.create(bandit)) {
            double[] all = play(policy, 300, 7);
            int k = CANDIDATES.size();
            for (int t = 0; t < all.length / k; t++) {
                double[] p = Arrays.copyOfRange(all, t * k, (t + 1) * k);
                assertThat(Arrays.stream(p).sum()).isCloseTo(1, within(1e-9));
                for (double x : p) {
                    assertThat(x).isBetween(FLOOR - 1e-12, 1.0);
                }
            }
            assertThat(policy.outcomesLearnt()).isEqualTo(300);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void decisionsReplayWithTheSameSeed(String label, BanditDefinition bandit) {
        try (Policy a = Fixtures.create(bandit); Policy b = Fixtures.create(bandit)) {
            assertThat(play(a, 200, 11)).containsExactly(play(b, 200, 11));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void snapshotRoundTripsAndLearningContinuesIdentically(String label, BanditDefinition bandit) throws Exception {
        try (Policy original = Fixtures.create(bandit)) {
            play(original, 150, 3);
            Provenance provenance = NativePolicies.provenance(bandit, original.layout(), "test");
            LearnerSnapshot snapshot = original.snapshot(provenance);
            assertThat(snapshot.provenance().examplesSeen()).isEqualTo(150);
            java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
            snapshot.write(file);
            LearnerSnapshot read = LearnerSnapshot.read(new java.io.ByteArrayInputStream(file.toByteArray()));
            try (Policy restored = Policies.restore(read, bandit, original.layout())) {
                assertThat(restored.outcomesLearnt()).isEqualTo(150);
                assertThat(play(restored, 150, 5)).containsExactly(play(original, 150, 5));
                assertThat(restored.snapshot(provenance).state()).isEqualTo(original.snapshot(provenance).state());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void restoreRejectsOtherOptionsPoliciesAndInputs(String label, BanditDefinition bandit) {
        try (Policy policy = Fixtures.create(bandit)) {
            play(policy, 20, 1);
            LearnerSnapshot snapshot = policy.snapshot(NativePolicies.provenance(bandit, policy.layout(), "test"));
            BanditOptions o = bandit.options();
            BanditOptions learnt = new BanditOptions(o.epsilon(), o.alpha(), o.lambda() * 2, o.v(),
                    o.thompson().equals(BanditOptions.BERNOULLI) ? BanditOptions.GAUSSIAN : BanditOptions.BERNOULLI,
                    o.form().equals(BanditOptions.SHARED) ? BanditOptions.PER_ACTION : BanditOptions.SHARED, o.hashBuckets() * 2,
                    o.minProbability(), o.samples(), o.seed(), "");
            BanditDefinition changed = Fixtures.bandit(bandit.policy(), learnt, bandit.actions(), 3);
            if (!NativePolicies.describe(changed).equals(NativePolicies.describe(bandit))) { // the multi-armed ucb1 and epsilon_greedy have none
                assertThatThrownBy(() -> NativePolicies.restore(snapshot, changed, policy.layout()))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("options")
                        .hasMessageContaining("shape what a policy learns, the other options may change freely");
            }
            BanditDefinition otherPolicy = Fixtures.bandit(bandit.policy() == dev.freshet.core.definition.PolicyKind.UCB1
                    ? dev.freshet.core.definition.PolicyKind.EPSILON_GREEDY : dev.freshet.core.definition.PolicyKind.UCB1, o,
                    bandit.actions(), 3);
            assertThatThrownBy(() -> NativePolicies.restore(snapshot, otherPolicy, policy.layout()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("policy");
            BanditDefinition fewer = Fixtures.bandit(bandit.policy(), o, bandit.actions(), 2);
            assertThatThrownBy(() -> NativePolicies.restore(snapshot, fewer, Policies.layout(fewer)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inputs");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void explorationOptionsMayChangeWithoutLosingWhatWasLearnt(String label, BanditDefinition bandit) {
        try (Policy policy = Fixtures.create(bandit)) {
            play(policy, 40, 1);
            LearnerSnapshot snapshot = policy.snapshot(NativePolicies.provenance(bandit, policy.layout(), "test"));
            BanditOptions o = bandit.options();
            BanditOptions explore = new BanditOptions(o.epsilon() / 2, o.alpha() + 1, o.lambda(), o.v() * 2, o.thompson(), o.form(),
                    o.hashBuckets(), 0.01, o.samples() * 2, o.seed() + 1, "");
            BanditDefinition changed = Fixtures.bandit(bandit.policy(), explore, bandit.actions(), 3);
            assertThat(NativePolicies.describe(changed)).isNotEqualTo(NativePolicies.describe(bandit));

            try (Policy restored = NativePolicies.restore(snapshot, changed, policy.layout())) {
                assertThat(restored.outcomesLearnt()).isEqualTo(40);
                // the same learnt state, written under the new options
                assertThat(restored.snapshot(snapshot.provenance()).state()).isEqualTo(snapshot.state());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void corruptStateIsRejected(String label, BanditDefinition bandit) {
        try (Policy policy = Fixtures.create(bandit)) {
            play(policy, 20, 1);
            LearnerSnapshot snapshot = policy.snapshot(NativePolicies.provenance(bandit, policy.layout(), "test"));
            byte[] state = snapshot.state();
            byte[] version = state.clone();
            version[0] = 99;
            byte[] truncated = Arrays.copyOf(state, state.length - 3);
            byte[] trailing = Arrays.copyOf(state, state.length + 1);
            assertThatThrownBy(() -> NativePolicies.restore(new LearnerSnapshot(snapshot.provenance(), version), bandit, policy.layout()))
                    .isInstanceOf(CorruptDataException.class).hasMessageContaining("format version 99");
            assertThatThrownBy(() -> NativePolicies.restore(new LearnerSnapshot(snapshot.provenance(), truncated), bandit, policy.layout()))
                    .isInstanceOf(CorruptDataException.class).hasMessageContaining("truncated");
            assertThatThrownBy(() -> NativePolicies.restore(new LearnerSnapshot(snapshot.provenance(), trailing), bandit, policy.layout()))
                    .isInstanceOf(CorruptDataException.class).hasMessageContaining("after its end");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void badInputsAreRejected(String label, BanditDefinition bandit) {
        Policy policy = Fixtures.create(bandit);
        Example e = policy.layout().newExample();
        SplittableRandom r = new SplittableRandom(1);
        assertThatThrownBy(() -> policy.distribution(e, List.of(), r)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one candidate");
        assertThatThrownBy(() -> policy.distribution(e, List.of("a", "b", "a"), r)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("candidate a is listed twice");
        Example other = ExampleLayout.of(List.of(), List.of("y"), List.of()).newExample();
        assertThatThrownBy(() -> policy.distribution(other, CANDIDATES, r)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layout");
        for (double reward : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> policy.learn(e, "a", reward, 0.5)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("finite");
        }
        for (double propensity : new double[] {0, -0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> policy.learn(e, "a", 1, propensity)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("(0, 1]");
        }
        assertThat(policy.outcomesLearnt()).isZero();
        policy.close();
        policy.close();
        assertThatThrownBy(() -> policy.distribution(e, CANDIDATES, r)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> policy.learn(e, "a", 1, 1)).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void aSingleCandidateGetsEverything(String label, BanditDefinition bandit) {
        try (Policy policy = Fixtures.create(bandit)) {
            play(policy, 30, 2);
            assertThat(policy.distribution(policy.layout().newExample(), List.of("action-2"), new SplittableRandom(1)))
                    .containsExactly(1.0);
        }
    }
}
