package dev.freshet.learners.stream;

import dev.freshet.core.definition.RewardSpec;

import java.time.Duration;
import java.util.Objects;

/**
 * How one group (a model, a bandit) joins its subjects with outcomes.
 *
 * @param source         the source whose events carry outcomes, and the two fields read from them
 * @param window         how long after a subject its outcomes may arrive
 * @param defaultOutcome the outcome of a subject whose window passes without one
 * @param aggregate      how several outcomes combine: the first wins (written at once), or the sum or the last
 *                       before the window closes (written when it closes)
 * @param outputTopic    where the joined records go
 */
public record OutcomeRule(OutcomeSource source, Duration window, double defaultOutcome, RewardSpec.Aggregate aggregate,
                          String outputTopic) {

    /**
     * A source of outcome events and what is read from them.
     *
     * @param source   the source's name
     * @param joinKey  the field with the subject's id
     * @param field    the field with the outcome (a number, or a boolean read as 1 or 0)
     * @param min      the least usable outcome
     * @param max      the greatest usable outcome
     */
    public record OutcomeSource(String source, String joinKey, String field, double min, double max) {
    }

    public OutcomeRule {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(outputTopic, "outputTopic");
    }
}
