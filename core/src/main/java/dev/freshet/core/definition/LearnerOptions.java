package dev.freshet.core.definition;

import java.util.Objects;

/** The options of a model's learner ({@code models[].options} in YAML): a mapping for FTRL, VW's own option string for VW. */
public sealed interface LearnerOptions {

    /** Which learner these options are for. */
    LearnerKind kind();

    /**
     * FTRL-Proximal's hyper-parameters (McMahan et al. 2013, algorithm 1).
     *
     * @param alpha    the per-coordinate learning rate's scale (positive)
     * @param beta     the learning rate's smoothing (non-negative)
     * @param l1       L1 regularisation (non-negative; larger makes sparser models)
     * @param l2       L2 regularisation (non-negative)
     * @param hashBits log2 of the number of weights features are hashed into (1..30)
     * @param numbers  how a numeric input becomes its coordinate's value: as it is, or log-scaled
     */
    record Ftrl(double alpha, double beta, double l1, double l2, int hashBits, Numbers numbers) implements LearnerOptions {

        public static final double DEFAULT_ALPHA = 0.05;
        public static final double DEFAULT_BETA = 1.0;
        public static final double DEFAULT_L1 = 1.0;
        public static final double DEFAULT_L2 = 1.0;
        public static final int DEFAULT_HASH_BITS = 20;
        public static final int MAX_HASH_BITS = 30;

        public Ftrl {
            if (!(alpha > 0) || !Double.isFinite(alpha)) {
                throw new IllegalArgumentException("ftrl alpha must be a positive number, not " + alpha);
            }
            if (!(beta >= 0) || !(l1 >= 0) || !(l2 >= 0) || !Double.isFinite(beta + l1 + l2)) {
                throw new IllegalArgumentException("ftrl beta, l1 and l2 must be non-negative numbers, not " + beta + ", " + l1 + ", " + l2);
            }
            if (hashBits < 1 || hashBits > MAX_HASH_BITS) {
                throw new IllegalArgumentException("ftrl hash_bits must be in 1.." + MAX_HASH_BITS + ", not " + hashBits);
            }
            Objects.requireNonNull(numbers, "numbers");
        }

        /** Numeric inputs as they are. */
        public Ftrl(double alpha, double beta, double l1, double l2, int hashBits) {
            this(alpha, beta, l1, l2, hashBits, Numbers.RAW);
        }

        public static Ftrl defaults() {
            return new Ftrl(DEFAULT_ALPHA, DEFAULT_BETA, DEFAULT_L1, DEFAULT_L2, DEFAULT_HASH_BITS);
        }

        /** The same options with numeric inputs taken as {@code numbers} says. */
        public Ftrl withNumbers(Numbers value) {
            return new Ftrl(alpha, beta, l1, l2, hashBits, value);
        }

        /** How FTRL takes a numeric input ({@code options.numbers}). */
        public enum Numbers {
            /** As it is: the caller keeps inputs on a scale of about 1. */
            RAW,
            /**
             * {@code sign(x) * ln(1 + |x|)}: counts and sums of any size stay within a few units (10,000 becomes 9.2), so
             * that one large input cannot saturate the score; 0 stays 0 and order is kept.
             */
            LOG;

            public String yamlName() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }

            /** The value a numeric input gives its coordinate. */
            public double apply(double x) {
                return this == RAW ? x : Math.copySign(Math.log1p(Math.abs(x)), x);
            }
        }

        @Override
        public LearnerKind kind() {
            return LearnerKind.FTRL;
        }
    }

    /**
     * Vowpal Wabbit's command-line options, passed to VW as written (e.g.
     * {@code --loss_function logistic -b 22 -q uc}). Freshet adds {@code --quiet}, and
     * {@code --link logistic} when no link is given, so that predictions are probabilities.
     */
    record Vw(String arguments) implements LearnerOptions {

        public static final String DEFAULT_ARGUMENTS = "--loss_function logistic";

        public Vw {
            Objects.requireNonNull(arguments, "arguments");
        }

        @Override
        public LearnerKind kind() {
            return LearnerKind.VW;
        }
    }
}
