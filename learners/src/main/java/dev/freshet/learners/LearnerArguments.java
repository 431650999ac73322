package dev.freshet.learners;

/** The argument checks every {@link OnlineLearner} makes, with one wording. */
public final class LearnerArguments {

    private LearnerArguments() {
    }

    /**
     * Checks a label and weight for {@link OnlineLearner#learn}.
     *
     * @throws IllegalArgumentException when the label is not finite, or the weight is not finite or negative
     */
    public static void requireLabelAndWeight(double label, double weight) {
        if (!Double.isFinite(label)) {
            throw new IllegalArgumentException("label is " + label + ", but labels must be finite (1 positive, 0 negative)");
        }
        if (!Double.isFinite(weight) || weight < 0) {
            throw new IllegalArgumentException("weight is " + weight + ", but weights must be finite and non-negative");
        }
    }

    /**
     * Checks that an example is of a learner's layout: the same instance (the cheap case learners should
     * arrange) or an equal one.
     *
     * @throws IllegalArgumentException when it is of another layout
     */
    public static void requireLayout(ExampleLayout layout, Example example) {
        ExampleLayout other = example.layout();
        if (other != layout && !other.equals(layout)) {
            throw new IllegalArgumentException("the example is of " + other + " but this learner learns examples of " + layout);
        }
    }
}
