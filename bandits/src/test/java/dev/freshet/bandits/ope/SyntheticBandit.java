package dev.freshet.bandits.ope;

import dev.freshet.bandits.Distributions;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A contextual bandit with known mean rewards: contexts are a segment (a feature: a, b or c) and a
 * number x in {0, 0.25, 0.5, 0.75, 1} (a request context field), drawn uniformly; four actions;
 * Bernoulli rewards whose mean has logit {@code base[a] + segment[s][a] + slope[a]·x} (so the built-in
 * reward model's form is right). The logging policy is a softmax over a noisy scorer, floored at 0.05;
 * the target is epsilon-greedy (0.1) on the true means.
 */
final class SyntheticBandit {

    static final List<String> SEGMENTS = List.of("a", "b", "c");
    static final double[] XS = {0, 0.25, 0.5, 0.75, 1};
    static final List<String> ACTIONS = List.of("red", "green", "blue", "grey");
    static final ExampleLayout LAYOUT = ExampleLayout.of(List.of(new FeatureRef("user", "segment")), List.of("x"), List.of());

    private static final double[] BASE = {-0.5, 0.0, 0.3, -1.0};
    private static final double[][] SEGMENT = {{1.0, -0.5, 0.0, 0.2}, {-0.8, 0.9, -0.2, 0.4}, {0.0, 0.0, -1.0, 1.5}};
    private static final double[] SLOPE = {1.2, -0.8, 0.3, 0.0};
    private static final double[][][] NOISE = new double[3][XS.length][4];

    static {
        SplittableRandom r = new SplittableRandom(99);
        for (double[][] a : NOISE) {
            for (double[] b : a) {
                for (int k = 0; k < b.length; k++) {
                    b[k] = r.nextGaussian() * 0.15;
                }
            }
        }
    }

    private SyntheticBandit() {
    }

    /** The true mean reward of an action in a context. */
    static double mean(Example context, String action) {
        int s = SEGMENTS.indexOf(context.category(0));
        int a = ACTIONS.indexOf(action);
        return 1 / (1 + Math.exp(-(BASE[a] + SEGMENT[s][a] + SLOPE[a] * context.number(1))));
    }

    static double[] logging(Example context, List<String> candidates) {
        int s = SEGMENTS.indexOf(context.category(0));
        int x = (int) Math.round(context.number(1) * 4);
        double[] p = new double[candidates.size()];
        double sum = 0;
        for (int a = 0; a < p.length; a++) {
            double score = mean(context, candidates.get(a)) + NOISE[s][x][ACTIONS.indexOf(candidates.get(a))];
            p[a] = Math.exp(score / 0.2);
            sum += p[a];
        }
        for (int a = 0; a < p.length; a++) {
            p[a] /= sum;
        }
        return Distributions.floor(p, 0.05);
    }

    static double[] target(Example context, List<String> candidates) {
        double[] means = new double[candidates.size()];
        for (int a = 0; a < means.length; a++) {
            means[a] = mean(context, candidates.get(a));
        }
        double[] p = Distributions.argmax(means);
        for (int a = 0; a < p.length; a++) {
            p[a] = 0.9 * p[a] + 0.1 / p.length;
        }
        return p;
    }

    /** The target's exact value: the mean over the 15 equally likely contexts of sum_a pi(a|x) mu(x, a). */
    static double trueTargetValue() {
        double total = 0;
        Example e = LAYOUT.newExample();
        for (String s : SEGMENTS) {
            for (double x : XS) {
                e.setCategory(0, s).setNumber(1, x);
                double[] p = target(e, ACTIONS);
                for (int a = 0; a < p.length; a++) {
                    total += p[a] * mean(e, ACTIONS.get(a));
                }
            }
        }
        return total / (SEGMENTS.size() * XS.length);
    }

    /** {@code n} decisions of the logging policy, with rewards drawn from the true means. */
    static List<LoggedDecision> log(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        List<LoggedDecision> log = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Example context = LAYOUT.newExample()
                    .setCategory(0, SEGMENTS.get(random.nextInt(SEGMENTS.size())))
                    .setNumber(1, XS[random.nextInt(XS.length)]);
            double[] p = logging(context, ACTIONS);
            int a = Distributions.sample(p, random);
            double reward = random.nextDouble() < mean(context, ACTIONS.get(a)) ? 1 : 0;
            log.add(new LoggedDecision(context, ACTIONS, ACTIONS.get(a), p[a], reward));
        }
        return log;
    }
}
