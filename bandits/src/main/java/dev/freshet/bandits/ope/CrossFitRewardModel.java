package dev.freshet.bandits.ope;

import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.Learners;
import dev.freshet.learners.OnlineLearner;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The built-in reward model: FTRL logistic regression over the context inputs, the action (a
 * category) and the action crossed with each context input, cross-fitted over two folds (even and
 * odd log positions): each fold's predictions come from the model trained on the other fold, so no
 * decision's prediction has seen its own reward. Rewards are min-max scaled to [0, 1] with the log's
 * observed range and used as soft labels; predictions are scaled back.
 */
final class CrossFitRewardModel {

    private final LearnerOptions.Ftrl options;
    private final int passes;

    CrossFitRewardModel(LearnerOptions.Ftrl options, int passes) {
        this.options = options;
        this.passes = passes;
    }

    /** For each decision, the predicted reward of each of its candidates, in candidate order. */
    double[][] predict(List<LoggedDecision> log, RandomGenerator random) {
        ExampleLayout contextLayout = log.getFirst().context().layout();
        for (int i = 1; i < log.size(); i++) {
            if (!log.get(i).context().layout().equals(contextLayout)) {
                throw new IllegalArgumentException("decision " + i + ": its context is of " + log.get(i).context().layout()
                        + ", but decision 0's is of " + contextLayout + " (the built-in reward model needs one layout)");
            }
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (LoggedDecision d : log) {
            min = Math.min(min, d.reward());
            max = Math.max(max, d.reward());
        }
        double[][] predictions = new double[log.size()][];
        if (max == min) { // every reward the same: nothing to learn, and nothing to scale by
            for (int i = 0; i < log.size(); i++) {
                predictions[i] = new double[log.get(i).candidates().size()];
                java.util.Arrays.fill(predictions[i], min);
            }
            return predictions;
        }
        ExampleLayout layout = rewardLayout(contextLayout);
        Example scratch = layout.newExample();
        for (int fold = 0; fold < 2; fold++) {
            try (OnlineLearner learner = Learners.create(options, layout)) {
                train(learner, log, 1 - fold, min, max, scratch, random);
                for (int i = fold; i < log.size(); i += 2) {
                    LoggedDecision d = log.get(i);
                    double[] p = new double[d.candidates().size()];
                    for (int a = 0; a < p.length; a++) {
                        p[a] = min + (max - min) * learner.predict(fill(scratch, d.context(), d.candidates().get(a)));
                    }
                    predictions[i] = p;
                }
            }
        }
        return predictions;
    }

    private void train(OnlineLearner learner, List<LoggedDecision> log, int fold, double min, double max,
                       Example scratch, RandomGenerator random) {
        int[] order = new int[(log.size() - fold + 1) / 2];
        for (int j = 0; j < order.length; j++) {
            order[j] = fold + 2 * j;
        }
        for (int pass = 0; pass < passes; pass++) {
            shuffle(order, random); // a fixed order would make the model lean towards the log's last decisions
            for (int i : order) {
                LoggedDecision d = log.get(i);
                learner.learn(fill(scratch, d.context(), d.action()), (d.reward() - min) / (max - min), 1.0);
            }
        }
    }

    private static void shuffle(int[] a, RandomGenerator random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Copies the context's inputs into the first slots of {@code scratch} and the action into its last. */
    private static Example fill(Example scratch, Example context, String action) {
        int n = context.layout().size();
        for (int s = 0; s < n; s++) {
            if (!context.isPresent(s)) {
                scratch.setMissing(s);
            } else if (context.isCategory(s)) {
                scratch.setCategory(s, context.category(s));
            } else {
                scratch.setNumber(s, context.number(s));
            }
        }
        return scratch.setCategory(n, action);
    }

    /**
     * The context's inputs, kept by their full names (so the hashed coordinates match), then an action
     * input crossed with each of them. All are made context fields so interactions resolve by full name only.
     */
    static ExampleLayout rewardLayout(ExampleLayout context) {
        List<String> names = new ArrayList<>();
        for (ExampleLayout.Slot slot : context.slots()) {
            names.add(slot.name());
        }
        String action = "action";
        while (names.contains(action)) {
            action = "_" + action;
        }
        List<List<String>> interactions = new ArrayList<>();
        for (String name : names) {
            interactions.add(List.of(action, name));
        }
        names.add(action);
        return ExampleLayout.of(List.of(), names, interactions);
    }
}
