package dev.freshet.learners.validation;

/**
 * A drift in a model's per-example log loss.
 *
 * @param examplesSeen   how many examples had been recorded when it was detected, including the one that
 *                       completed it
 * @param rollingLogLoss the mean log loss over the rolling window at detection
 * @param meanLossBefore the mean log loss before the change, as the detector estimated it
 */
public record DriftEvent(long examplesSeen, double rollingLogLoss, double meanLossBefore) {
}
