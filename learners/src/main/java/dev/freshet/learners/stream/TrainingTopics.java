package dev.freshet.learners.stream;

import dev.freshet.core.definition.ModelDefinition;

/** The topics of the training stream. */
public final class TrainingTopics {

    /** Every prediction served, keyed by prediction id. */
    public static final String PREDICTIONS = "freshet.predictions";

    private TrainingTopics() {
    }

    /** A model's training examples (predictions joined with labels), keyed by prediction id. */
    public static String examples(ModelDefinition model) {
        return model.examplesTopic();
    }
}
