package dev.freshet.ingest.topic;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.KafkaConfig;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.definition.Source;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** The names of the topics Freshet writes, and the full set of topics a configuration needs. */
public final class Topics {

    /** Records that could not be ingested, with the reason and the raw bytes. */
    public static final String DLQ = "freshet.dlq";

    /** Every prediction served, with its inputs as served, keyed by prediction id (written when models are configured). */
    public static final String PREDICTIONS = "freshet.predictions";

    /** Every decision made, with its context as served, keyed by decision id (written when bandits are configured). */
    public static final String DECISIONS = "freshet.decisions";
    /** Rewards sent through the API, keyed by decision id. */
    public static final String REWARDS = "freshet.rewards";

    private static final String EVENTS_PREFIX = "freshet.events.";
    private static final String TILES_PREFIX = "freshet.tiles.";

    private Topics() {
    }

    /** The validated, parsed events of a source, keyed by entity. */
    public static String events(String source) {
        return EVENTS_PREFIX + source;
    }

    /** The tile updates of a feature view (compacted: the latest value of each tile). */
    public static String tiles(String view) {
        return TILES_PREFIX + view;
    }

    /**
     * Every topic {@code config} needs, in pipeline order: per source its raw topic and its events
     * topic, per feature view its tiles topic (compacted), then the dead-letter topic.
     * With models, the predictions topic and one examples topic per model come before it; with bandits,
     * the decisions and rewards topics and one outcomes topic per bandit. All are
     * planned with {@code kafka.partitions} partitions and the configured replication. (A valid
     * configuration gives each source its own raw topic, outside Freshet's {@code freshet.*} names.)
     */
    public static List<TopicSpec> plan(FreshetConfig config) {
        KafkaConfig kafka = config.kafka();
        int partitions = kafka.partitions();
        OptionalInt replication = kafka.topicReplicationFactor();
        List<TopicSpec> plan = new ArrayList<>();
        for (Source source : config.definitions().sources()) {
            plan.add(new TopicSpec(source.topic(), partitions, replication, Map.of(), "raw events of source " + source.name()));
            plan.add(new TopicSpec(events(source.name()), partitions, replication, Map.of(), "parsed events of source " + source.name()));
        }
        for (FeatureView view : config.definitions().featureViews()) {
            plan.add(new TopicSpec(tiles(view.name()), partitions, replication, Map.of("cleanup.policy", "compact"),
                    "tile updates of feature view " + view.name()));
        }
        if (!config.models().isEmpty()) {
            plan.add(new TopicSpec(PREDICTIONS, partitions, replication, Map.of(), "predictions served, with their inputs"));
        }
        for (ModelDefinition model : config.models()) {
            plan.add(new TopicSpec(model.examplesTopic(), partitions, replication, Map.of(),
                    "training examples of model " + model.name() + " (predictions joined with labels)"));
        }
        if (!config.bandits().isEmpty()) {
            plan.add(new TopicSpec(DECISIONS, partitions, replication, Map.of(), "decisions made, with their context"));
            plan.add(new TopicSpec(REWARDS, partitions, replication, Map.of(), "rewards sent through POST /reward"));
        }
        for (BanditDefinition bandit : config.bandits()) {
            plan.add(new TopicSpec(bandit.outcomesTopic(), partitions, replication, Map.of(),
                    "outcomes of bandit " + bandit.name() + " (decisions joined with rewards)"));
        }
        plan.add(new TopicSpec(DLQ, partitions, replication, Map.of(), "records that could not be ingested"));
        return List.copyOf(plan);
    }
}
