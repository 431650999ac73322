package dev.freshet.bandits.ope;

import dev.freshet.core.definition.LearnerOptions;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Off-policy evaluation: estimates the mean reward per decision a target policy would have earned,
 * from decisions a logging policy made, with the IPS, SNIPS, DM and DR estimators (see
 * {@link Estimator}), each with a normal-approximation and a bootstrap 95 % interval (see
 * {@link IntervalMethod}).
 *
 * <pre>{@code
 * OffPolicyResult result = OffPolicyEvaluation.builder()
 *         .target(policy::distribution)
 *         .seed(42)
 *         .build()
 *         .evaluate(log);
 * double dr = result.get(Estimator.DR, IntervalMethod.NORMAL).value();
 * }</pre>
 *
 * <p>The target's distribution is computed once per decision, in log order, with a generator seeded
 * from {@link Builder#seed}; the bootstrap and the built-in model's training order are seeded from it
 * too, so the same log, target and seed give the same result. Immutable; {@link #evaluate} is as
 * thread-safe as the target and reward model it calls.
 */
public final class OffPolicyEvaluation {

    /**
     * The built-in reward model's default FTRL options: no L1 (a log has few coordinates, every one
     * wanted), light L2, a learning rate large enough for a few thousand examples to fit, and numbers
     * log-scaled (contexts hold windowed counts and sums, often in the thousands).
     */
    public static final LearnerOptions.Ftrl DEFAULT_FTRL = new LearnerOptions.Ftrl(0.3, 1.0, 0.0, 1.0, 18, LearnerOptions.Ftrl.Numbers.LOG);
    /** How many times the built-in reward model goes over its training fold by default. */
    public static final int DEFAULT_PASSES = 5;
    /** How many bootstrap resamples give the bootstrap intervals by default. */
    public static final int DEFAULT_RESAMPLES = 500;
    /** How many bootstrap resamples the built-in reward model is fitted again on, for DM's intervals, by default. */
    public static final int DEFAULT_REFITS = 100;
    private static final double SUM_TOLERANCE = 1e-6;

    private final TargetDistribution target;
    private final RewardModel rewardModel;
    private final CrossFitRewardModel builtIn;
    private final long seed;
    private final int resamples;
    private final int refits;

    private OffPolicyEvaluation(Builder b) {
        this.target = b.target;
        this.rewardModel = b.rewardModel;
        this.builtIn = b.rewardModel == null ? new CrossFitRewardModel(b.ftrl, b.passes) : null;
        this.seed = b.seed;
        this.resamples = b.resamples;
        this.refits = b.refits;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Evaluates the target on a log.
     *
     * @throws IllegalArgumentException when the log is empty; or, naming the decision's index, when a
     *                                  decision's candidates are empty or repeat one, its action is not
     *                                  among them, its propensity is not in (0, 1] or its reward not
     *                                  finite, the target's distribution for it is not one probability
     *                                  per candidate summing to 1, or a reward prediction is not finite
     */
    public OffPolicyResult evaluate(Iterable<LoggedDecision> decisions) {
        List<LoggedDecision> log = new ArrayList<>();
        decisions.forEach(log::add);
        if (log.isEmpty()) {
            throw new IllegalArgumentException("the log is empty: off-policy evaluation needs at least one logged decision");
        }
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom targetRandom = root.split();
        SplittableRandom modelRandom = root.split();
        SplittableRandom bootstrapRandom = root.split();
        SplittableRandom refitRandom = root.split();
        int n = log.size();
        double[][] pi = new double[n][];
        int[] chosen = new int[n];
        double[] w = new double[n];
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            LoggedDecision d = log.get(i);
            if (d == null) {
                throw new IllegalArgumentException("decision " + i + " is null");
            }
            chosen[i] = validate(i, d);
            pi[i] = targetDistribution(i, d, targetRandom);
            w[i] = pi[i][chosen[i]] / d.propensity();
            r[i] = d.reward();
        }
        double[][] rhat = builtIn != null ? builtIn.predict(log, modelRandom) : supplied(log);
        double[] dm = new double[n];
        double[] dr = new double[n];
        double[] ips = new double[n];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < pi[i].length; a++) {
                if (!Double.isFinite(rhat[i][a])) {
                    throw new IllegalArgumentException("decision " + i + ": the reward model predicts " + rhat[i][a]
                            + " for action " + log.get(i).candidates().get(a) + ", but predictions must be finite");
                }
                dm[i] += pi[i][a] * rhat[i][a];
            }
            dr[i] = dm[i] + w[i] * (r[i] - rhat[i][chosen[i]]);
            ips[i] = w[i] * r[i];
        }
        double[] refitted = builtIn == null ? null : refittedDirectMethod(log, pi, refitRandom);
        return result(w, r, ips, dm, dr, refitted, bootstrapRandom);
    }

    /**
     * DM on bootstrap resamples of the log, the built-in reward model fitted again on each: the spread
     * of these includes the model's own estimation error, which resampling fixed predictions leaves out
     * (with them DM's intervals covered the truth in a few logs out of ten; see the simulation test).
     */
    private double[] refittedDirectMethod(List<LoggedDecision> log, double[][] pi, SplittableRandom random) {
        int n = log.size();
        double[] out = new double[refits];
        int[] drawn = new int[n];
        List<LoggedDecision> sample = new ArrayList<>(n);
        for (int b = 0; b < refits; b++) {
            sample.clear();
            for (int k = 0; k < n; k++) {
                drawn[k] = random.nextInt(n);
                sample.add(log.get(drawn[k]));
            }
            double[][] rhat = builtIn.predict(sample, random.split());
            double sum = 0;
            for (int k = 0; k < n; k++) {
                double[] p = pi[drawn[k]];
                for (int a = 0; a < p.length; a++) {
                    sum += p[a] * rhat[k][a];
                }
            }
            out[b] = sum / n;
        }
        return out;
    }

    /**
     * @param refitted DM on resamples with the reward model fitted again, or null for a supplied model (whose
     *                 predictions are fixed, so resampling them is the whole of DM's uncertainty)
     */
    private OffPolicyResult result(double[] w, double[] r, double[] ips, double[] dm, double[] dr, double[] refitted,
                                   SplittableRandom random) {
        double sw = 0;
        double sw2 = 0;
        double maxW = 0;
        for (double x : w) {
            sw += x;
            sw2 += x * x;
            maxW = Math.max(maxW, x);
        }
        double[][] normal = {Intervals.normal(ips), Intervals.snipsDelta(w, r), Intervals.normal(dm), Intervals.normal(dr)};
        double[][] boot = Intervals.bootstrap(w, r, dm, dr, resamples, random);
        if (refitted != null) {
            int e = Estimator.DM.ordinal();
            normal[e] = Intervals.normalWithSpread(normal[e][0], refitted);
            boot[e] = Intervals.percentiles(refitted);
        }
        List<Estimate> estimates = new ArrayList<>();
        for (Estimator e : Estimator.values()) {
            double[] nn = normal[e.ordinal()];
            estimates.add(new Estimate(e, nn[0], nn[1], nn[2], IntervalMethod.NORMAL));
            estimates.add(new Estimate(e, nn[0], boot[e.ordinal()][0], boot[e.ordinal()][1], IntervalMethod.BOOTSTRAP));
        }
        return new OffPolicyResult(w.length, sw2 == 0 ? 0 : sw * sw / sw2, maxW, estimates);
    }

    private static int validate(int i, LoggedDecision d) {
        List<String> candidates = d.candidates();
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("decision " + i + " has no candidates");
        }
        if (new HashSet<>(candidates).size() != candidates.size()) {
            throw new IllegalArgumentException("decision " + i + ": candidates " + candidates + " repeat an action");
        }
        int chosen = candidates.indexOf(d.action());
        if (chosen < 0) {
            throw new IllegalArgumentException("decision " + i + ": action " + d.action() + " is not among its candidates " + candidates);
        }
        if (!(d.propensity() > 0 && d.propensity() <= 1)) {
            throw new IllegalArgumentException("decision " + i + ": propensity " + d.propensity() + " is not in (0, 1]");
        }
        if (!Double.isFinite(d.reward())) {
            throw new IllegalArgumentException("decision " + i + ": reward " + d.reward() + " is not finite");
        }
        return chosen;
    }

    private double[] targetDistribution(int i, LoggedDecision d, SplittableRandom random) {
        double[] p = target.distribution(d.context(), d.candidates(), random);
        int k = d.candidates().size();
        if (p == null || p.length != k) {
            throw new IllegalArgumentException("decision " + i + ": the target gave " + (p == null ? "null" : p.length + " probabilities")
                    + " for " + k + " candidates");
        }
        double sum = 0;
        for (double x : p) {
            if (!(x >= 0 && x <= 1)) {
                throw new IllegalArgumentException("decision " + i + ": the target gave probability " + x + ", not in [0, 1]");
            }
            sum += x;
        }
        if (Math.abs(sum - 1) > SUM_TOLERANCE) {
            throw new IllegalArgumentException("decision " + i + ": the target's probabilities sum to " + sum + ", not 1");
        }
        return p.clone(); // the target may reuse its array
    }

    private double[][] supplied(List<LoggedDecision> log) {
        double[][] rhat = new double[log.size()][];
        for (int i = 0; i < rhat.length; i++) {
            LoggedDecision d = log.get(i);
            rhat[i] = new double[d.candidates().size()];
            for (int a = 0; a < rhat[i].length; a++) {
                rhat[i][a] = rewardModel.predict(d.context(), d.candidates().get(a));
            }
        }
        return rhat;
    }

    /**
     * Configures an evaluation. Each setter checks its argument; {@link #build()} checks that a target
     * was given. Not thread-safe.
     */
    public static final class Builder {

        private TargetDistribution target;
        private RewardModel rewardModel;
        private LearnerOptions.Ftrl ftrl = DEFAULT_FTRL;
        private int passes = DEFAULT_PASSES;
        private long seed = 1;
        private int resamples = DEFAULT_RESAMPLES;
        private int refits = DEFAULT_REFITS;

        private Builder() {
        }

        /** The policy to evaluate (required); e.g. {@code policy::distribution}. */
        public Builder target(TargetDistribution target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /**
         * Uses this reward model for DM and DR, as is, instead of the built-in one.
         */
        public Builder rewardModel(RewardModel model) {
            this.rewardModel = Objects.requireNonNull(model, "rewardModel");
            return this;
        }

        /**
         * Uses the built-in reward model (the default, with {@link #DEFAULT_FTRL} and {@link #DEFAULT_PASSES}):
         * FTRL logistic regression over the context inputs, the action as a category, and the action
         * crossed with each context input. Rewards are min-max scaled to [0, 1] with the log's observed
         * range (soft labels), and predictions scaled back, so any finite rewards work; a log whose
         * rewards are all equal predicts that reward. The model is cross-fitted: decisions at even and at
         * odd positions of the log form two folds, and each fold's predictions come from a model trained,
         * {@code passes} times over in seeded shuffled order, on the other fold only, so a decision's own
         * reward never enters its prediction (which would bias DR towards DM). All contexts must share one layout.
         *
         * @throws IllegalArgumentException when passes is not positive
         */
        public Builder ftrlRewardModel(LearnerOptions.Ftrl options, int passes) {
            if (passes < 1) {
                throw new IllegalArgumentException("passes was " + passes + ", but the reward model needs at least 1");
            }
            this.ftrl = Objects.requireNonNull(options, "options");
            this.passes = passes;
            this.rewardModel = null;
            return this;
        }

        /** The seed of the target's generator, the bootstrap and the built-in model's training order (default 1). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * How many bootstrap resamples give the bootstrap intervals (default {@value OffPolicyEvaluation#DEFAULT_RESAMPLES}).
         *
         * @throws IllegalArgumentException when fewer than 40 (too few for a 2.5th percentile)
         */
        public Builder bootstrapResamples(int resamples) {
            if (resamples < 40) {
                throw new IllegalArgumentException("bootstrap resamples was " + resamples + ", but at least 40 are needed for a 95 % interval");
            }
            this.resamples = resamples;
            return this;
        }

        /**
         * How many bootstrap resamples the built-in reward model is fitted again on for DM's intervals
         * (default {@value OffPolicyEvaluation#DEFAULT_REFITS}): DM's bootstrap interval is their
         * percentiles, its normal interval the estimate plus or minus 1.96 of their standard deviations.
         * Each costs a fit of the model; a supplied reward model is not refitted.
         *
         * @throws IllegalArgumentException when fewer than 40
         */
        public Builder directMethodRefits(int refits) {
            if (refits < 40) {
                throw new IllegalArgumentException("direct method refits was " + refits + ", but at least 40 are needed for a 95 % interval");
            }
            this.refits = refits;
            return this;
        }

        /**
         * The evaluation as configured.
         *
         * @throws IllegalStateException when no target was given
         */
        public OffPolicyEvaluation build() {
            if (target == null) {
                throw new IllegalStateException("no target policy: call target(policy::distribution) before build()");
            }
            return new OffPolicyEvaluation(this);
        }
    }
}
