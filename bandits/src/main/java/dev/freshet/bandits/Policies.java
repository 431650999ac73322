package dev.freshet.bandits;

import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerSnapshot;

/** Creates and restores policies. */
public final class Policies {

    private Policies() {
    }

    /** The layout of a bandit's contexts: its context features, then its request context fields. */
    public static ExampleLayout layout(BanditDefinition bandit) {
        return ExampleLayout.of(bandit.contextFeatures(), bandit.context(), java.util.List.of());
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
