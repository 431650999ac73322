package dev.freshet.bandits.ope;

import dev.freshet.learners.Example;

import java.util.List;
import java.util.Objects;

/**
 * One decision a logging policy made, as recorded: the context it saw, the candidates it chose among,
 * the action it chose, the probability with which it chose it, and the reward that action earned.
 *
 * <p>The record only rejects nulls (and copies the candidates); the value rules below are checked by
 * {@link OffPolicyEvaluation#evaluate}, whose messages name the decision's index in the log:
 * the propensity must be in (0, 1], the reward finite, the action one of the candidates.
 *
 * @param context    the context the logging policy saw; not copied, so it must not be reused and
 *                   overwritten while the log is evaluated
 * @param candidates the distinct candidate actions, in the order target distributions are given
 * @param action     the chosen action
 * @param propensity the logging policy's probability of choosing {@code action}, in (0, 1]
 * @param reward     the reward observed for {@code action} (any finite number, in the caller's units)
 */
public record LoggedDecision(Example context, List<String> candidates, String action, double propensity, double reward) {

    public LoggedDecision {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(action, "action");
        candidates = List.copyOf(Objects.requireNonNull(candidates, "candidates"));
    }
}
