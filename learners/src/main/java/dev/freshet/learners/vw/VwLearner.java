package dev.freshet.learners.vw;

import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerArguments;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Learners;
import dev.freshet.learners.OnlineLearner;
import dev.freshet.learners.Provenance;
import dev.freshet.learners.Provenances;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Vowpal Wabbit binary classifier, run in process through vw-jni.
 *
 * <p><b>Options.</b> VW gets the model's option string plus {@code --quiet}, and
 * {@code --loss_function logistic} and {@code --link logistic} where they are not given, so that
 * predictions are probabilities. Options that Freshet manages (data and model files, caches,
 * passes, ports, test-only mode) and losses or links other than logistic are refused; see
 * {@link #problems(String)}.
 *
 * <p><b>Examples.</b> Each feature view is a VW namespace named for the view, and the request context
 * is the {@value ExampleLayout#CONTEXT_NAMESPACE} namespace. VW's {@code -q}/{@code --interactions}
 * name namespaces by their first letter: {@code -q uc} crosses a view {@code user_activity} with the
 * context. The layout's own interactions are written as crossed features in the
 * {@code interactions} namespace (first letter {@code i}).
 *
 * <p><b>Snapshots</b> hold VW's model file, with its learning state, so a restored learner predicts
 * and keeps learning exactly as the original would.
 *
 * <p>Not thread-safe, except {@link #close()}: it is idempotent, may be called from any thread, and
 * releases the native instance; later calls to {@link #predict}, {@link #learn} and {@link #snapshot}
 * throw {@link IllegalStateException}.
 */
public final class VwLearner implements OnlineLearner {

    /** The learner's name in provenances. */
    static final String NAME = "vw";

    private final LearnerOptions.Vw options;
    private final ExampleLayout layout;
    private final VwText text;
    private final VwNative vw;
    private final AtomicBoolean closed = new AtomicBoolean();
    private long examplesSeen;

    private VwLearner(LearnerOptions.Vw options, ExampleLayout layout, VwText text, VwNative vw, long examplesSeen) {
        this.options = options;
        this.layout = layout;
        this.text = text;
        this.vw = vw;
        this.examplesSeen = examplesSeen;
    }

    /**
     * A new, untrained learner.
     *
     * @throws IllegalArgumentException when the options are refused ({@link #problems(String)}) or VW
     *                                  rejects them; the message has VW's reason and the full option string
     */
    public static OnlineLearner create(LearnerOptions.Vw options, ExampleLayout layout) {
        VwText text = new VwText(layout);
        return new VwLearner(options, layout, text, VwNative.create(arguments(options)), 0);
    }

    /**
     * A learner in the state of a snapshot, as {@link Learners#restore} describes.
     *
     * @throws IllegalArgumentException when the snapshot is of another learner, options or layout
     * @throws dev.freshet.core.error.CorruptDataException when its state cannot be read
     */
    public static OnlineLearner restore(LearnerSnapshot snapshot, LearnerOptions.Vw options, ExampleLayout layout) {
        Provenances.requireCompatible(snapshot.provenance(), options, layout);
        VwState state = VwState.decode(snapshot.state());
        String arguments = arguments(options);
        VwText text = new VwText(layout);
        return new VwLearner(options, layout, text, VwNative.load(arguments, state.model()), state.examplesSeen());
    }

    /**
     * What Freshet refuses in a VW option string, one message per problem naming the option and why;
     * empty when nothing is refused. Creates no VW instance, so configuration checks can call it; VW
     * judges the remaining options when a learner is created.
     */
    public static List<String> problems(String arguments) {
        return VwArguments.problems(arguments);
    }

    private static String arguments(LearnerOptions.Vw options) {
        List<String> problems = problems(options.arguments());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems) + " (options \"" + options.arguments() + "\")");
        }
        return VwArguments.effective(options.arguments());
    }

    @Override
    public ExampleLayout layout() {
        return layout;
    }

    @Override
    public double predict(Example example) {
        checkUsable(example);
        return vw.predict(text.unlabelled(example));
    }

    /**
     * {@inheritDoc}
     *
     * <p>VW's logistic loss takes labels -1 and 1, so a soft label is rounded: 0.5 and above is positive.
     * VW's own learn call returns the prediction it made before the update, so this is one native call.
     */
    @Override
    public double learn(Example example, double label, double weight) {
        LearnerArguments.requireLabelAndWeight(label, weight);
        checkUsable(example);
        if (weight == 0) {
            return vw.predict(text.unlabelled(example));
        }
        double before = vw.learn(text.labelled(example, label, weight));
        examplesSeen++;
        return before;
    }

    @Override
    public long examplesSeen() {
        return examplesSeen;
    }

    @Override
    public LearnerSnapshot snapshot(Provenance provenance) {
        checkOpen();
        Provenances.requireCompatible(provenance, options, layout);
        byte[] state = new VwState(examplesSeen, vw.model()).encode();
        return new LearnerSnapshot(provenance.withExamplesSeen(examplesSeen), state);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            vw.close();
        }
    }

    private void checkUsable(Example example) {
        checkOpen();
        LearnerArguments.requireLayout(layout, example);
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the VW learner of " + layout + " is closed");
        }
    }

    @Override
    public String toString() {
        return "VwLearner{" + layout + ", examplesSeen=" + examplesSeen + (closed.get() ? ", closed" : "") + "}";
    }
}
