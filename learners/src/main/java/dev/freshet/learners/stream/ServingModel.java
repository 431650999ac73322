package dev.freshet.learners.stream;

import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Learners;
import dev.freshet.learners.OnlineLearner;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

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

    private static final class Version {
        final OnlineLearner learner;
        final String name;
        final long examplesSeen;
        boolean retired; // guarded by this

        Version(OnlineLearner learner, String name, long examplesSeen) {
            this.learner = learner;
            this.name = name;
            this.examplesSeen = examplesSeen;
        }
    }

    private final ModelDefinition model;
    private final ExampleLayout layout;
    private final AtomicReference<Version> current = new AtomicReference<>();
    private volatile boolean closed;

    private ServingModel(ModelDefinition model) {
        this.model = model;
        this.layout = ExampleLayout.of(model);
    }

    /** A serving model that starts untrained (version 0: every score is the learner's prior). */
    public static ServingModel untrained(ModelDefinition model) {
        ServingModel s = new ServingModel(model);
        s.current.set(new Version(Learners.create(model.options(), s.layout), versionName(model.name(), 0), 0));
        return s;
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
        while (true) {
            Version v = current.get();
            if (v == null || closed) {
                throw new IllegalStateException("the serving model " + model.name() + " is closed");
            }
            synchronized (v) {
                if (!v.retired) {
                    return new Score(v.learner.predict(example), v.name);
                }
            }
            // retired between get() and the lock: the next get() sees its successor
        }
    }

    /**
     * Makes a snapshot the serving version. A snapshot older than the current version is ignored.
     *
     * @throws IllegalArgumentException when the snapshot is not of this model's learner, options and layout
     */
    public void publish(LearnerSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        LearnerOptions options = model.options();
        OnlineLearner learner = Learners.restore(snapshot, options, layout);
        Version next = new Version(learner, versionName(model.name(), snapshot.provenance().version()), snapshot.provenance().examplesSeen());
        Version old;
        synchronized (current) {
            old = current.get();
            if (closed || (old != null && old.examplesSeen > next.examplesSeen)) {
                learner.close();
                return;
            }
            current.set(next);
        }
        retire(old);
    }

    /** The name of the version serving now. */
    public String version() {
        Version v = current.get();
        return v == null ? versionName(model.name(), 0) : v.name;
    }

    /** How many examples the serving version has learnt. */
    public long examplesSeen() {
        Version v = current.get();
        return v == null ? 0 : v.examplesSeen;
    }

    private static void retire(Version v) {
        if (v == null) {
            return;
        }
        synchronized (v) {
            v.retired = true;
            v.learner.close();
        }
    }

    /** Closes the serving learner; idempotent. */
    @Override
    public void close() {
        synchronized (current) {
            closed = true;
            retire(current.getAndSet(null));
        }
    }
}
