package dev.freshet.bandits.policy;

import dev.freshet.bandits.Policies;
import dev.freshet.bandits.Policy;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.core.definition.PolicyKind;
import dev.freshet.core.definition.RewardSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Bandit definitions for the policy tests. */
final class Fixtures {

    private Fixtures() {
    }

    /** Options from the defaults with the given changes; null or NaN keeps a default. */
    static BanditOptions options(double epsilon, double alpha, String thompson, String form, int hashBuckets, double minProbability,
                                 int samples) {
        BanditOptions d = BanditOptions.defaults();
        return new BanditOptions(Double.isNaN(epsilon) ? d.epsilon() : epsilon, Double.isNaN(alpha) ? d.alpha() : alpha, d.lambda(), d.v(),
                thompson == null ? d.thompson() : thompson, form == null ? d.form() : form, hashBuckets <= 0 ? d.hashBuckets() : hashBuckets,
                Double.isNaN(minProbability) ? d.minProbability() : minProbability, samples <= 0 ? d.samples() : samples, d.seed(), "");
    }

    static BanditDefinition bandit(PolicyKind kind, BanditOptions options, List<String> actions, int contextFields) {
        List<String> context = new ArrayList<>();
        for (int i = 0; i < contextFields; i++) {
            context.add("x" + i);
        }
        return new BanditDefinition("test", kind, actions, List.of(), context,
                new RewardSpec("clicks", "decision_id", "clicked", Duration.ofMinutes(5), 0, RewardSpec.Aggregate.FIRST), options,
                BanditDefinition.DEFAULT_PUBLISH_INTERVAL);
    }

    static Policy create(BanditDefinition bandit) {
        return Policies.create(bandit);
    }

    static List<String> actions(int k) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            out.add("action-" + i);
        }
        return List.copyOf(out);
    }

    /** Every native configuration the contract tests run against, with a floor so propensities are positive. */
    static List<BanditDefinition> all(double minProbability, int contextFields) {
        List<String> actions = actions(4);
        List<BanditDefinition> out = new ArrayList<>();
        double nan = Double.NaN;
        out.add(bandit(PolicyKind.EPSILON_GREEDY, options(0.1, nan, null, null, 4, minProbability, 64), actions, contextFields));
        out.add(bandit(PolicyKind.UCB1, options(nan, 1, null, null, 4, minProbability, 64), actions, contextFields));
        out.add(bandit(PolicyKind.THOMPSON, options(nan, nan, BanditOptions.BERNOULLI, null, 4, minProbability, 64), actions, contextFields));
        out.add(bandit(PolicyKind.THOMPSON, options(nan, nan, BanditOptions.GAUSSIAN, null, 4, minProbability, 64), actions, contextFields));
        for (String form : List.of(BanditOptions.PER_ACTION, BanditOptions.SHARED)) {
            out.add(bandit(PolicyKind.LIN_UCB, options(nan, 1, null, form, 4, minProbability, 64), actions, contextFields));
            out.add(bandit(PolicyKind.LIN_TS, options(nan, nan, null, form, 4, minProbability, 64), actions, contextFields));
        }
        return out;
    }

    static String label(BanditDefinition b) {
        return b.policy().yamlName() + " " + NativePolicies.describe(b);
    }
}
