package dev.freshet.bench.bandits;

import dev.freshet.bandits.Distributions;
import dev.freshet.bandits.Policies;
import dev.freshet.bandits.Policy;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.core.definition.PolicyKind;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Regret of Freshet's bandit policies against Vowpal Wabbit's exploration algorithms, on the usual
 * supervised-to-bandit conversion of a multiclass data set (Bietti, Agarwal and Langford, "A Contextual
 * Bandit Bake-off"): the classes are the actions, each row is a context (numeric attributes as numbers,
 * nominal ones as categories, all as request context fields, so in VW's {@code context} namespace), and the
 * chosen action earns 1 when it is the row's class, else 0. Only the chosen action's reward is revealed.
 *
 * <p>For each seed the rows are shuffled with that seed and every policy runs over the same stream, deciding
 * ({@link Policy#distribution} then {@link Distributions#sample}, as the decision service does) and learning
 * each outcome at once, with the decision's propensity. Reported: the progressive reward rate (mean reward
 * over the whole run, every decision counted), its spread over seeds, and the cumulative regret against the
 * best policy in hindsight (always the true class: reward 1 each time) and against choosing uniformly at random
 * (expected reward 1/K each time; negative means better than random). {@code passes > 1} runs the shuffled
 * stream that many times in a row (reshuffled each pass), still counting every decision.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar dev.freshet.bench.bandits.BanditRegretBenchmark \
 *     FILE.arff[,MORE.arff] [seeds, default 5] [passes, default 1] [standardize: true|false, default false] \
 *     ["extra VW settings after --cb_explore_adf, separated by ;"]
 * </pre>
 */
public final class BanditRegretBenchmark {

    /** A policy under test: its label in the table and its bandit definition. */
    private record Contender(String label, BanditDefinition bandit) {
    }

    /** One contender's results over all seeds: rewards per seed, decisions per seed, seconds in all. */
    private record Result(Contender contender, double[] rewards, long decisions, double seconds) {
        double meanRate() {
            return Arrays.stream(rewards).average().orElseThrow() / decisions;
        }

        double sdRate() {
            double m = meanRate();
            return Math.sqrt(Arrays.stream(rewards).map(r -> (r / decisions - m) * (r / decisions - m)).sum() / Math.max(1, rewards.length - 1));
        }
    }

    private BanditRegretBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: BanditRegretBenchmark FILE.arff[,MORE.arff] [seeds] [passes] [standardize]");
        }
        List<Path> files = Arrays.stream(args[0].split(",")).map(Path::of).toList();
        int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        boolean standardize = args.length > 3 && Boolean.parseBoolean(args[3]);
        List<String> extraVw = args.length > 4 ? List.of(args[4].split(";")) : List.of();
        ArffData data = ArffData.read(files);
        int k = data.classes().size();
        int n = data.rows().size();
        ExampleLayout layout = ExampleLayout.of(List.of(), data.attributes(), List.of());
        Example[] contexts = contexts(data, layout, standardize);

        System.out.printf(Locale.ROOT, "machine: %s, %d cores, Java %s; date %s%n", InetAddress.getLocalHost().getHostName(),
                Runtime.getRuntime().availableProcessors(), Runtime.version(), Instant.now());
        System.out.printf(Locale.ROOT, "data: %s: %d rows, %d actions (classes), %d inputs (%d numeric, %d nominal); majority class %.1f%%%n",
                data.name(), n, k, data.attributes().size(), data.numericCount(), data.attributes().size() - data.numericCount(),
                100 * data.majorityRate());
        System.out.printf(Locale.ROOT, "settings: seeds 1..%d (each a shuffle and the policies' seed), passes %d, numeric inputs %s%n",
                seeds, passes, standardize ? "standardized (z-scores over the whole data set)" : "as read");

        List<Result> results = new ArrayList<>();
        for (Contender c : contenders(data, extraVw)) {
            double[] rewards = new double[seeds];
            long start = System.nanoTime();
            for (int s = 1; s <= seeds; s++) {
                rewards[s - 1] = run(c.bandit(), layout, contexts, data, s, passes);
            }
            Result r = new Result(c, rewards, (long) n * passes, (System.nanoTime() - start) / 1e9);
            results.add(r);
            System.out.printf(Locale.ROOT, "%-55s reward rate %.4f ± %.4f  (%.1f s)%n", c.label(), r.meanRate(), r.sdRate(), r.seconds());
        }
        print(results, n * passes, k);
    }

    /** One run: total reward over the shuffled stream of this seed. */
    private static double run(BanditDefinition bandit, ExampleLayout layout, Example[] contexts, ArffData data, int seed, int passes) {
        BanditDefinition seeded = withSeed(bandit, seed);
        List<String> actions = data.classes();
        SplittableRandom shuffle = new SplittableRandom(seed);
        SplittableRandom random = new SplittableRandom(seed * 31L + 1);
        double total = 0;
        try (Policy policy = Policies.create(seeded, layout)) {
            for (int pass = 0; pass < passes; pass++) {
                int[] order = permutation(contexts.length, shuffle);
                for (int row : order) {
                    double[] p = policy.distribution(contexts[row], actions, random);
                    int chosen = Distributions.sample(p, random);
                    double reward = chosen == data.labels()[row] ? 1 : 0;
                    policy.learn(contexts[row], actions.get(chosen), reward, p[chosen]);
                    total += reward;
                }
            }
        }
        return total;
    }

    private static List<Contender> contenders(ArffData data, List<String> extraVw) {
        int inputs = data.attributes().size();
        boolean categorical = data.numericCount() < inputs;
        // per_action: room for the nominal values; shared: the most buckets that keep D = d (1 + B) within 2048
        int perActionBuckets = categorical ? 64 : 16;
        int sharedBuckets = 16;
        while ((1 + inputs + sharedBuckets) * (1 + sharedBuckets) > 2048) {
            sharedBuckets--;
        }
        List<Contender> list = new ArrayList<>();
        list.add(nat("epsilon_greedy epsilon=0.05 (context-free)", PolicyKind.EPSILON_GREEDY, 1, BanditOptions.PER_ACTION, 16, 1));
        list.add(nat("thompson bernoulli (context-free)", PolicyKind.THOMPSON, 1, BanditOptions.PER_ACTION, 16, 1));
        for (double alpha : new double[] {0.1, 0.5, 1.0}) {
            list.add(nat("lin_ucb per_action alpha=" + alpha + " hash_buckets=" + perActionBuckets, PolicyKind.LIN_UCB, alpha,
                    BanditOptions.PER_ACTION, perActionBuckets, 1));
        }
        for (double alpha : new double[] {0.1, 1.0}) {
            list.add(nat("lin_ucb shared alpha=" + alpha + " hash_buckets=" + sharedBuckets, PolicyKind.LIN_UCB, alpha,
                    BanditOptions.SHARED, sharedBuckets, 1));
        }
        for (double v : new double[] {0.1, 1.0}) {
            list.add(nat("lin_ts per_action v=" + v + " hash_buckets=" + perActionBuckets, PolicyKind.LIN_TS, 1, BanditOptions.PER_ACTION,
                    perActionBuckets, v));
        }
        list.add(nat("lin_ts shared v=0.1 hash_buckets=" + sharedBuckets, PolicyKind.LIN_TS, 1, BanditOptions.SHARED, sharedBuckets, 0.1));
        List<String> vwSettings = new ArrayList<>(List.of("--epsilon 0.05", "--epsilon 0.05 -q cA", "--squarecb -q cA", "--bag 5 -q cA",
                "--cover 3 -q cA", "--softmax --lambda 10 -q cA"));
        vwSettings.addAll(extraVw);
        for (String vw : vwSettings) {
            String arguments = "--cb_explore_adf " + vw;
            list.add(new Contender("vw_cb " + arguments, bandit(PolicyKind.VW_CB, BanditOptions.vw(arguments))));
        }
        return list;
    }

    private static Contender nat(String label, PolicyKind kind, double alpha, String form, int buckets, double v) {
        BanditOptions d = BanditOptions.defaults();
        return new Contender(label, bandit(kind, new BanditOptions(d.epsilon(), alpha, d.lambda(), v, d.thompson(), form, buckets,
                d.minProbability(), d.samples(), d.seed(), "")));
    }

    private static BanditDefinition bandit(PolicyKind kind, BanditOptions options) {
        // actions, context and reward are not read here: run() passes the candidates and the layout itself
        return new BanditDefinition("regret", kind, List.of(), List.of(), List.of(), DecisionLatencyBenchmark.REWARD, options,
                BanditDefinition.DEFAULT_PUBLISH_INTERVAL);
    }

    private static BanditDefinition withSeed(BanditDefinition b, long seed) {
        BanditOptions o = b.options();
        return new BanditDefinition(b.name(), b.policy(), b.actions(), b.contextFeatures(), b.context(), b.reward(),
                new BanditOptions(o.epsilon(), o.alpha(), o.lambda(), o.v(), o.thompson(), o.form(), o.hashBuckets(), o.minProbability(),
                        o.samples(), seed, o.vwArguments()), b.publishInterval());
    }

    private static Example[] contexts(ArffData data, ExampleLayout layout, boolean standardize) {
        int m = data.attributes().size();
        double[] mean = new double[m];
        double[] sd = new double[m];
        Arrays.fill(sd, 1);
        if (standardize) {
            for (int a = 0; a < m; a++) {
                if (data.nominal()[a]) {
                    continue;
                }
                double sum = 0;
                double sq = 0;
                int count = 0;
                for (Object[] row : data.rows()) {
                    if (row[a] instanceof Double x) {
                        sum += x;
                        sq += x * x;
                        count++;
                    }
                }
                mean[a] = count == 0 ? 0 : sum / count;
                double var = count == 0 ? 0 : sq / count - mean[a] * mean[a];
                sd[a] = var > 1e-12 ? Math.sqrt(var) : 1;
            }
        }
        Example[] out = new Example[data.rows().size()];
        for (int i = 0; i < out.length; i++) {
            Example e = layout.newExample();
            Object[] row = data.rows().get(i);
            for (int a = 0; a < m; a++) {
                e.set(a, row[a] instanceof Double x ? (Object) ((x - mean[a]) / sd[a]) : row[a]);
            }
            out[i] = e;
        }
        return out;
    }

    private static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static void print(List<Result> results, long decisions, int k) {
        Result bestVw = results.stream().filter(r -> r.contender().bandit().policy() == PolicyKind.VW_CB)
                .max((a, b) -> Double.compare(a.meanRate(), b.meanRate())).orElseThrow();
        Result bestOurs = results.stream().filter(r -> r.contender().bandit().policy() != PolicyKind.VW_CB)
                .max((a, b) -> Double.compare(a.meanRate(), b.meanRate())).orElseThrow();
        System.out.printf(Locale.ROOT, "%n| policy | reward rate (mean ± sd over seeds) | cumulative regret vs always-correct | "
                + "cumulative regret vs uniform random | seconds (all seeds) |%n|---|---|---|---|---|%n");
        for (Result r : results) {
            double reward = r.meanRate() * decisions;
            System.out.printf(Locale.ROOT, "| %s | %.3f ± %.3f | %,.0f | %,.0f | %.1f |%n", r.contender().label(), r.meanRate(), r.sdRate(),
                    decisions - reward, (double) decisions / k - reward, r.seconds());
        }
        System.out.printf(Locale.ROOT, "| uniform random (expected) | %.3f | %,.0f | 0 | |%n", 1.0 / k, decisions - (double) decisions / k);
        System.out.printf(Locale.ROOT, "%nbest Freshet policy: %s, %.3f; best VW setting: %s, %.3f; difference %+.1f points%n",
                bestOurs.contender().label(), bestOurs.meanRate(), bestVw.contender().label(), bestVw.meanRate(),
                100 * (bestOurs.meanRate() - bestVw.meanRate()));
    }
}
