package dev.freshet.app.cli;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.Definitions;

/** How much a configuration defines, in words: {@code 1 entity, 1 source, 1 feature view, 7 features} (and its models, if any). */
final class ConfigSummary {

    private ConfigSummary() {
    }

    static String of(FreshetConfig config) {
        Definitions definitions = config.definitions();
        int features = definitions.featureViews().stream().mapToInt(v -> v.features().size()).sum();
        String summary = count(definitions.entities().size(), "entity", "entities") + ", "
                + count(definitions.sources().size(), "source", "sources") + ", "
                + count(definitions.featureViews().size(), "feature view", "feature views") + ", "
                + count(features, "feature", "features");
        if (!config.models().isEmpty()) {
            summary += ", " + count(config.models().size(), "model", "models");
        }
        if (!config.bandits().isEmpty()) {
            summary += ", " + count(config.bandits().size(), "bandit", "bandits");
        }
        return summary;
    }

    private static String count(int n, String singular, String plural) {
        return n + " " + (n == 1 ? singular : plural);
    }
}
