package dev.freshet.learners.ftrl;

import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.OnlineLearner;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** predict and learn allocate nothing per example (an allocation count, not a timing). */
class FtrlAllocationTest {

    private static final int EXAMPLES = 200_000;
    private static final long SLACK_BYTES = 8 * 1024;  // JIT deoptimisation and the like, not per example

    @Test
    void learnAndPredictAllocateNothingPerExample() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);
        ExampleLayout layout = ExampleLayout.of(List.of(new FeatureRef("u", "age"), new FeatureRef("u", "country"),
                new FeatureRef("ad", "topic")), List.of("hour"), List.of(List.of("country", "topic"), List.of("age", "hour")));
        OnlineLearner learner = FtrlLearner.create(LearnerOptions.Ftrl.defaults(), layout);
        String[] countries = {"fr", "de", "us", "jp", "br"};
        String[] topics = {"cars", "travel", "sport", "news"};
        double[] numbers = new double[1024];
        double[] labels = new double[1024];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = random.nextDouble();
            labels[i] = random.nextInt(2);
        }
        Example e = layout.newExample();
        run(learner, e, countries, topics, numbers, labels);  // warm up: class loading, JIT
        long tid = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(tid);
        double sum = run(learner, e, countries, topics, numbers, labels);
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertThat(sum).isPositive();
        assertThat(allocated).as("bytes allocated by %d learn and predict calls", EXAMPLES).isLessThan(SLACK_BYTES);
    }

    private static double run(OnlineLearner learner, Example e, String[] countries, String[] topics, double[] numbers,
                              double[] labels) {
        double sum = 0;
        for (int t = 0; t < EXAMPLES; t++) {
            int i = t & 1023;
            e.setNumber(0, numbers[i]).setCategory(1, countries[t % countries.length])
                    .setCategory(2, topics[t % topics.length]);
            if ((t & 7) == 0) {
                e.setMissing(3);
            } else {
                e.setNumber(3, t % 24);
            }
            sum += learner.learn(e, labels[i], 1.0);
            sum += learner.predict(e);
        }
        return sum;
    }
}
