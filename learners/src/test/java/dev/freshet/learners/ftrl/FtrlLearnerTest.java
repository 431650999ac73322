package dev.freshet.learners.ftrl;

import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.OnlineLearner;
import dev.freshet.learners.validation.ProgressiveValidation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FtrlLearnerTest {

    private static final LearnerOptions.Ftrl NO_REGULARISATION = new LearnerOptions.Ftrl(0.1, 1.0, 0.0, 0.0, 20);

    static ExampleLayout numericLayout(int inputs) {
        List<FeatureRef> features = new ArrayList<>();
        for (int i = 0; i < inputs; i++) {
            features.add(new FeatureRef("v", "x" + i));
        }
        return ExampleLayout.of(features, List.of(), List.of());
    }

    static double sigmoid(double m) {
        return 1 / (1 + Math.exp(-m));
    }

    @Test
    void convergesToTheTrueWeightsOfALogisticProblem() {
        double[] truth = {1.5, -2.0, 0.7, 0.0};
        double bias = -0.5;
        ExampleLayout layout = numericLayout(truth.length);
        FtrlLearner learner = (FtrlLearner) FtrlLearner.create(NO_REGULARISATION, layout);
        Example e = layout.newExample();
        SplittableRandom random = new SplittableRandom(42);
        for (int t = 0; t < 400_000; t++) {
            double margin = bias;
            for (int i = 0; i < truth.length; i++) {
                double x = gaussian(random);
                e.setNumber(i, x);
                margin += truth[i] * x;
            }
            learner.learn(e, random.nextDouble() < sigmoid(margin) ? 1 : 0, 1);
        }
        for (int i = 0; i < truth.length; i++) {
            assertThat(learner.numericWeight("v:x" + i)).as("weight of x%d", i).isCloseTo(truth[i], within(0.15));
        }
        assertThat(learner.biasWeight()).isCloseTo(bias, within(0.15));
        assertThat(learner.examplesSeen()).isEqualTo(400_000);
    }

    @Test
    void categoriesAndInteractionsBeatTheBaseRate() {
        ExampleLayout layout = ExampleLayout.of(List.of(new FeatureRef("ads", "category"), new FeatureRef("ads", "price")),
                List.of("device"), List.of(List.of("category", "device")));
        OnlineLearner learner = FtrlLearner.create(new LearnerOptions.Ftrl(0.1, 1.0, 0.1, 0.1, 18), layout);
        String[] categories = {"books", "music", "games", "garden", "toys", "food"};
        String[] devices = {"phone", "desktop", "tablet"};
        double[] categoryEffect = {1.0, -1.0, 0.5, -0.5, 2.0, -2.0};
        double[] deviceEffect = {0.3, -0.3, 0.0};
        SplittableRandom random = new SplittableRandom(7);
        double[][] cross = new double[categories.length][devices.length];
        for (double[] row : cross) {
            for (int j = 0; j < row.length; j++) {
                row[j] = 2 * gaussian(random);
            }
        }
        ProgressiveValidation model = new ProgressiveValidation();
        ProgressiveValidation baseRate = new ProgressiveValidation();
        double positives = 0;
        Example e = layout.newExample();
        for (int t = 0; t < 100_000; t++) {
            int c = random.nextInt(categories.length);
            int d = random.nextInt(devices.length);
            double price = gaussian(random);
            e.setCategory(0, categories[c]).setNumber(1, price).setCategory(2, devices[d]);
            if (random.nextInt(10) == 0) {
                e.setMissing(2);  // missing inputs contribute nothing, nor do their interactions
            }
            double margin = categoryEffect[c] + (e.isPresent(2) ? deviceEffect[d] + cross[c][d] : 0) - 0.8 * price;
            double label = random.nextDouble() < sigmoid(margin) ? 1 : 0;
            model.record(learner.learn(e, label, 1), label);
            baseRate.record(t == 0 ? 0.5 : positives / t, label);
            positives += label;
        }
        assertThat(model.metrics().cumulativeLogLoss()).isLessThan(baseRate.metrics().cumulativeLogLoss() - 0.1);
        assertThat(model.metrics().auc()).isGreaterThan(0.8);
    }

    /**
     * Inputs as a feature store serves them: a count and a sum in the thousands, where buyers are the users whose count
     * is below 1,000. Taken raw, each step moves the score by thousands times the weight's change and the scores swing
     * between 0 and 1; log-scaled, the same learner is calibrated.
     */
    @Test
    void logScaledNumbersKeepLargeCountsAndSumsFromSaturatingTheScore() {
        ExampleLayout layout = numericLayout(2);
        LearnerOptions.Ftrl raw = new LearnerOptions.Ftrl(0.05, 1.0, 1.0, 1.0, 18);
        ProgressiveValidation asTheyAre = run(FtrlLearner.create(raw, layout), layout);
        ProgressiveValidation logScaled = run(FtrlLearner.create(raw.withNumbers(LearnerOptions.Ftrl.Numbers.LOG), layout), layout);

        // the base rate (52 % buyers) scores 0.69, the best possible (knowing the rule) 0.53
        assertThat(logScaled.metrics().cumulativeLogLoss()).as("log-scaled").isLessThan(0.65);
        assertThat(asTheyAre.metrics().cumulativeLogLoss()).as("raw").isGreaterThan(2 * logScaled.metrics().cumulativeLogLoss());
        assertThat(logScaled.metrics().auc()).isGreaterThan(0.7);
    }

    private static ProgressiveValidation run(OnlineLearner learner, ExampleLayout layout) {
        SplittableRandom random = new SplittableRandom(11);
        ProgressiveValidation validation = new ProgressiveValidation();
        Example e = layout.newExample();
        for (int t = 0; t < 20_000; t++) {
            double count = Math.floor(Math.exp(random.nextDouble() * Math.log(20_000)));
            e.setNumber(0, count).setNumber(1, count * (20 + random.nextDouble() * 60));
            double label = random.nextDouble() < (count < 1_000 ? 0.7 : 0.1) ? 1 : 0;
            validation.record(learner.learn(e, label, 1), label);
        }
        return validation;
    }

    @Test
    void aLogScaledNumberIsItsSignedLog1p() {
        LearnerOptions.Ftrl.Numbers log = LearnerOptions.Ftrl.Numbers.LOG;
        assertThat(log.apply(0)).isZero();
        assertThat(log.apply(10_000)).isCloseTo(Math.log(10_001), within(1e-12));
        assertThat(log.apply(-3)).isCloseTo(-Math.log(4), within(1e-12));
        assertThat(LearnerOptions.Ftrl.Numbers.RAW.apply(-3)).isEqualTo(-3);
    }

    @Test
    void learnReturnsThePredictionBeforeLearning() {
        ExampleLayout layout = numericLayout(2);
        OnlineLearner learner = FtrlLearner.create(NO_REGULARISATION, layout);
        Example e = layout.newExample().setNumber(0, 1.0).setNumber(1, -2.0);
        assertThat(learner.predict(e)).isEqualTo(0.5);
        for (int i = 0; i < 20; i++) {
            double before = learner.predict(e);
            assertThat(learner.learn(e, 1, 1)).isEqualTo(before);
            assertThat(learner.predict(e)).isGreaterThan(before);
        }
        assertThat(learner.examplesSeen()).isEqualTo(20);
    }

    @Test
    void l1KeepsWeightsAtZeroUntilTheEvidenceExceedsIt() {
        ExampleLayout layout = numericLayout(1);
        OnlineLearner learner = FtrlLearner.create(new LearnerOptions.Ftrl(0.1, 1.0, 1.0, 0.0, 20), layout);
        Example e = layout.newExample().setNumber(0, 1.0);
        learner.learn(e, 1, 1);  // |z| = 0.5 <= l1: every weight stays 0
        assertThat(learner.predict(e)).isEqualTo(0.5);
        learner.learn(e, 1, 1);
        learner.learn(e, 1, 1);  // |z| > l1 now
        assertThat(learner.predict(e)).isGreaterThan(0.5);
    }

    @Test
    void weightZeroLeavesTheModelUnchanged() {
        ExampleLayout layout = numericLayout(2);
        OnlineLearner learner = FtrlLearner.create(NO_REGULARISATION, layout);
        Example e = layout.newExample().setNumber(0, 0.3).setNumber(1, 1.0);
        learner.learn(e, 1, 1);
        double before = learner.predict(e);
        assertThat(learner.learn(e, 0, 0)).isEqualTo(before);
        assertThat(learner.predict(e)).isEqualTo(before);
        assertThat(learner.examplesSeen()).isEqualTo(1);
    }

    @Test
    void labelsAreClippedAndWeightsScaleTheStep() {
        ExampleLayout layout = numericLayout(1);
        OnlineLearner clipped = FtrlLearner.create(NO_REGULARISATION, layout);
        OnlineLearner one = FtrlLearner.create(NO_REGULARISATION, layout);
        Example e = layout.newExample().setNumber(0, 1.0);
        clipped.learn(e, 7.0, 1);
        one.learn(e, 1.0, 1);
        assertThat(clipped.predict(e)).isEqualTo(one.predict(e));
        OnlineLearner heavy = FtrlLearner.create(NO_REGULARISATION, layout);
        heavy.learn(e, 1.0, 3);
        assertThat(heavy.predict(e)).isGreaterThan(one.predict(e));
    }

    @Test
    void rejectsBadLabelsWeightsAndLayouts() {
        ExampleLayout layout = numericLayout(2);
        OnlineLearner learner = FtrlLearner.create(LearnerOptions.Ftrl.defaults(), layout);
        Example e = layout.newExample().setNumber(0, 1.0);
        assertThatThrownBy(() -> learner.learn(e, Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label is NaN");
        assertThatThrownBy(() -> learner.learn(e, Double.POSITIVE_INFINITY, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label is Infinity");
        assertThatThrownBy(() -> learner.learn(e, 1, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weight is -1.0");
        assertThatThrownBy(() -> learner.learn(e, 1, Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weight is NaN");
        assertThatThrownBy(() -> learner.learn(e, 1, Double.NEGATIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weight is -Infinity");
        Example other = numericLayout(3).newExample();
        assertThatThrownBy(() -> learner.predict(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("v:x2");
        assertThatThrownBy(() -> learner.learn(other, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(learner.examplesSeen()).isZero();
        // An equal layout built separately is the same layout.
        assertThat(learner.predict(numericLayout(2).newExample())).isEqualTo(0.5);
    }

    @Test
    void aClosedLearnerRefusesWork() {
        ExampleLayout layout = numericLayout(1);
        OnlineLearner learner = FtrlLearner.create(LearnerOptions.Ftrl.defaults(), layout);
        learner.close();
        learner.close();
        assertThatThrownBy(() -> learner.predict(layout.newExample())).isInstanceOf(IllegalStateException.class);
    }

    static double gaussian(SplittableRandom random) {
        // Box-Muller, so that the stream depends only on the seed.
        double u = 1.0 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
