package dev.freshet.core.definition;

import dev.freshet.core.feature.FeatureRef;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A contextual bandit ({@code bandits[]} in YAML): which actions it chooses among, what context it
 * sees, where its rewards come from and which policy learns from them.
 *
 * @param name            the bandit's name (names its topic {@code freshet.outcomes.<name>} and its checkpoints)
 * @param policy          the policy
 * @param actions         the actions a decision chooses among when the request sends no candidates of its own
 * @param contextFeatures features read from the online store for the request's entities
 * @param context         fields each request sends along as context
 * @param reward          where rewards come from
 * @param options         the policy's options
 * @param publishInterval how often the policy worker publishes a new version to the decision service and checkpoints
 */
public record BanditDefinition(String name, PolicyKind policy, List<String> actions, List<FeatureRef> contextFeatures,
                               List<String> context, RewardSpec reward, BanditOptions options, Duration publishInterval) {

    public static final Duration DEFAULT_PUBLISH_INTERVAL = Duration.ofSeconds(10);

    public BanditDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(policy, "policy");
        actions = List.copyOf(actions);
        contextFeatures = List.copyOf(contextFeatures);
        context = List.copyOf(context);
        Objects.requireNonNull(reward, "reward");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(publishInterval, "publishInterval");
    }

    /** The topic the reward join writes this bandit's outcomes to (decisions joined with their rewards). */
    public String outcomesTopic() {
        return "freshet.outcomes." + name;
    }
}
