package dev.freshet.learners.stream;

import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Learners;
import dev.freshet.learners.OnlineLearner;

import java.util.Objects;

/**
 * The version of a model that serves predictions, swapped for a newer one while requests run.
 *
 * <p>A published snapshot is restored into a learner of its own, which then replaces the serving
 * one. A request scores with whichever version it found; if that version was retired in between,
 * it scores again with the new one, so no request fails during a swap. Scoring is serialized per
 * version (learners are not thread-safe, and a score takes microseconds). Thread-safe.
 */
public final class ServingModel implements AutoCloseable {

    /** A score and the version that gave it. */
    public record Score(double score, String version) {
    }

    private final ModelDefinition model;
    private final ExampleLayout layout;
    private final HotSwap<OnlineLearner> versions;

    private ServingModel(ModelDefinition model, ExampleLayout layout, OnlineLearner untrained) {
        this.model = model;
        this.layout = layout;
        this.versions = new HotSwap<>("the serving model " + model.name(),
                new HotSwap.Version<>(untrained, versionName(model.name(), 0), 0));
    }

    /** A serving model that starts untrained (version 0: every score is the learner's prior). */
    public static ServingModel untrained(ModelDefinition model) {
        ExampleLayout layout = ExampleLayout.of(model);
        return new ServingModel(model, layout, Learners.create(model.options(), layout));
    }

    /** The name of a model version: {@code <model>-v<number>}. */
    public static String versionName(String model, long version) {
        return TopicWorker.versionName(model, version);
    }

    public ModelDefinition model() {
        return model;
    }

    public ExampleLayout layout() {
        return layout;
    }

    /**
     * Scores an example with the current version.
     *
     * @throws IllegalStateException when this serving model is closed
     */
    public Score score(Example example) {
        return versions.use(v -> new Score(v.value().predict(example), v.name()));
    }

    /**
     * Makes a snapshot the serving version. A snapshot older than the current version is ignored.
     *
     * @throws IllegalArgumentException when the snapshot is not of this model's learner, options and layout
     */
    public void publish(LearnerSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        OnlineLearner learner = Learners.restore(snapshot, model.options(), layout);
        versions.swap(new HotSwap.Version<>(learner, versionName(model.name(), snapshot.provenance().version()),
                snapshot.provenance().examplesSeen()));
    }

    /** The name of the version serving now. */
    public String version() {
        HotSwap.Version<OnlineLearner> v = versions.current();
        return v == null ? versionName(model.name(), 0) : v.name();
    }

    /** How many examples the serving version has learnt. */
    public long examplesSeen() {
        HotSwap.Version<OnlineLearner> v = versions.current();
        return v == null ? 0 : v.learnt();
    }

    /** Closes the serving learner; idempotent. */
    @Override
    public void close() {
        versions.close();
    }
}
