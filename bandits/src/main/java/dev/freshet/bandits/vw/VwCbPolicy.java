package dev.freshet.bandits.vw;

import dev.freshet.bandits.Policy;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerSnapshot;

/** PLACEHOLDER while the policies are written. */
public final class VwCbPolicy {
    private VwCbPolicy() {
    }

    public static Policy create(BanditDefinition bandit, ExampleLayout layout) {
        throw new UnsupportedOperationException("placeholder");
    }

    public static Policy restore(LearnerSnapshot snapshot, BanditDefinition bandit, ExampleLayout layout) {
        throw new UnsupportedOperationException("placeholder");
    }
}
