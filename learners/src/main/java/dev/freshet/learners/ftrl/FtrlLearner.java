package dev.freshet.learners.ftrl;

import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerArguments;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.OnlineLearner;
import dev.freshet.learners.Provenance;
import dev.freshet.learners.Provenances;

/**
 * FTRL-Proximal logistic regression (McMahan et al. 2013, "Ad Click Prediction: a View from the
 * Trenches", algorithm 1) over hashed features, in pure Java: per-coordinate learning rates, L1 and
 * L2 regularisation, see {@link ExampleHasher} for how inputs become coordinates.
 *
 * <p>{@link #predict} and {@link #learn} allocate nothing: an example's coordinates go into arrays
 * sized once for the layout. When two of an example's coordinates hash to the same index they are
 * updated one after the other, each with the weight the prediction used, as hashed FTRL
 * implementations usually do.
 *
 * <p>Not thread-safe (see {@link OnlineLearner}). Holds no native memory; {@link #close()} only
 * marks the learner closed.
 */
public final class FtrlLearner implements OnlineLearner {

    private static final double MAX_MARGIN = 35.0;

    private final LearnerOptions.Ftrl options;
    private final ExampleLayout layout;
    private final ExampleHasher hasher;
    private final FtrlWeights weights;
    private final double[] usedWeights;
    private long examplesSeen;
    private boolean closed;

    private FtrlLearner(LearnerOptions.Ftrl options, ExampleLayout layout) {
        this.options = options;
        this.layout = layout;
        this.hasher = new ExampleHasher(layout, options.hashBits(), options.numbers());
        this.weights = new FtrlWeights(options);
        this.usedWeights = new double[hasher.indices.length];
    }

    /** A new, untrained learner. */
    public static OnlineLearner create(LearnerOptions.Ftrl options, ExampleLayout layout) {
        return new FtrlLearner(options, layout);
    }

    /**
     * A learner in the state of a snapshot taken by an FTRL learner with the same options and layout.
     *
     * @throws IllegalArgumentException when the snapshot is of another learner, options, inputs or
     *                                  interactions; the message says which and how to proceed
     * @throws CorruptDataException     when the state cannot be decoded
     */
    public static OnlineLearner restore(LearnerSnapshot snapshot, LearnerOptions.Ftrl options, ExampleLayout layout) {
        Provenances.requireCompatible(snapshot.provenance(), options, layout);
        FtrlLearner learner = new FtrlLearner(options, layout);
        learner.examplesSeen = learner.weights.decode(snapshot.state(), snapshot.provenance().model());
        return learner;
    }

    @Override
    public ExampleLayout layout() {
        return layout;
    }

    @Override
    public double predict(Example example) {
        check(example);
        return score(hasher.encode(example));
    }

    @Override
    public double learn(Example example, double label, double weight) {
        check(example);
        LearnerArguments.requireLabelAndWeight(label, weight);
        int k = hasher.encode(example);
        double p = score(k);
        if (weight == 0.0) {
            return p;
        }
        double y = Math.min(1.0, Math.max(0.0, label));
        // d(log loss)/d(margin) = p - y; each coordinate's gradient scales it by its value.
        double residual = (p - y) * weight;
        int[] idx = hasher.indices;
        double[] val = hasher.values;
        for (int j = 0; j < k; j++) {
            weights.update(idx[j], residual * val[j], usedWeights[j]);
        }
        examplesSeen++;
        return p;
    }

    /** The sigmoid of w.x over the example's k coordinates, remembering each weight for the update. */
    private double score(int k) {
        int[] idx = hasher.indices;
        double[] val = hasher.values;
        double margin = 0.0;
        for (int j = 0; j < k; j++) {
            double w = weights.weight(idx[j]);
            usedWeights[j] = w;
            margin += w * val[j];
        }
        margin = Math.max(-MAX_MARGIN, Math.min(MAX_MARGIN, margin));
        return 1.0 / (1.0 + Math.exp(-margin));
    }

    /** {@inheritDoc} Examples learnt with weight 0 are not counted. */
    @Override
    public long examplesSeen() {
        return examplesSeen;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the provenance is not of this learner's options and layout
     *                                  (such a snapshot could never be restored)
     */
    @Override
    public LearnerSnapshot snapshot(Provenance provenance) {
        ensureOpen();
        Provenances.requireCompatible(provenance, options, layout);
        return new LearnerSnapshot(provenance.withExamplesSeen(examplesSeen), weights.encode(examplesSeen));
    }

    @Override
    public void close() {
        closed = true;
    }

    /** The current weight of a numeric input, for tests. */
    double numericWeight(String slotName) {
        int slot = layout.indexOf(slotName);
        if (slot < 0) {
            throw new IllegalArgumentException("input " + slotName + " is not in " + layout);
        }
        return weights.weight(hasher.numericIndex(slot));
    }

    /** The current bias weight, for tests. */
    double biasWeight() {
        return weights.weight(hasher.biasIndex());
    }

    private void check(Example example) {
        ensureOpen();
        LearnerArguments.requireLayout(layout, example);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this FTRL learner is closed");
        }
    }
}
