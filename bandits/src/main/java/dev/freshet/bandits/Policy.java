package dev.freshet.bandits;

import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Provenance;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A bandit policy: for a context and candidate actions, a full probability distribution over the
 * candidates (so every decision has an exact propensity); and learning from what a chosen action
 * earned.
 *
 * <p>Actions are named by strings. A policy learns about any action it is told of; candidates it has
 * never seen get its prior (multi-armed policies and {@code per_action} linear ones) or what its shared
 * model predicts for them ({@code shared} linear policies, VW).
 *
 * <p>Not thread-safe: the decision service serializes calls to one instance, and a worker learns on an
 * instance of its own, published to the service as snapshots. Policies holding native memory (VW)
 * release it in {@link #close()}, which is idempotent; a closed policy throws {@link IllegalStateException}.
 */
public interface Policy extends AutoCloseable {

    /** The inputs of this policy's contexts: context features, then request context fields. */
    ExampleLayout layout();

    /**
     * The probability of choosing each candidate, in candidate order: each in [0, 1], summing to 1
     * (within 1e-9), and at least the policy's {@code min_probability} each. Randomised policies
     * (Thompson sampling) draw from {@code random}, so that a seeded generator replays decisions.
     *
     * @param candidates distinct action names, at least one
     * @throws IllegalArgumentException when candidates are empty or repeat one, or the context is of another layout
     */
    double[] distribution(Example context, List<String> candidates, RandomGenerator random);

    /**
     * Learns one outcome: in {@code context}, {@code action} was chosen with probability
     * {@code propensity} and earned {@code reward}.
     *
     * @throws IllegalArgumentException when the reward is not finite, or the propensity not in (0, 1]
     */
    void learn(Example context, String action, double reward, double propensity);

    /** How many outcomes this policy has learnt, including those before a restore. */
    long outcomesLearnt();

    /** The policy's whole state, with the provenance's examples count replaced by {@link #outcomesLearnt()}. */
    LearnerSnapshot snapshot(Provenance provenance);

    @Override
    void close();
}
