package dev.freshet.bandits.policy;

import dev.freshet.bandits.Policy;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Provenance;
import dev.freshet.learners.Provenances;

import java.util.List;
import java.util.Map;

/**
 * Freshet's own bandit policies, in pure Java: {@code epsilon_greedy}, {@code ucb1} and {@code thompson}
 * (multi-armed, ignoring the context) and {@code lin_ucb} and {@code lin_ts} (linear in the context, in the
 * {@code per_action} or {@code shared} form). Use {@link dev.freshet.bandits.Policies}, which dispatches here.
 *
 * <p>The policies have no randomness of their own: {@code thompson} and {@code lin_ts} draw from the generator
 * passed to {@link Policy#distribution}, which the caller seeds (with {@code options.seed}) to replay
 * decisions; hashing uses fixed seeds. Every distribution is floored by {@code min_probability}.
 */
public final class NativePolicies {

    private NativePolicies() {
    }

    /**
     * A new policy for the bandit, knowing nothing.
     *
     * @throws IllegalArgumentException when the bandit's policy is not a native one ({@code vw_cb})
     */
    public static Policy create(BanditDefinition bandit, ExampleLayout layout) {
        return switch (bandit.policy()) {
            case EPSILON_GREEDY -> new EpsilonGreedy(bandit, layout);
            case UCB1 -> new Ucb1(bandit, layout);
            case THOMPSON -> new Thompson(bandit, layout);
            case LIN_UCB -> new LinUcb(bandit, layout);
            case LIN_TS -> new LinTs(bandit, layout);
            case VW_CB -> throw new IllegalArgumentException("bandit " + bandit.name() + ": vw_cb is not a native policy");
        };
    }

    /**
     * A policy in the state of a snapshot taken by the same policy with the same options over the same layout.
     *
     * @throws IllegalArgumentException when the snapshot's provenance names another policy, other options
     *                                  ({@link #describe}), inputs or interactions; the message says which
     * @throws CorruptDataException     when the state cannot be decoded
     */
    public static Policy restore(LearnerSnapshot snapshot, BanditDefinition bandit, ExampleLayout layout) {
        requireCompatible(snapshot.provenance(), bandit, layout);
        BasePolicy policy = (BasePolicy) create(bandit, layout);
        policy.load(snapshot.state(), snapshot.provenance().model());
        return policy;
    }

    /**
     * The bandit's options as its provenance records them: the options its policy reads, in YAML names,
     * e.g. {@code "alpha=1.0 lambda=1.0 form=per_action hash_buckets=16 min_probability=0.0"}. A checkpoint
     * is restored only into a bandit with the same description.
     */
    public static String describe(BanditDefinition bandit) {
        BanditOptions o = bandit.options();
        String floor = "min_probability=" + o.minProbability();
        String linear = "lambda=" + o.lambda() + " form=" + o.form() + " hash_buckets=" + o.hashBuckets();
        return switch (bandit.policy()) {
            case EPSILON_GREEDY -> "epsilon=" + o.epsilon() + " " + floor;
            case UCB1 -> "alpha=" + o.alpha() + " " + floor;
            case THOMPSON -> "thompson=" + o.thompson() + " samples=" + o.samples() + " " + floor;
            case LIN_UCB -> "alpha=" + o.alpha() + " " + linear + " " + floor;
            case LIN_TS -> "v=" + o.v() + " " + linear + " samples=" + o.samples() + " " + floor;
            case VW_CB -> o.vwArguments();
        };
    }

    /**
     * The provenance of a new policy for the bandit: its name as model, its policy's YAML name as learner,
     * {@link #describe} as options, the layout's inputs; no outcomes, version 0, no offsets, created at 0.
     */
    public static Provenance provenance(BanditDefinition bandit, ExampleLayout layout, String freshetVersion) {
        return new Provenance(bandit.name(), bandit.policy().yamlName(), describe(bandit), Provenances.inputsOf(layout),
                Provenances.interactionsOf(layout), 0, 0, Map.of(), 0, freshetVersion);
    }

    private static void requireCompatible(Provenance p, BanditDefinition bandit, ExampleLayout layout) {
        String advice = ": delete the checkpoint to start again, or restore the old configuration";
        String what = "the checkpoint of bandit " + p.model();
        String policy = bandit.policy().yamlName();
        if (!p.learner().equals(policy)) {
            throw new IllegalArgumentException(what + " was learnt by policy " + p.learner() + " but the bandit is configured with policy "
                    + policy + advice);
        }
        String options = describe(bandit);
        if (!p.options().equals(options)) {
            throw new IllegalArgumentException(what + " was learnt with options " + p.options() + " but the bandit is configured with "
                    + options + advice);
        }
        List<String> inputs = Provenances.inputsOf(layout);
        if (!p.inputs().equals(inputs)) {
            throw new IllegalArgumentException(what + " was learnt with context inputs " + p.inputs()
                    + " but the bandit is configured with " + inputs + advice);
        }
        List<String> interactions = Provenances.interactionsOf(layout);
        if (!p.interactions().equals(interactions)) {
            throw new IllegalArgumentException(what + " was learnt with interactions " + p.interactions()
                    + " but the bandit is configured with " + interactions + advice);
        }
    }
}
