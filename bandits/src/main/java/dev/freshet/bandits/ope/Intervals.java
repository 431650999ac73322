package dev.freshet.bandits.ope;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/** 95 % confidence intervals from per-decision terms: normal approximation, delta method and bootstrap. */
final class Intervals {

    static final double Z = 1.959963984540054;

    private Intervals() {
    }

    /** {@code [mean - z·sd/sqrt(n), mean + z·sd/sqrt(n)]}; unbounded with fewer than two terms. */
    static double[] normal(double[] terms) {
        int n = terms.length;
        double mean = mean(terms);
        if (n < 2) {
            return new double[] {mean, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        }
        double ss = 0;
        for (double t : terms) {
            ss += (t - mean) * (t - mean);
        }
        double half = Z * Math.sqrt(ss / (n - 1) / n);
        return new double[] {mean, mean - half, mean + half};
    }

    /**
     * SNIPS {@code V = sum w r / sum w} with the delta-method interval: V's linearisation has terms
     * {@code w_i (r_i - V) / mean(w)}. NaN everywhere when {@code sum w = 0}.
     */
    static double[] snipsDelta(double[] w, double[] r) {
        int n = w.length;
        double sw = 0;
        double swr = 0;
        for (int i = 0; i < n; i++) {
            sw += w[i];
            swr += w[i] * r[i];
        }
        if (sw == 0) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        double v = swr / sw;
        if (n < 2) {
            return new double[] {v, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        }
        double meanW = sw / n;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double u = w[i] * (r[i] - v) / meanW;
            ss += u * u; // the u sum to 0 exactly, so no mean to subtract
        }
        double half = Z * Math.sqrt(ss / (n - 1) / n);
        return new double[] {v, v - half, v + half};
    }

    /**
     * Percentile bootstrap intervals of the four estimators, in {@link Estimator} order, each as
     * {@code {lower, upper}}; one set of resamples serves all four, so they are comparable.
     */
    static double[][] bootstrap(double[] w, double[] r, double[] dm, double[] dr, int resamples, RandomGenerator random) {
        int n = w.length;
        double[][] stats = new double[4][resamples];
        for (int b = 0; b < resamples; b++) {
            double sWr = 0;
            double sW = 0;
            double sDm = 0;
            double sDr = 0;
            for (int k = 0; k < n; k++) {
                int i = random.nextInt(n);
                sWr += w[i] * r[i];
                sW += w[i];
                sDm += dm[i];
                sDr += dr[i];
            }
            stats[0][b] = sWr / n;
            stats[1][b] = sW == 0 ? Double.NaN : sWr / sW;
            stats[2][b] = sDm / n;
            stats[3][b] = sDr / n;
        }
        double[][] out = new double[4][];
        for (int e = 0; e < 4; e++) {
            out[e] = percentiles(stats[e]);
        }
        return out;
    }

    /** {@code [estimate - z·sd, estimate + z·sd]} with sd the standard deviation of bootstrap statistics, as {@code {estimate, lower, upper}}. */
    static double[] normalWithSpread(double estimate, double[] statistics) {
        double mean = mean(statistics);
        double ss = 0;
        for (double t : statistics) {
            ss += (t - mean) * (t - mean);
        }
        double half = Z * Math.sqrt(ss / (statistics.length - 1));
        return new double[] {estimate, estimate - half, estimate + half};
    }

    /** The 2.5th and 97.5th percentiles of bootstrap statistics (the finite ones), as {@code {lower, upper}}. */
    static double[] percentiles(double[] statistics) {
        double[] s = Arrays.stream(statistics).filter(Double::isFinite).sorted().toArray();
        return s.length == 0 ? new double[] {Double.NaN, Double.NaN} : new double[] {quantile(s, 0.025), quantile(s, 0.975)};
    }

    /** The q-quantile of sorted values, interpolating linearly between order statistics. */
    static double quantile(double[] sorted, double q) {
        double h = q * (sorted.length - 1);
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }
}
