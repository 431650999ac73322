package dev.freshet.bandits.policy;

import java.util.random.RandomGenerator;

/** Gamma and Beta variates from a caller's generator, so that seeded decisions replay. Stateless. */
final class RandomVariates {

    private RandomVariates() {
    }

    /** A Gamma(shape, 1) variate (Marsaglia and Tsang 2000; boosted for shape below 1). */
    static double gamma(double shape, RandomGenerator random) {
        if (shape < 1) {
            double u = random.nextDouble();
            return gamma(shape + 1, random) * Math.pow(u, 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    /** A Beta(a, b) variate. */
    static double beta(double a, double b, RandomGenerator random) {
        double x = gamma(a, random);
        double y = gamma(b, random);
        return x / (x + y);
    }
}
