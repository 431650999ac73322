package dev.freshet.bandits.stream;

import dev.freshet.core.definition.BanditDefinition;

/** The topics of the decision service. */
public final class BanditTopics {

    /** Every decision made, keyed by decision id. */
    public static final String DECISIONS = "freshet.decisions";
    /** Rewards sent through {@code POST /reward}, keyed by decision id. */
    public static final String REWARDS = "freshet.rewards";

    private BanditTopics() {
    }

    /** A bandit's outcomes (decisions joined with rewards), keyed by decision id. */
    public static String outcomes(BanditDefinition bandit) {
        return bandit.outcomesTopic();
    }
}
