package dev.freshet.learners.validation;

import java.util.Arrays;

/** The rolling metrics of a window of (score, label, loss), computed on demand. Stateless. */
final class WindowMetrics {

    private static final double EPSILON = 1e-15;

    private WindowMetrics() {
    }

    /** The log loss of one example, the score clipped away from 0 and 1 so that the loss stays finite. */
    static double logLoss(double score, double label) {
        double p = Math.min(1 - EPSILON, Math.max(EPSILON, score));
        return -(label * Math.log(p) + (1 - label) * Math.log(1 - p));
    }

    static Metrics compute(long count, double lossSum, long drifts, double[] scores, double[] labels, double[] losses, int n) {
        double cumulative = count == 0 ? Double.NaN : lossSum / count;
        if (n == 0) {
            return new Metrics(count, cumulative, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, drifts);
        }
        double loss = 0;
        double score = 0;
        double label = 0;
        int correct = 0;
        for (int i = 0; i < n; i++) {
            loss += losses[i];
            score += scores[i];
            label += labels[i];
            if ((scores[i] >= 0.5) == (labels[i] >= 0.5)) {
                correct++;
            }
        }
        double meanScore = score / n;
        double meanLabel = label / n;
        double calibration = meanLabel == 0 ? Double.NaN : meanScore / meanLabel;
        return new Metrics(count, cumulative, n, loss / n, (double) correct / n, auc(scores, labels, n), meanScore,
                meanLabel, calibration, drifts);
    }

    /**
     * The probability that a random positive scores above a random negative, ties counting half (the
     * Mann-Whitney statistic): both classes sorted, then one merge. NaN when a class is absent.
     */
    static double auc(double[] scores, double[] labels, int n) {
        int positives = 0;
        for (int i = 0; i < n; i++) {
            if (labels[i] >= 0.5) {
                positives++;
            }
        }
        int negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        double[] pos = new double[positives];
        double[] neg = new double[negatives];
        int p = 0;
        int q = 0;
        for (int i = 0; i < n; i++) {
            if (labels[i] >= 0.5) {
                pos[p++] = scores[i];
            } else {
                neg[q++] = scores[i];
            }
        }
        Arrays.sort(pos);
        Arrays.sort(neg);
        double wins = 0;
        int below = 0;     // negatives scoring strictly less than the current positive
        int notAbove = 0;  // negatives scoring less than or equal to it
        for (double s : pos) {
            while (below < negatives && neg[below] < s) {
                below++;
            }
            notAbove = Math.max(notAbove, below);
            while (notAbove < negatives && neg[notAbove] <= s) {
                notAbove++;
            }
            wins += below + 0.5 * (notAbove - below);
        }
        return wins / ((double) positives * negatives);
    }
}
