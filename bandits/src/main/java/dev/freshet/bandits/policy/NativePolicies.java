package dev.freshet.bandits.policy;

import dev.freshet.bandits.Policy;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerSnapshot;

/** PLACEHOLDER while the policies are written. */
public final class NativePolicies {
    private NativePolicies() {
    }

    public static Policy create(BanditDefinition bandit, ExampleLayout layout) {
        throw new UnsupportedOperationException("placeholder");
    }

    public static Policy restore(LearnerSnapshot snapshot, BanditDefinition bandit, ExampleLayout layout) {
        throw new UnsupportedOperationException("placeholder");
    }
}
