package dev.freshet.learners.vw;

import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.OnlineLearner;
import dev.freshet.learners.Provenance;
import dev.freshet.learners.Provenances;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class VwLearnerTest {

    static final ExampleLayout LAYOUT =
            ExampleLayout.of(List.of(new FeatureRef("user_activity", "clicks")), List.of("device"), List.of());
    static final LearnerOptions.Vw OPTIONS = new LearnerOptions.Vw("-b 18");

    /** Every learner a test makes, closed after it, so a test that leaks a native instance still frees it. */
    private final List<OnlineLearner> learners = new ArrayList<>();

    @AfterEach
    void closeLearners() {
        learners.forEach(OnlineLearner::close);
    }

    private OnlineLearner create(LearnerOptions.Vw options, ExampleLayout layout) {
        OnlineLearner learner = VwLearner.create(options, layout);
        learners.add(learner);
        return learner;
    }

    private OnlineLearner restore(LearnerSnapshot snapshot, LearnerOptions.Vw options, ExampleLayout layout) {
        OnlineLearner learner = VwLearner.restore(snapshot, options, layout);
        learners.add(learner);
        return learner;
    }

    static Provenance provenance(LearnerOptions.Vw options, ExampleLayout layout) {
        return new Provenance("ctr", "vw", options.arguments(), Provenances.inputsOf(layout), Provenances.interactionsOf(layout),
                0, 3, Map.of(0, 42L), 1_000L, "test");
    }

    @Test
    void learnsBetterThanTheBaseRate() {
        OnlineLearner learner = create(OPTIONS, LAYOUT);
        Stream stream = new Stream(LAYOUT, 42);
        int n = 5000;
        double loss = 0;
        int positives = 0;
        for (int i = 0; i < n; i++) {
            double p = learner.learn(stream.next(), stream.label(), 1);
            assertThat(p).isBetween(0.0, 1.0);
            loss += logLoss(p, stream.label());
            positives += (int) stream.label();
        }
        double rate = (double) positives / n;
        double baseRateLoss = -(rate * Math.log(rate) + (1 - rate) * Math.log(1 - rate));

        assertThat(loss / n).isLessThan(baseRateLoss - 0.05);
        assertThat(learner.examplesSeen()).isEqualTo(n);
    }

    @Test
    void predictionsStayProbabilitiesForExtremeInputs() {
        OnlineLearner learner = create(OPTIONS, LAYOUT);
        Example e = LAYOUT.newExample();
        for (int i = 0; i < 200; i++) {
            e.setNumber(0, 1e6).setCategory(1, "ios");
            assertThat(learner.learn(e, 1, 10)).isBetween(0.0, 1.0);
            e.setNumber(0, -1e6).setCategory(1, "web");
            assertThat(learner.learn(e, 0, 10)).isBetween(0.0, 1.0);
        }
        assertThat(learner.predict(e.setNumber(0, 1e9))).isBetween(0.0, 1.0);
        assertThat(learner.predict(e.clear())).isBetween(0.0, 1.0);
    }

    @Test
    void learnReturnsThePredictionFromBeforeTheUpdate() {
        OnlineLearner learner = create(OPTIONS, LAYOUT);
        Stream stream = new Stream(LAYOUT, 7);
        for (int i = 0; i < 100; i++) {
            Example e = stream.next();
            double before = learner.predict(e);
            assertThat(learner.learn(e, stream.label(), 1)).isCloseTo(before, within(1e-6));
        }
        Example e = stream.next();
        double before = learner.predict(e);
        learner.learn(e, 1, 1);
        assertThat(learner.predict(e)).isGreaterThan(before);
    }

    @Test
    void aZeroWeightPredictsWithoutLearning() {
        OnlineLearner learner = create(OPTIONS, LAYOUT);
        Example e = LAYOUT.newExample().setNumber(0, 1).setCategory(1, "ios");
        learner.learn(e, 1, 1);
        double before = learner.predict(e);

        assertThat(learner.learn(e, 0, 0)).isCloseTo(before, within(1e-6));
        assertThat(learner.predict(e)).isCloseTo(before, within(1e-6));
        assertThat(learner.examplesSeen()).isEqualTo(1);
    }

    @Test
    void aLargerWeightLearnsMore() {
        OnlineLearner light = create(OPTIONS, LAYOUT);
        OnlineLearner heavy = create(OPTIONS, LAYOUT);
        Example e = LAYOUT.newExample().setNumber(0, 1).setCategory(1, "ios");
        light.learn(e, 1, 1);
        heavy.learn(e, 1, 5);

        assertThat(heavy.predict(e)).isGreaterThan(light.predict(e));
    }

    @Test
    void rejectsBadLabelsAndWeights() {
        OnlineLearner learner = create(OPTIONS, LAYOUT);
        Example e = LAYOUT.newExample().setNumber(0, 1);

        assertThatThrownBy(() -> learner.learn(e, Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label");
        assertThatThrownBy(() -> learner.learn(e, Double.POSITIVE_INFINITY, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> learner.learn(e, 1, -1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight");
        assertThatThrownBy(() -> learner.learn(e, 1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> learner.learn(e, 1, Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
        assertThat(learner.examplesSeen()).isZero();
    }

    @Test
    void rejectsExamplesOfAnotherLayout() {
        OnlineLearner learner = create(OPTIONS, LAYOUT);
        ExampleLayout other = ExampleLayout.of(List.of(new FeatureRef("user_activity", "views")), List.of("device"), List.of());
        Example e = other.newExample().setNumber(0, 1);

        assertThatThrownBy(() -> learner.predict(e)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user_activity:views");
        assertThatThrownBy(() -> learner.learn(e, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsAnEqualLayoutMadeSeparately() {
        OnlineLearner learner = create(OPTIONS, LAYOUT);
        ExampleLayout same = ExampleLayout.of(List.of(new FeatureRef("user_activity", "clicks")), List.of("device"), List.of());

        assertThat(learner.predict(same.newExample().setNumber(0, 1))).isBetween(0.0, 1.0);
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseFails() {
        OnlineLearner learner = create(OPTIONS, LAYOUT);
        Example e = LAYOUT.newExample().setNumber(0, 1);
        learner.learn(e, 1, 1);

        learner.close();
        learner.close();

        assertThatThrownBy(() -> learner.predict(e)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the VW learner of").hasMessageContaining("is closed");
        assertThatThrownBy(() -> learner.learn(e, 1, 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
        assertThatThrownBy(() -> learner.snapshot(provenance(OPTIONS, LAYOUT))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
        assertThat(learner.examplesSeen()).isEqualTo(1);
    }

    @Test
    void closeFromManyThreadsAtOnceIsSafe() throws Exception {
        OnlineLearner learner = create(OPTIONS, LAYOUT);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> closes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                closes.add(pool.submit(() -> {
                    start.await();
                    learner.close();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : closes) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThatThrownBy(() -> learner.predict(LAYOUT.newExample())).isInstanceOf(IllegalStateException.class);
    }

    static double logLoss(double p, double label) {
        double q = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
        return label >= 0.5 ? -Math.log(q) : -Math.log(1 - q);
    }

    /**
     * A seeded logistic problem: a numeric feature in the {@code user_activity} view and a categorical
     * context field {@code device}, each moving the log-odds.
     */
    static final class Stream {
        private static final String[] DEVICES = {"ios", "android", "web"};
        private static final double[] DEVICE_EFFECT = {1.0, -0.5, -1.5};

        private final SplittableRandom random;
        private final Example example;
        private double label;

        Stream(ExampleLayout layout, long seed) {
            this.random = new SplittableRandom(seed);
            this.example = layout.newExample();
        }

        Example next() {
            double clicks = random.nextGaussian();
            int device = random.nextInt(DEVICES.length);
            double z = 1.5 * clicks + DEVICE_EFFECT[device] + 0.2;
            label = random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
            return example.clear().setNumber(0, clicks).setCategory(1, DEVICES[device]);
        }

        /** The label of the last example. */
        double label() {
            return label;
        }
    }
}
