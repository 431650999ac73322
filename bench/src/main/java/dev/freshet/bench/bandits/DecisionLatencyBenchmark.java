package dev.freshet.bench.bandits;

import dev.freshet.bandits.Distributions;
import dev.freshet.bandits.Policies;
import dev.freshet.bandits.Policy;
import dev.freshet.bandits.stream.ServingPolicy;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.core.definition.PolicyKind;
import dev.freshet.core.definition.RewardSpec;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * In-process decision latency, one thread: {@link ServingPolicy#decide} (the policy's distribution over the
 * candidates, then one sample from it, under the serving version's lock, as {@code POST /decide} does after
 * reading the context) among 10 actions, over a pre-built array of 4,096 contexts of 10 request context
 * fields (6 numbers, 4 categories from vocabularies of 5 to 1,000 values). Before measuring, each policy
 * learns {@value #WARM_OUTCOMES} outcomes of a synthetic linear-logistic reward and is published to the
 * serving policy as a snapshot, as the policy worker does.
 *
 * <p>Policies: {@code lin_ucb} (per_action and shared, hash_buckets 16), {@code lin_ts} (per_action, 256
 * samples, the default), {@code thompson} (bernoulli, 256 samples), {@code epsilon_greedy} (0.05), and
 * {@code vw_cb} ({@code --cb_explore_adf --epsilon 0.05 -q cA}) for comparison. SampleTime mode, so JMH
 * reports percentiles (p50, p99, p99.9) of single decisions. The goal is {@code lin_ucb} p99 under 50 µs.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar DecisionLatencyBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class DecisionLatencyBenchmark {

    static final int ACTIONS = 10;
    static final int NUMERIC = 6;
    static final int CATEGORICAL = 4;
    static final int CONTEXTS = 4096;
    static final int WARM_OUTCOMES = 5000;
    static final RewardSpec REWARD = new RewardSpec("rewards", "decision_id", "reward", Duration.ofMinutes(1), 0, RewardSpec.Aggregate.FIRST);

    @Param({"lin_ucb", "lin_ucb_shared", "lin_ts", "thompson", "epsilon_greedy", "vw_cb"})
    public String policy;

    private ServingPolicy serving;
    private List<String> candidates;
    private Example[] contexts;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        BanditDefinition bandit = bandit(policy);
        candidates = bandit.actions();
        contexts = contexts(Policies.layout(bandit), CONTEXTS, new SplittableRandom(42));
        serving = trained(bandit, contexts, WARM_OUTCOMES, 7);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        serving.close();
    }

    @Benchmark
    public ServingPolicy.Choice decide() {
        Example context = contexts[next];
        next = (next + 1) & (CONTEXTS - 1);
        return serving.decide(context, candidates);
    }

    /** The benchmark's bandit for a policy name of the {@code @Param} list, over 10 actions and 10 request context fields. */
    static BanditDefinition bandit(String name) {
        BanditOptions d = BanditOptions.defaults();
        PolicyKind kind = switch (name) {
            case "lin_ucb", "lin_ucb_shared" -> PolicyKind.LIN_UCB;
            default -> PolicyKind.parse(name).orElseThrow(() -> new IllegalArgumentException("unknown policy " + name));
        };
        String form = name.endsWith("_shared") ? BanditOptions.SHARED : BanditOptions.PER_ACTION;
        BanditOptions options = kind == PolicyKind.VW_CB ? BanditOptions.vw("--cb_explore_adf --epsilon 0.05 -q cA")
                : new BanditOptions(d.epsilon(), d.alpha(), d.lambda(), d.v(), d.thompson(), form, d.hashBuckets(), d.minProbability(),
                        d.samples(), d.seed(), "");
        List<String> actions = new ArrayList<>();
        for (int a = 0; a < ACTIONS; a++) {
            actions.add("action_" + a);
        }
        List<String> context = new ArrayList<>();
        for (int i = 0; i < NUMERIC; i++) {
            context.add("n" + i);
        }
        for (int i = 0; i < CATEGORICAL; i++) {
            context.add("c" + i);
        }
        return new BanditDefinition("bench", kind, actions, List.of(), context, REWARD, options, BanditDefinition.DEFAULT_PUBLISH_INTERVAL);
    }

    /** Contexts of the layout: its first {@value #NUMERIC} request fields numbers, the next categories, the rest (features) missing. */
    static Example[] contexts(ExampleLayout layout, int count, SplittableRandom random) {
        int first = layout.featureCount();
        Example[] out = new Example[count];
        for (int i = 0; i < count; i++) {
            Example e = layout.newExample();
            for (int s = 0; s < NUMERIC; s++) {
                e.setNumber(first + s, random.nextGaussian());
            }
            for (int s = 0; s < CATEGORICAL; s++) {
                e.setCategory(first + NUMERIC + s, "v" + random.nextInt((int) (5 * Math.pow(6, s))));
            }
            out[i] = e;
        }
        return out;
    }

    /**
     * A serving policy that has learnt {@code outcomes} decisions of its own over the contexts, with a synthetic
     * reward: 1 with probability sigmoid(w_a · numbers), w_a drawn per action.
     */
    static ServingPolicy trained(BanditDefinition bandit, Example[] contexts, int outcomes, long seed) {
        ExampleLayout layout = contexts[0].layout();
        SplittableRandom random = new SplittableRandom(seed);
        List<String> actions = bandit.actions();
        double[][] w = new double[actions.size()][NUMERIC];
        for (double[] row : w) {
            for (int j = 0; j < NUMERIC; j++) {
                row[j] = random.nextGaussian();
            }
        }
        try (Policy learner = Policies.create(bandit, layout)) {
            int first = layout.featureCount();
            for (int i = 0; i < outcomes; i++) {
                Example x = contexts[random.nextInt(contexts.length)];
                double[] p = learner.distribution(x, actions, random);
                int a = Distributions.sample(p, random);
                double z = 0;
                for (int j = 0; j < NUMERIC; j++) {
                    z += w[a][j] * x.number(first + j);
                }
                learner.learn(x, actions.get(a), random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0, p[a]);
            }
            ServingPolicy serving = ServingPolicy.untrained(bandit);
            serving.publish(learner.snapshot(Policies.provenance(bandit, layout, "bench").withVersion(1, Map.of(), 0)));
            if (serving.outcomesLearnt() != outcomes) {
                throw new IllegalStateException("the serving policy has learnt " + serving.outcomesLearnt() + " outcomes, not " + outcomes);
            }
            return serving;
        }
    }
}
