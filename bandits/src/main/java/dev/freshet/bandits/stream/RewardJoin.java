package dev.freshet.bandits.stream;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.RewardSpec;
import dev.freshet.learners.stream.JoinCounters;
import dev.freshet.learners.stream.OutcomeJoin;
import dev.freshet.learners.stream.OutcomeRule;
import dev.freshet.learners.stream.Subjects;

import org.apache.kafka.streams.Topology;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The reward join of a configuration's bandits: an {@link OutcomeJoin} of the decisions logged to
 * {@value BanditTopics#DECISIONS} with the rewards of each bandit's reward source and those sent
 * through {@code POST /reward} ({@value BanditTopics#REWARDS}), combined by the bandit's
 * {@code reward.aggregate} within its window, the default reward applying when none came; each
 * bandit's outcomes go to {@code freshet.outcomes.<bandit>}.
 */
public final class RewardJoin {

    static final String NAME = "reward-join";

    private RewardJoin() {
    }

    /** The application id of the reward join: {@code <project>-bandits}. */
    public static String applicationId(FreshetConfig config) {
        return config.project() + "-bandits";
    }

    /**
     * The topology for a configuration's bandits.
     *
     * @param eventsTopic the canonical events topic of a source, by source name
     * @throws IllegalArgumentException when the configuration has no bandits
     */
    public static Topology topology(FreshetConfig config, Function<String, String> eventsTopic, JoinCounters counters) {
        if (config.bandits().isEmpty()) {
            throw new IllegalArgumentException("the configuration has no bandits");
        }
        Map<String, OutcomeRule> rules = new LinkedHashMap<>();
        for (BanditDefinition b : config.bandits()) {
            RewardSpec r = b.reward();
            rules.put(b.name(), new OutcomeRule(new OutcomeRule.OutcomeSource(r.source(), r.joinKey(), r.field(),
                    -Double.MAX_VALUE, Double.MAX_VALUE), r.window(), r.defaultReward(), r.aggregate(), b.outcomesTopic()));
        }
        return OutcomeJoin.topology(NAME, BanditTopics.DECISIONS, DECISIONS, rules, config.definitions(), eventsTopic,
                config.kafka().partitions(), BanditTopics.REWARDS, counters);
    }

    /** Decisions as subjects: a decision and its reward make an outcome. */
    static final Subjects DECISIONS = new Subjects() {
        @Override
        public Subject read(byte[] json) {
            DecisionRecord d = DecisionJson.decodeDecision(json);
            return new Subject(d.bandit(), d.timestamp());
        }

        @Override
        public byte[] joined(byte[] subjectJson, double outcome, int outcomes, long outcomeTimestamp) {
            return DecisionJson.encode(new Outcome(DecisionJson.decodeDecision(subjectJson), outcome, outcomes, outcomeTimestamp));
        }
    };
}
