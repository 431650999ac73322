package dev.freshet.bandits;

import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.core.definition.PolicyKind;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Provenance;
import dev.freshet.learners.Provenances;

import java.util.List;
import java.util.Map;

/** Creates and restores policies. */
public final class Policies {

    private Policies() {
    }

    /** The layout of a bandit's contexts: its context features, then its request context fields. */
    public static ExampleLayout layout(BanditDefinition bandit) {
        return ExampleLayout.of(bandit.contextFeatures(), bandit.context(), List.of());
    }

    /**
     * The options as a provenance records them: what a checkpoint must match to be restored. The actions
     * are not part of it: a bandit may gain or lose actions and keep what it learnt about the others.
     */
    public static String describe(BanditDefinition bandit) {
        BanditOptions o = bandit.options();
        if (bandit.policy() == PolicyKind.VW_CB) {
            return o.vwArguments();
        }
        return "epsilon=" + o.epsilon() + " alpha=" + o.alpha() + " lambda=" + o.lambda() + " v=" + o.v() + " thompson=" + o.thompson()
                + " form=" + o.form() + " hash_buckets=" + o.hashBuckets() + " min_probability=" + o.minProbability()
                + " samples=" + o.samples() + " seed=" + o.seed();
    }

    /** The provenance of a bandit's snapshots before learning: nothing learnt, version 0, no offsets. */
    public static Provenance provenance(BanditDefinition bandit, ExampleLayout layout, String freshetVersion) {
        return new Provenance(bandit.name(), bandit.policy().yamlName(), describe(bandit), Provenances.inputsOf(layout), List.of(),
                0, 0, Map.of(), 0, freshetVersion);
    }

    /** A new policy for a bandit, knowing nothing yet. */
    public static Policy create(BanditDefinition bandit) {
        return create(bandit, layout(bandit));
    }

    /** A new policy for a bandit, over contexts of this layout instance. */
    public static Policy create(BanditDefinition bandit, ExampleLayout layout) {
        return switch (bandit.policy()) {
            case EPSILON_GREEDY, UCB1, THOMPSON, LIN_UCB, LIN_TS -> dev.freshet.bandits.policy.NativePolicies.create(bandit, layout);
            case VW_CB -> dev.freshet.bandits.vw.VwCbPolicy.create(bandit, layout);
        };
    }

    /**
     * A policy in the state of a snapshot.
     *
     * @throws IllegalArgumentException when the snapshot is of another policy, options, actions or context layout
     * @throws dev.freshet.core.error.CorruptDataException when its state cannot be read
     */
    public static Policy restore(LearnerSnapshot snapshot, BanditDefinition bandit, ExampleLayout layout) {
        return switch (bandit.policy()) {
            case EPSILON_GREEDY, UCB1, THOMPSON, LIN_UCB, LIN_TS -> dev.freshet.bandits.policy.NativePolicies.restore(snapshot, bandit, layout);
            case VW_CB -> dev.freshet.bandits.vw.VwCbPolicy.restore(snapshot, bandit, layout);
        };
    }
}
