package dev.freshet.bandits;

import dev.freshet.bandits.policy.NativePolicies;
import dev.freshet.bandits.vw.VwCbPolicy;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Provenance;

import java.util.List;

/** Creates and restores policies. */
public final class Policies {

    private Policies() {
    }

    /** The layout of a bandit's contexts: its context features, then its request context fields. */
    public static ExampleLayout layout(BanditDefinition bandit) {
        return ExampleLayout.of(bandit.contextFeatures(), bandit.context(), List.of());
    }

    /** The options as a provenance records them: what a checkpoint must match to be restored. */
    public static String describe(BanditDefinition bandit) {
        return NativePolicies.describe(bandit);
    }

    /** The provenance of a bandit's snapshots before learning: nothing learnt, version 0, no offsets. */
    public static Provenance provenance(BanditDefinition bandit, ExampleLayout layout, String freshetVersion) {
        return NativePolicies.provenance(bandit, layout, freshetVersion);
    }

    /** A new policy for a bandit, knowing nothing yet. */
    public static Policy create(BanditDefinition bandit) {
        return create(bandit, layout(bandit));
    }

    /** A new policy for a bandit, over contexts of this layout instance. */
    public static Policy create(BanditDefinition bandit, ExampleLayout layout) {
        return switch (bandit.policy()) {
            case EPSILON_GREEDY, UCB1, THOMPSON, LIN_UCB, LIN_TS -> NativePolicies.create(bandit, layout);
            case VW_CB -> VwCbPolicy.create(bandit, layout);
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
            case EPSILON_GREEDY, UCB1, THOMPSON, LIN_UCB, LIN_TS -> NativePolicies.restore(snapshot, bandit, layout);
            case VW_CB -> VwCbPolicy.restore(snapshot, bandit, layout);
        };
    }
}
