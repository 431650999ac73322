package dev.freshet.bandits;

import java.util.random.RandomGenerator;

/** Operations on a distribution over candidates (an array of probabilities in candidate order). */
public final class Distributions {

    private Distributions() {
    }

    /**
     * Mixes a distribution with the uniform one so that every candidate gets at least {@code min}:
     * {@code p' = (1 - k·min)·p + min}, with k candidates. With {@code min = 0} the distribution is
     * unchanged. Works in place and returns it.
     *
     * @throws IllegalArgumentException when {@code k·min > 1}
     */
    public static double[] floor(double[] p, double min) {
        if (min <= 0) {
            return p;
        }
        int k = p.length;
        if (k * min > 1 + 1e-12) {
            throw new IllegalArgumentException("min_probability " + min + " is more than 1/" + k + " candidates allow");
        }
        double scale = 1 - k * min;
        for (int i = 0; i < k; i++) {
            p[i] = scale * p[i] + min;
        }
        return p;
    }

    /** The index chosen by sampling {@code p} once. */
    public static int sample(double[] p, RandomGenerator random) {
        double u = random.nextDouble();
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                cumulative += p[i];
                last = i;
                if (u < cumulative) {
                    return i;
                }
            }
        }
        if (last < 0) {
            throw new IllegalArgumentException("a distribution with no positive probability");
        }
        return last; // rounding: u fell in the last sliver above the cumulative sum
    }

    /** The uniform distribution over {@code k} candidates. */
    public static double[] uniform(int k) {
        double[] p = new double[k];
        java.util.Arrays.fill(p, 1.0 / k);
        return p;
    }

    /** Puts all mass on the maximal entries of {@code scores}, split equally among ties. */
    public static double[] argmax(double[] scores) {
        double best = Double.NEGATIVE_INFINITY;
        int ties = 0;
        for (double s : scores) {
            if (s > best) {
                best = s;
                ties = 1;
            } else if (s == best) {
                ties++;
            }
        }
        double[] p = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            p[i] = scores[i] == best ? 1.0 / ties : 0;
        }
        return p;
    }
}
