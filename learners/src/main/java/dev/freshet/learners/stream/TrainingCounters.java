package dev.freshet.learners.stream;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the label join has done since it started: predictions taken in, examples written (labelled
 * or defaulted after the window), and the label events it could not use, by reason. None of those
 * stops the join. Thread-safe.
 */
public final class TrainingCounters {

    final LongAdder predictions = new LongAdder();
    final LongAdder labelled = new LongAdder();
    final LongAdder defaulted = new LongAdder();
    final LongAdder unknownLabels = new LongAdder();
    final LongAdder badLabels = new LongAdder();
    final LongAdder duplicatePredictions = new LongAdder();
    final LongAdder unknownModels = new LongAdder();

    /** Predictions received and waiting for their label. */
    public long predictions() {
        return predictions.sum();
    }

    /** Examples written with a label that arrived within the window. */
    public long labelled() {
        return labelled.sum();
    }

    /** Examples written with the default label because the window passed without one. */
    public long defaulted() {
        return defaulted.sum();
    }

    /**
     * Label events whose prediction id is not waiting: never predicted, already labelled (the first label
     * wins), past its window, or a prediction of a model whose labels come from another source.
     */
    public long unknownLabels() {
        return unknownLabels.sum();
    }

    /** Label events without a prediction id, or whose label is missing, not a number or boolean, or outside [0, 1]. */
    public long badLabels() {
        return badLabels.sum();
    }

    /** Predictions logged twice under one id (the first is kept). */
    public long duplicatePredictions() {
        return duplicatePredictions.sum();
    }

    /** Predictions of a model the configuration no longer has. */
    public long unknownModels() {
        return unknownModels.sum();
    }
}
