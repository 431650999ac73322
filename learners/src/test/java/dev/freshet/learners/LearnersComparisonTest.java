package dev.freshet.learners;

import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.learners.validation.ProgressiveValidation;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** FTRL and Vowpal Wabbit, on one and the same stream, both beat the best constant predictor. */
class LearnersComparisonTest {

    private static final int N = 50_000;
    private static final ExampleLayout LAYOUT = ExampleLayout.of(
            List.of(new FeatureRef("user_activity", "clicks_5m"), new FeatureRef("user_activity", "last_item")),
            List.of("item_id"), List.of(List.of("last_item", "item_id")));

    /** Progressive log loss of a learner on the seeded stream. */
    private static double logLoss(OnlineLearner learner) {
        SplittableRandom r = new SplittableRandom(11);
        ProgressiveValidation validation = new ProgressiveValidation();
        Example e = LAYOUT.newExample();
        for (int i = 0; i < N; i++) {
            int clicks = r.nextInt(6);
            String last = "i" + r.nextInt(10);
            String item = "i" + r.nextInt(10);
            double margin = -1.5 + 0.4 * (clicks - 2.5) + (last.equals(item) ? 2.5 : 0);
            double label = r.nextDouble() < 1 / (1 + Math.exp(-margin)) ? 1 : 0;
            e.clear().setNumber(0, clicks).setCategory(1, last).setCategory(2, item);
            validation.record(learner.learn(e, label, 1), label);
        }
        return validation.metrics().cumulativeLogLoss();
    }

    /** The running base rate, the best a model that ignores the inputs can do progressively. */
    private static double constantLogLoss() {
        SplittableRandom r = new SplittableRandom(11);
        ProgressiveValidation validation = new ProgressiveValidation();
        double positives = 1;
        for (int i = 0; i < N; i++) {
            int clicks = r.nextInt(6);
            String last = "i" + r.nextInt(10);
            String item = "i" + r.nextInt(10);
            double margin = -1.5 + 0.4 * (clicks - 2.5) + (last.equals(item) ? 2.5 : 0);
            double label = r.nextDouble() < 1 / (1 + Math.exp(-margin)) ? 1 : 0;
            validation.record(positives / (i + 2), label);
            positives += label;
        }
        return validation.metrics().cumulativeLogLoss();
    }

    @Test
    void bothLearnersBeatTheConstantPredictorOnTheSameStream() {
        double constant = constantLogLoss();
        double ftrl;
        double vw;
        try (OnlineLearner l = Learners.create(new LearnerOptions.Ftrl(0.1, 1, 0, 0, 18), LAYOUT)) {
            ftrl = logLoss(l);
        }
        try (OnlineLearner l = Learners.create(new LearnerOptions.Vw("--loss_function logistic -b 18 -q uc"), LAYOUT)) {
            vw = logLoss(l);
        }
        assertThat(ftrl).as("FTRL against the base rate's %.4f", constant).isLessThan(constant - 0.05);
        assertThat(vw).as("VW against the base rate's %.4f", constant).isLessThan(constant - 0.05);
    }
}
