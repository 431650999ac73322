package dev.freshet.ingest.topic;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.KafkaConfig;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.Source;
import dev.freshet.core.error.ConfigException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** The names of the topics Freshet writes, and the full set of topics a configuration needs. */
public final class Topics {

    /** Records that could not be ingested, with the reason and the raw bytes. */
    public static final String DLQ = "freshet.dlq";

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
     * Every topic {@code config} needs, each once, in a stable order: per source its raw topic and
     * its events topic, per feature view its tiles topic (compacted), and the dead-letter topic.
     * All are planned with {@code kafka.partitions} partitions and the configured replication.
     *
     * @throws ConfigException when a source's raw topic has the name of a topic Freshet writes
     */
    public static List<TopicSpec> plan(FreshetConfig config) {
        KafkaConfig kafka = config.kafka();
        int partitions = kafka.partitions();
        OptionalInt replication = kafka.topicReplicationFactor();
        Map<String, TopicSpec> owned = new LinkedHashMap<>();
        for (Source source : config.definitions().sources()) {
            put(owned, new TopicSpec(events(source.name()), partitions, replication, Map.of(),
                    "parsed events of source " + source.name()));
        }
        for (FeatureView view : config.definitions().featureViews()) {
            put(owned, new TopicSpec(tiles(view.name()), partitions, replication, Map.of("cleanup.policy", "compact"),
                    "tile updates of feature view " + view.name()));
        }
        put(owned, new TopicSpec(DLQ, partitions, replication, Map.of(), "records that could not be ingested"));

        Map<String, TopicSpec> raw = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        List<Source> sources = config.definitions().sources();
        for (int i = 0; i < sources.size(); i++) {
            Source source = sources.get(i);
            if (owned.containsKey(source.topic())) {
                problems.add("sources[" + i + "].topic: \"" + source.topic() + "\" is the name of a topic Freshet "
                        + "writes itself (" + owned.get(source.topic()).purpose() + "); raw topics must not be named "
                        + EVENTS_PREFIX + "*, " + TILES_PREFIX + "* or " + DLQ);
                continue;
            }
            TopicSpec spec = raw.get(source.topic());
            raw.put(source.topic(), spec == null
                    ? new TopicSpec(source.topic(), partitions, replication, Map.of(), "raw events of source " + source.name())
                    : new TopicSpec(spec.name(), partitions, replication, Map.of(), spec.purpose() + " and " + source.name()));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }

        // Raw topic then events topic per source, so that a listing reads in pipeline order.
        List<TopicSpec> plan = new ArrayList<>();
        for (Source source : sources) {
            TopicSpec rawSpec = raw.remove(source.topic());
            if (rawSpec != null) {
                plan.add(rawSpec);
            }
            plan.add(owned.remove(events(source.name())));
        }
        plan.addAll(owned.values());
        return List.copyOf(plan);
    }

    private static void put(Map<String, TopicSpec> specs, TopicSpec spec) {
        // Source and view names are unique per kind, so only a collision across kinds can get here.
        if (specs.putIfAbsent(spec.name(), spec) != null) {
            throw new IllegalStateException("two topics named " + spec.name());
        }
    }
}
