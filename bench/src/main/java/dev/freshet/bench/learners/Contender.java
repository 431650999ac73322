package dev.freshet.bench.learners;

import com.yahoo.labs.samoa.instances.Instance;
import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.learners.Example;
import dev.freshet.learners.Learners;
import dev.freshet.learners.OnlineLearner;
import moa.classifiers.AbstractClassifier;
import moa.classifiers.functions.SGD;
import moa.classifiers.trees.HoeffdingTree;

import java.util.function.Function;

/**
 * One learner running test-then-train over one {@link LabelledStream}: {@link #learn(int)} scores
 * example {@code k} and then learns it. Not thread-safe.
 */
interface Contender extends AutoCloseable {

    /** Scores example {@code k}, learns it, and returns the score: the probability of label 1 before learning. */
    double learn(int k);

    @Override
    void close();

    /**
     * A learner as the benchmark runs it.
     *
     * @param name     its name in the table
     * @param settings its settings, printed with the results
     * @param create   a new, untrained instance for a stream
     */
    record Kind(String name, String settings, Function<LabelledStream, Contender> create) {
    }

    /** Freshet's learners: {@link OnlineLearner#learn} returns the score it gave before updating. */
    static Kind ours(String name, LearnerOptions options) {
        return new Kind(name, Learners.describe(options), s -> {
            OnlineLearner learner = Learners.create(options, s.layout());
            Example[] examples = s.examples();
            int[] labels = s.labels();
            return new Contender() {
                @Override
                public double learn(int k) {
                    return learner.learn(examples[k], labels[k], 1.0);
                }

                @Override
                public void close() {
                    learner.close();
                }
            };
        });
    }

    /**
     * The anchor: the positive rate of the examples so far (0.5 before the first), the score of a model
     * that knows no input. On a skewed stream its accuracy is that of always answering the majority label.
     */
    static Kind baseRate() {
        return new Kind("anchor: base rate", "running mean of the labels", s -> {
            int[] labels = s.labels();
            return new Contender() {
                private long seen;
                private long positives;

                @Override
                public double learn(int k) {
                    double p = seen == 0 ? 0.5 : (double) positives / seen;
                    seen++;
                    positives += labels[k];
                    return p;
                }

                @Override
                public void close() {
                    // nothing to release
                }
            };
        });
    }

    /** MOA's Hoeffding tree, default options (naive-Bayes-adaptive leaves, grace period 200). */
    static Kind hoeffdingTree() {
        return new Kind("MOA HoeffdingTree", "moa.classifiers.trees.HoeffdingTree, default options", s -> moa(new HoeffdingTree(), s));
    }

    /** MOA's SGD with logistic loss, default learning rate and L2. */
    static Kind sgd() {
        SGD probe = new SGD();
        String settings = "moa.classifiers.functions.SGD -o LOGLOSS, learning rate " + probe.learningRateOption.getValue()
                + ", lambda " + probe.lambdaRegularizationOption.getValue();
        return new Kind("MOA SGD (log loss)", settings, s -> {
            SGD sgd = new SGD();
            sgd.lossFunctionOption.setChosenIndex(1); // HINGE, LOGLOSS, SQUAREDLOSS
            return moa(sgd, s);
        });
    }

    private static Contender moa(AbstractClassifier classifier, LabelledStream s) {
        classifier.prepareForUse();
        classifier.setModelContext(s.header());
        classifier.resetLearning();
        Instance[] instances = s.instances();
        return new Contender() {
            @Override
            public double learn(int k) {
                double[] votes = classifier.getVotesForInstance(instances[k]);
                classifier.trainOnInstance(instances[k]);
                double positive = votes.length > 1 ? votes[1] : 0;
                double sum = positive + (votes.length > 0 ? votes[0] : 0);
                return sum > 0 ? positive / sum : 0.5;
            }

            @Override
            public void close() {
                // nothing native
            }
        };
    }
}
