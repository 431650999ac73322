package dev.freshet.bandits.stream;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One decision as made, as logged to {@value BanditTopics#DECISIONS}: the context exactly as the
 * policy saw it, the candidates, the full distribution and the action chosen from it, so that the
 * decision can be learnt from and evaluated offline.
 *
 * @param decisionId    the decision's id, the key rewards join on
 * @param bandit        the bandit's name
 * @param policyVersion the policy version that decided
 * @param timestamp     when it was decided, epoch milliseconds (its reward window starts here)
 * @param entities      the request's entity keys, by join key
 * @param inputs        the context's inputs by name ({@code view:feature}, then context fields): Double, Long,
 *                      String, Boolean or null
 * @param candidates    the actions chosen among, in order
 * @param distribution  the probability of each candidate, in candidate order
 * @param action        the action chosen
 * @param probability   its probability (the propensity), never 0
 */
public record DecisionRecord(String decisionId, String bandit, String policyVersion, long timestamp, Map<String, String> entities,
                             Map<String, Object> inputs, List<String> candidates, List<Double> distribution, String action,
                             double probability) {

    public DecisionRecord {
        Objects.requireNonNull(decisionId, "decisionId");
        Objects.requireNonNull(bandit, "bandit");
        Objects.requireNonNull(policyVersion, "policyVersion");
        entities = Collections.unmodifiableMap(new LinkedHashMap<>(entities));
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs)); // may hold nulls
        candidates = List.copyOf(candidates);
        distribution = List.copyOf(distribution);
        Objects.requireNonNull(action, "action");
        if (candidates.size() != distribution.size()) {
            throw new IllegalArgumentException(candidates.size() + " candidates but " + distribution.size() + " probabilities");
        }
        if (!(probability > 0 && probability <= 1)) {
            throw new IllegalArgumentException("the chosen action's probability must be in (0, 1], not " + probability);
        }
    }
}
