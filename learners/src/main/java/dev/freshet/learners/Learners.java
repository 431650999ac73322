package dev.freshet.learners;

import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.learners.ftrl.FtrlLearner;
import dev.freshet.learners.vw.VwLearner;

/** Creates and restores learners. */
public final class Learners {

    private Learners() {
    }

    /** A new, untrained learner for a model. */
    public static OnlineLearner create(ModelDefinition model) {
        return create(model.options(), ExampleLayout.of(model));
    }

    /** A new, untrained learner with these options for examples of this layout. */
    public static OnlineLearner create(LearnerOptions options, ExampleLayout layout) {
        return switch (options) {
            case LearnerOptions.Ftrl ftrl -> FtrlLearner.create(ftrl, layout);
            case LearnerOptions.Vw vw -> VwLearner.create(vw, layout);
        };
    }

    /**
     * A learner in the state of a snapshot.
     *
     * @param options the options the model is configured with now: they must be the snapshot's (a model
     *                whose options changed starts again rather than mixing two configurations)
     * @param layout  the model's layout now, likewise
     * @throws dev.freshet.core.error.CorruptDataException when the snapshot's state cannot be read
     * @throws IllegalArgumentException when the snapshot is of another learner, options or layout; the
     *                                  message says which differs
     */
    public static OnlineLearner restore(LearnerSnapshot snapshot, LearnerOptions options, ExampleLayout layout) {
        return switch (options) {
            case LearnerOptions.Ftrl ftrl -> FtrlLearner.restore(snapshot, ftrl, layout);
            case LearnerOptions.Vw vw -> VwLearner.restore(snapshot, vw, layout);
        };
    }

    /** The options as a provenance records them. */
    public static String describe(LearnerOptions options) {
        return switch (options) {
            case LearnerOptions.Ftrl f -> "alpha=" + f.alpha() + " beta=" + f.beta() + " l1=" + f.l1() + " l2=" + f.l2()
                    + " hash_bits=" + f.hashBits() + (f.numbers() == LearnerOptions.Ftrl.Numbers.RAW ? "" : " numbers=" + f.numbers().yamlName());
            case LearnerOptions.Vw vw -> vw.arguments();
        };
    }
}
