package dev.freshet.learners;

/**
 * A binary classifier that learns one example at a time and never stops: logistic models whose
 * scores are probabilities of the positive label.
 *
 * <p>Progressive validation is built in: {@link #learn} returns the score the model gave the example
 * <em>before</em> learning it, so each example is predicted before it is learnt, in one pass.
 *
 * <p>Not thread-safe: one thread trains a learner. Serving gets its own instance, restored from a
 * {@link #snapshot()}. Learners that hold native memory (Vowpal Wabbit) release it in
 * {@link #close()}, which is idempotent; using a closed learner throws {@link IllegalStateException}.
 */
public interface OnlineLearner extends AutoCloseable {

    /** The inputs this learner's examples have. */
    ExampleLayout layout();

    /**
     * The probability that the example's label is positive, in [0, 1].
     *
     * @throws IllegalArgumentException when the example is of another layout
     */
    double predict(Example example);

    /**
     * Learns one example and returns the score {@link #predict} gave it just before.
     *
     * @param label  the label: 1 positive, 0 negative (values in between are soft labels, clipped to [0, 1])
     * @param weight the example's importance (1 for most); 0 skips learning
     * @throws IllegalArgumentException when the label or weight is not finite, or the weight is negative
     */
    double learn(Example example, double label, double weight);

    /** How many examples this learner has learnt, including those before a restore. */
    long examplesSeen();

    /**
     * The learner's whole state as a snapshot, with the given provenance's examples count replaced
     * by {@link #examplesSeen()}. The learner is unchanged and keeps learning.
     */
    LearnerSnapshot snapshot(Provenance provenance);

    @Override
    void close();
}
