package dev.freshet.bandits.stream;

import java.util.Objects;

/**
 * A decision joined with its reward, as written to {@code freshet.outcomes.<bandit>}.
 *
 * @param decision        the decision as made
 * @param reward          the reward: the first, sum or last observed (by the bandit's {@code reward.aggregate}),
 *                        or the default when none came in the window
 * @param rewards         how many reward events made it (0: the default)
 * @param rewardTimestamp when the reward arrived, or when the window closed, epoch milliseconds
 */
public record Outcome(DecisionRecord decision, double reward, int rewards, long rewardTimestamp) {

    public Outcome {
        Objects.requireNonNull(decision, "decision");
    }
}
