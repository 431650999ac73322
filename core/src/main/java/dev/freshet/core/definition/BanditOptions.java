package dev.freshet.core.definition;

import java.util.Objects;

/**
 * A bandit policy's options ({@code bandits[].options} in YAML): a mapping for Freshet's own
 * policies (each reads the keys that apply to it), VW's option string for {@code vw_cb}.
 *
 * @param epsilon        epsilon_greedy: the probability of a uniformly random action (0..1)
 * @param alpha          ucb1 and lin_ucb: the width of the confidence bound (non-negative)
 * @param lambda         lin_ucb and lin_ts: ridge regularisation of the linear models (positive)
 * @param v              lin_ts: the scale of the posterior's covariance (positive)
 * @param thompson       thompson: {@code bernoulli} (Beta posteriors, rewards in [0, 1]) or {@code gaussian}
 * @param form           lin_ucb and lin_ts: {@code per_action} (a model per action) or {@code shared}
 *                       (one model over context-action features, which also scores actions it has not seen)
 * @param hashBuckets    lin_ucb and lin_ts: buckets a categorical context input is hashed into (one dimension each)
 * @param minProbability every policy: the least probability any candidate gets (0 allows deterministic choices;
 *                       a small floor keeps every action's propensity positive for off-policy evaluation)
 * @param samples        thompson and lin_ts: posterior draws used to compute the distribution over candidates
 * @param seed           every policy: the seed of its randomness
 * @param vwArguments    vw_cb: VW's command line (e.g. {@code --cb_explore_adf --squarecb -q cA}: VW crosses namespaces by first
 *                       letter, case-sensitive: {@code c} the request context, {@code A} the actions); empty otherwise
 */
public record BanditOptions(double epsilon, double alpha, double lambda, double v, String thompson, String form, int hashBuckets,
                            double minProbability, int samples, long seed, String vwArguments) {

    public static final double DEFAULT_EPSILON = 0.05;
    public static final double DEFAULT_ALPHA = 1.0;
    public static final double DEFAULT_LAMBDA = 1.0;
    public static final double DEFAULT_V = 1.0;
    public static final String BERNOULLI = "bernoulli";
    public static final String GAUSSIAN = "gaussian";
    public static final String PER_ACTION = "per_action";
    public static final String SHARED = "shared";
    public static final int DEFAULT_HASH_BUCKETS = 16;
    public static final double DEFAULT_MIN_PROBABILITY = 0.0;
    public static final int DEFAULT_SAMPLES = 256;
    public static final long DEFAULT_SEED = 42;
    public static final String DEFAULT_VW_ARGUMENTS = "--cb_explore_adf --epsilon 0.05";

    public BanditOptions {
        Objects.requireNonNull(thompson, "thompson");
        Objects.requireNonNull(form, "form");
        Objects.requireNonNull(vwArguments, "vwArguments");
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon must be in 0..1, not " + epsilon);
        }
        if (!(alpha >= 0) || !(lambda > 0) || !(v > 0) || !Double.isFinite(alpha + lambda + v)) {
            throw new IllegalArgumentException("alpha must be non-negative, lambda and v positive: " + alpha + ", " + lambda + ", " + v);
        }
        if (!thompson.equals(BERNOULLI) && !thompson.equals(GAUSSIAN)) {
            throw new IllegalArgumentException("thompson must be bernoulli or gaussian, not " + thompson);
        }
        if (!form.equals(PER_ACTION) && !form.equals(SHARED)) {
            throw new IllegalArgumentException("form must be per_action or shared, not " + form);
        }
        if (hashBuckets < 1 || hashBuckets > 4096) {
            throw new IllegalArgumentException("hash_buckets must be in 1..4096, not " + hashBuckets);
        }
        if (!(minProbability >= 0 && minProbability < 1)) {
            throw new IllegalArgumentException("min_probability must be in [0, 1), not " + minProbability);
        }
        if (samples < 1 || samples > 1_000_000) {
            throw new IllegalArgumentException("samples must be in 1..1000000, not " + samples);
        }
    }

    public static BanditOptions defaults() {
        return new BanditOptions(DEFAULT_EPSILON, DEFAULT_ALPHA, DEFAULT_LAMBDA, DEFAULT_V, BERNOULLI, PER_ACTION, DEFAULT_HASH_BUCKETS,
                DEFAULT_MIN_PROBABILITY, DEFAULT_SAMPLES, DEFAULT_SEED, "");
    }

    /** The defaults of a {@code vw_cb} bandit: VW's options, the rest unused. */
    public static BanditOptions vw(String arguments) {
        BanditOptions d = defaults();
        return new BanditOptions(d.epsilon, d.alpha, d.lambda, d.v, d.thompson, d.form, d.hashBuckets, d.minProbability, d.samples,
                d.seed, arguments);
    }
}
