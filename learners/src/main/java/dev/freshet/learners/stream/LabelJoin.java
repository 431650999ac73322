package dev.freshet.learners.stream;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.LabelSpec;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.definition.RewardSpec;
import dev.freshet.core.error.InvalidInputException;

import org.apache.kafka.streams.Topology;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The label join of a configuration's models: an {@link OutcomeJoin} of the predictions logged to
 * {@value TrainingTopics#PREDICTIONS} with the label events of each model's label source, the first
 * label within the window winning and the model's default label applying after it; each model's
 * examples go to {@code freshet.examples.<model>}.
 */
public final class LabelJoin {

    static final String NAME = "label-join";

    private LabelJoin() {
    }

    /**
     * The topology for a configuration's models.
     *
     * @param eventsTopic the canonical events topic of a source, by source name
     * @throws IllegalArgumentException when the configuration has no models
     */
    public static Topology topology(FreshetConfig config, Function<String, String> eventsTopic, JoinCounters counters) {
        if (config.models().isEmpty()) {
            throw new IllegalArgumentException("the configuration has no models, so there is nothing to train");
        }
        Map<String, OutcomeRule> rules = new LinkedHashMap<>();
        for (ModelDefinition m : config.models()) {
            LabelSpec l = m.label();
            rules.put(m.name(), new OutcomeRule(new OutcomeRule.OutcomeSource(l.source(), l.joinKey(), l.field(), 0, 1), l.window(),
                    l.defaultLabel(), RewardSpec.Aggregate.FIRST, m.examplesTopic()));
        }
        return OutcomeJoin.topology(NAME, TrainingTopics.PREDICTIONS, PREDICTIONS, rules, config.definitions(), eventsTopic,
                config.kafka().partitions(), null, counters);
    }

    /** Predictions as subjects: a prediction and its label make a training example. */
    static final Subjects PREDICTIONS = new Subjects() {
        @Override
        public Subject read(byte[] json) {
            LoggedPrediction p = TrainingJson.decodePrediction(json);
            return new Subject(p.model(), p.timestamp());
        }

        @Override
        public byte[] joined(byte[] subjectJson, double outcome, int outcomes, long outcomeTimestamp) {
            LoggedPrediction p;
            try {
                p = TrainingJson.decodePrediction(subjectJson);
            } catch (InvalidInputException e) {
                throw new IllegalStateException("a stored prediction no longer reads: " + e.getMessage(), e);
            }
            return TrainingJson.encode(new TrainingExample(p, outcome, outcomes > 0, outcomeTimestamp));
        }
    };
}
