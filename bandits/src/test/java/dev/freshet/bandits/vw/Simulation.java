package dev.freshet.bandits.vw;

import dev.freshet.bandits.Distributions;
import dev.freshet.bandits.Policies;
import dev.freshet.bandits.Policy;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.core.definition.PolicyKind;
import dev.freshet.core.definition.RewardSpec;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.Provenance;
import dev.freshet.learners.Provenances;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded contextual environment for the VW policy's tests: four actions; a context of a segment
 * ({@code s0..s2}, a request field) and a score in [0, 1] (feature {@code user_activity:score}).
 * Action {@code a<i>} pays 0.6 in segment {@code s<i>}, {@code a3} pays 0.2 + 0.7·score, the rest 0.1;
 * rewards are Bernoulli. The best action is {@code a3} when the score is above 4/7, else the segment's own.
 */
final class Simulation {

    static final List<String> ACTIONS = List.of("a0", "a1", "a2", "a3");
    static final String ARGUMENTS = "--cb_explore_adf --squarecb -q cA -q uA";

    private final SplittableRandom random;
    final ExampleLayout layout = Policies.layout(bandit(ARGUMENTS, 0));
    final Example context = layout.newExample();
    int segment;
    double score;

    Simulation(long seed) {
        this.random = new SplittableRandom(seed);
    }

    static BanditDefinition bandit(String arguments, double minProbability) {
        BanditOptions d = BanditOptions.vw(arguments);
        BanditOptions options = new BanditOptions(d.epsilon(), d.alpha(), d.lambda(), d.v(), d.thompson(), d.form(),
                d.hashBuckets(), minProbability, d.samples(), 7, arguments);
        RewardSpec reward = new RewardSpec("clicks", "decision_id", "clicked", Duration.ofMinutes(5), 0, RewardSpec.Aggregate.FIRST);
        return new BanditDefinition("offers", PolicyKind.VW_CB, ACTIONS, List.of(new FeatureRef("user_activity", "score")),
                List.of("segment"), reward, options, BanditDefinition.DEFAULT_PUBLISH_INTERVAL);
    }

    static Provenance provenance(BanditDefinition bandit, ExampleLayout layout) {
        return new Provenance(bandit.name(), "vw_cb", bandit.options().vwArguments(), Provenances.inputsOf(layout),
                Provenances.interactionsOf(layout), 0, 0, Map.of(), 0, "test");
    }

    /** Draws the next context into {@link #context}. */
    Example next() {
        segment = random.nextInt(3);
        score = random.nextDouble();
        context.clear();
        context.set(layout.indexOf("user_activity:score"), score);
        context.set(layout.indexOf("segment"), "s" + segment);
        return context;
    }

    double mean(int action) {
        if (action == 3) {
            return 0.2 + 0.7 * score;
        }
        return action == segment ? 0.6 : 0.1;
    }

    int best() {
        return mean(3) > mean(segment) ? 3 : segment;
    }

    /** How much more the best action pays than the second best. */
    double gap() {
        double best = mean(best());
        double second = 0;
        for (int a = 0; a < ACTIONS.size(); a++) {
            if (a != best()) {
                second = Math.max(second, mean(a));
            }
        }
        return best - second;
    }

    double reward(int action) {
        return random.nextDouble() < mean(action) ? 1 : 0;
    }

    /** One round: decide by sampling the policy's distribution, then learn the outcome; the action chosen. */
    int round(Policy policy) {
        Example x = next();
        double[] p = policy.distribution(x, ACTIONS, random);
        int chosen = Distributions.sample(p, random);
        policy.learn(x, ACTIONS.get(chosen), reward(chosen), p[chosen]);
        return chosen;
    }
}
