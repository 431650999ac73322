package dev.freshet.bandits.policy;

import dev.freshet.bandits.Distributions;
import dev.freshet.bandits.Policy;
import dev.freshet.learners.Example;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.ToDoubleBiFunction;

/**
 * Runs a policy against a simulated environment: each round draws a context, asks the policy for a
 * distribution, samples an action from it, draws a Bernoulli reward with the action's expected reward and
 * lets the policy learn. Regret is expected regret: the best action's expected reward minus the chosen one's.
 */
final class Simulation {

    /** Cumulative expected regret over the first and second half of the rounds, and the total expected reward. */
    record Result(double firstHalfRegret, double secondHalfRegret, double reward) {
        double regret() {
            return firstHalfRegret + secondHalfRegret;
        }
    }

    private Simulation() {
    }

    /**
     * @param context fills a round's context from the environment's generator
     * @param mean    the expected reward (in [0, 1]) of action i in the current context
     */
    static Result run(Policy policy, List<String> actions, int rounds, long seed, BiConsumer<Example, SplittableRandom> context,
                      ToDoubleBiFunction<Example, Integer> mean) {
        SplittableRandom env = new SplittableRandom(seed);
        SplittableRandom decisions = new SplittableRandom(seed ^ 0x5DEECE66DL);
        Example e = policy.layout().newExample();
        double[] regret = new double[2];
        double reward = 0;
        double[] means = new double[actions.size()];
        for (int t = 0; t < rounds; t++) {
            context.accept(e, env);
            double best = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < means.length; i++) {
                means[i] = mean.applyAsDouble(e, i);
                best = Math.max(best, means[i]);
            }
            double[] p = policy.distribution(e, actions, decisions);
            int a = Distributions.sample(p, decisions);
            double r = env.nextDouble() < means[a] ? 1 : 0;
            policy.learn(e, actions.get(a), r, p[a]);
            regret[2 * t < rounds ? 0 : 1] += best - means[a];
            reward += means[a];
        }
        return new Result(regret[0], regret[1], reward);
    }

    /** A policy that chooses uniformly at random, as a baseline. */
    static Result uniform(List<String> actions, int rounds, long seed, Policy layoutSource, BiConsumer<Example, SplittableRandom> context,
                          ToDoubleBiFunction<Example, Integer> mean) {
        SplittableRandom env = new SplittableRandom(seed);
        Example e = layoutSource.layout().newExample();
        double regret = 0;
        double reward = 0;
        for (int t = 0; t < rounds; t++) {
            context.accept(e, env);
            double best = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (int i = 0; i < actions.size(); i++) {
                double m = mean.applyAsDouble(e, i);
                best = Math.max(best, m);
                sum += m;
            }
            env.nextDouble();
            regret += best - sum / actions.size();
            reward += sum / actions.size();
        }
        return new Result(regret / 2, regret / 2, reward);
    }
}
