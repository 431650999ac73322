package dev.freshet.learners.validation;

/**
 * Progressive validation metrics: each example scored before it was learnt. "Rolling" metrics cover
 * the last {@code windowSize} examples. A metric that is undefined is {@link Double#NaN}: every rolling
 * metric while no example has been recorded, the AUC while the window holds only one class, and the
 * calibration while the window's mean label is 0.
 *
 * @param count             examples recorded in all
 * @param cumulativeLogLoss the mean log loss over every example recorded
 * @param windowSize        how many examples the rolling metrics cover (at most the window)
 * @param logLoss           the rolling mean log loss (scores clipped to [1e-15, 1 - 1e-15])
 * @param accuracy          the rolling fraction of examples where (score >= 0.5) equals (label >= 0.5)
 * @param auc               the rolling area under the ROC curve, labels >= 0.5 positive, tied scores counting half
 * @param meanScore         the rolling mean score
 * @param meanLabel         the rolling mean label
 * @param calibration       meanScore / meanLabel: above 1 the model over-predicts, below 1 it under-predicts
 * @param drifts            how many drifts the drift detector has signalled (0 without one)
 */
public record Metrics(long count, double cumulativeLogLoss, int windowSize, double logLoss, double accuracy, double auc,
                      double meanScore, double meanLabel, double calibration, long drifts) {
}
