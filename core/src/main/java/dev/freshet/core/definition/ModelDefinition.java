package dev.freshet.core.definition;

import dev.freshet.core.feature.FeatureRef;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An incrementally trained model ({@code models[]} in YAML): which features and request context
 * fields make its examples, where its labels come from, and which learner trains it.
 *
 * @param name            the model's name (names its topic {@code freshet.examples.<name>} and its checkpoints)
 * @param learner         the learner
 * @param features        the features served to it, looked up in the online store for the request's entities
 * @param context         the fields each request sends along (e.g. the item shown, the hour)
 * @param interactions    pairs of inputs (a feature's name or {@code view:feature}, or a context field)
 *                        crossed into one more input; used by FTRL (VW takes {@code -q} in its options)
 * @param label           where labels come from
 * @param options         the learner's options
 * @param publishInterval how often the learner worker publishes a new version to serving and checkpoints
 */
public record ModelDefinition(String name, LearnerKind learner, List<FeatureRef> features, List<String> context,
                              List<List<String>> interactions, LabelSpec label, LearnerOptions options,
                              Duration publishInterval) {

    public static final Duration DEFAULT_PUBLISH_INTERVAL = Duration.ofSeconds(10);

    public ModelDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(learner, "learner");
        features = List.copyOf(features);
        context = List.copyOf(context);
        interactions = interactions.stream().map(List::copyOf).toList();
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(publishInterval, "publishInterval");
        if (options.kind() != learner) {
            throw new IllegalArgumentException("model " + name + ": " + options.kind().yamlName()
                    + " options given to a " + learner.yamlName() + " learner");
        }
    }

    /** The topic the label join writes this model's training examples to. */
    public String examplesTopic() {
        return "freshet.examples." + name;
    }
}
