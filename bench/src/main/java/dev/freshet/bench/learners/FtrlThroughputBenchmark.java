package dev.freshet.bench.learners;

import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.Learners;
import dev.freshet.learners.OnlineLearner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * FTRL learn throughput on one thread: {@code learn} (score, then update) over a pre-built array
 * of 4,096 reused examples of 10 numeric and 5 categorical inputs with 2 interactions, into 2^20
 * hashed weights. Reported in operations (examples) per second; run with {@code -prof gc} for the
 * allocation per example, which should be 0. {@code predict} is the score alone, for comparison.
 * The target is at least 1 M examples/s on one core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FtrlThroughputBenchmark {

    static final int EXAMPLES = 4096;
    static final int NUMERIC = 10;
    static final int CATEGORICAL = 5;

    private OnlineLearner learner;
    private Example[] examples;
    private double[] labels;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        List<FeatureRef> features = new ArrayList<>();
        for (int k = 0; k < NUMERIC; k++) {
            features.add(new FeatureRef("stats", "n" + k));
        }
        for (int k = 0; k < CATEGORICAL; k++) {
            features.add(new FeatureRef("ids", "c" + k));
        }
        ExampleLayout layout = ExampleLayout.of(features, List.of(), List.of(List.of("c0", "c1"), List.of("c2", "n0")));
        learner = Learners.create(new LearnerOptions.Ftrl(0.1, 1.0, 0.0, 1.0, 20), layout);
        SplittableRandom random = new SplittableRandom(42);
        // categories come from fixed vocabularies, as a real stream's repeat; cardinalities 10 to 100,000
        String[][] vocabularies = new String[CATEGORICAL][];
        for (int c = 0; c < CATEGORICAL; c++) {
            vocabularies[c] = new String[(int) Math.pow(10, c + 1)];
            for (int v = 0; v < vocabularies[c].length; v++) {
                vocabularies[c][v] = "c" + c + "-" + v;
            }
        }
        examples = new Example[EXAMPLES];
        labels = new double[EXAMPLES];
        for (int i = 0; i < EXAMPLES; i++) {
            Example e = layout.newExample();
            for (int k = 0; k < NUMERIC; k++) {
                e.setNumber(k, random.nextGaussian());
            }
            for (int c = 0; c < CATEGORICAL; c++) {
                e.setCategory(NUMERIC + c, vocabularies[c][random.nextInt(vocabularies[c].length)]);
            }
            examples[i] = e;
            labels[i] = random.nextInt(10) == 0 ? 1 : 0;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        learner.close();
    }

    @Benchmark
    public double learn() {
        int i = next;
        next = (i + 1) & (EXAMPLES - 1);
        return learner.learn(examples[i], labels[i], 1.0);
    }

    @Benchmark
    public double predict() {
        int i = next;
        next = (i + 1) & (EXAMPLES - 1);
        return learner.predict(examples[i]);
    }
}
