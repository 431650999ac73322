package dev.freshet.bench.learners;

import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.Learners;
import dev.freshet.learners.OnlineLearner;
import dev.freshet.learners.stream.ExampleReader;
import dev.freshet.learners.stream.TrainingExample;
import dev.freshet.learners.stream.TrainingJson;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where a learner worker's time goes per training example, without Kafka, on one thread (records
 * of {@link TrainingRecords}, 4,096 of them, in memory):
 * <ul>
 *   <li>{@code decodeViaMap}: what {@code LearnerWorker} did first: {@code TrainingJson.decodeExample} into a
 *       {@code TrainingExample} (maps of boxed inputs), then the inputs looked up by slot name into an Example;</li>
 *   <li>{@code decodeDirect}: what it does now, {@link ExampleReader}: inputs parsed straight into the Example;</li>
 *   <li>{@code learnOnly}: FTRL learn of an already decoded example of the learner's own layout instance;</li>
 *   <li>{@code learnOnlyEqualLayout}: the same with examples of an equal but distinct layout instance, : what
 *       {@code LearnerWorker} did before it took the learner's own layout for its example (each learn then compares
 *       the layouts with {@code equals});</li>
 *   <li>{@code decodeViaMapAndLearn}: the worker's first loop body without Kafka (map decoding, equal layout);</li>
 *   <li>{@code decodeDirectAndLearn}: the worker's loop body now: direct decoding into an example of the learner's own layout.</li>
 * </ul>
 * Examples per second; run with {@code -prof gc} for bytes allocated per example.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TrainingDecodeBenchmark {

    static final int RECORDS = 4096;

    private ExampleLayout layout;
    private byte[][] records;
    private Example[] decoded;
    private Example[] decodedEqualLayout;
    private double[] labels;
    private Example example;
    private Example ownExample;
    private ExampleReader direct;
    private OnlineLearner learner;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        ModelDefinition model = TrainingRecords.model();
        learner = Learners.create(model);
        layout = ExampleLayout.of(model); // equal to the learner's layout, not the same instance
        TrainingRecords.Generator generator = new TrainingRecords.Generator(1);
        records = new byte[RECORDS][];
        decoded = new Example[RECORDS];
        decodedEqualLayout = new Example[RECORDS];
        labels = new double[RECORDS];
        direct = new ExampleReader(learner.layout(), model.name());
        for (int i = 0; i < RECORDS; i++) {
            records[i] = generator.next();
            decoded[i] = learner.layout().newExample();
            labels[i] = direct.read(records[i], decoded[i]);
            decodedEqualLayout[i] = layout.newExample().copyFrom(decoded[i]);
        }
        example = layout.newExample();
        ownExample = learner.layout().newExample();
    }

    private int nextIndex() {
        int i = next;
        next = (i + 1) & (RECORDS - 1);
        return i;
    }

    /** The worker's decoding: JSON to a TrainingExample, then its input map into the Example. */
    private double viaMap(byte[] json) {
        TrainingExample e = TrainingJson.decodeExample(json);
        example.clear();
        Map<String, Object> inputs = e.prediction().inputs();
        for (int i = 0; i < layout.size(); i++) {
            example.set(i, inputs.get(layout.slots().get(i).name()));
        }
        return e.label();
    }

    @Benchmark
    public double decodeViaMap() {
        return viaMap(records[nextIndex()]) + (example.isPresent(0) ? 1 : 0);
    }

    @Benchmark
    public double decodeDirect() {
        return direct.read(records[nextIndex()], ownExample) + (ownExample.isPresent(0) ? 1 : 0);
    }

    @Benchmark
    public double learnOnly() {
        int i = nextIndex();
        return learner.learn(decoded[i], labels[i], 1.0);
    }

    @Benchmark
    public double learnOnlyEqualLayout() {
        int i = nextIndex();
        return learner.learn(decodedEqualLayout[i], labels[i], 1.0);
    }

    @Benchmark
    public double decodeViaMapAndLearn() {
        double label = viaMap(records[nextIndex()]);
        return learner.learn(example, label, 1.0);
    }

    @Benchmark
    public double decodeDirectAndLearn() {
        double label = direct.read(records[nextIndex()], ownExample);
        return learner.learn(ownExample, label, 1.0);
    }
}
