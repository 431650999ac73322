package dev.freshet.core.config;

import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.error.ConfigException;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@code freshet.yaml} says, validated once at load time. Immutable. Relative paths
 * are kept as written and resolve against the working directory of the process.
 *
 * @param project      the project name (prefixes the Kafka Streams application ids)
 * @param kafka        the broker(s), or the embedded broker
 * @param onlineStore  where tiles are served from
 * @param offlineStore where the event archive lives
 * @param streams      how the streaming pipeline runs (commit interval, threads, clock skew, grace)
 * @param api          the HTTP API
 * @param definitions  entities, sources and feature views
 * @param models       incrementally trained models, in file order
 * @param modelStore   where learner workers checkpoint models and policy workers bandits
 * @param bandits      contextual bandits, in file order
 */
public record FreshetConfig(String project, KafkaConfig kafka, StreamsConfig streams, OnlineStoreConfig onlineStore,
                            OfflineStoreConfig offlineStore, ApiConfig api, Definitions definitions,
                            List<ModelDefinition> models, ModelStoreConfig modelStore, List<BanditDefinition> bandits) {

    public FreshetConfig {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(streams, "streams");
        Objects.requireNonNull(onlineStore, "onlineStore");
        Objects.requireNonNull(offlineStore, "offlineStore");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(definitions, "definitions");
        models = List.copyOf(models);
        Objects.requireNonNull(modelStore, "modelStore");
        bandits = List.copyOf(bandits);
    }

    /**
     * A configuration of definitions and every other part at its defaults (no models, no bandits);
     * the {@code with...} methods change one part each, keeping the others.
     */
    public static FreshetConfig of(String project, Definitions definitions) {
        return new FreshetConfig(project, KafkaConfig.defaults(), StreamsConfig.defaults(), OnlineStoreConfig.defaults(),
                OfflineStoreConfig.defaults(), ApiConfig.defaults(), definitions, List.of(), ModelStoreConfig.defaults(), List.of());
    }

    /** The model of that name. */
    public Optional<ModelDefinition> model(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The same configuration with other models. */
    public FreshetConfig withModels(List<ModelDefinition> other, ModelStoreConfig store) {
        return new FreshetConfig(project, kafka, streams, onlineStore, offlineStore, api, definitions, other, store, bandits);
    }

    /** The bandit of that name. */
    public Optional<BanditDefinition> bandit(String name) {
        return bandits.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /** The same configuration with other bandits. */
    public FreshetConfig withBandits(List<BanditDefinition> other) {
        return new FreshetConfig(project, kafka, streams, onlineStore, offlineStore, api, definitions, models, modelStore, other);
    }

    /** The same configuration with other Kafka settings (tests point it at their own broker). */
    public FreshetConfig withKafka(KafkaConfig other) {
        return new FreshetConfig(project, other, streams, onlineStore, offlineStore, api, definitions, models, modelStore, bandits);
    }

    /** The same configuration with another online store. */
    public FreshetConfig withOnlineStore(OnlineStoreConfig other) {
        return new FreshetConfig(project, kafka, streams, other, offlineStore, api, definitions, models, modelStore, bandits);
    }

    /** The same configuration with another offline store. */
    public FreshetConfig withOfflineStore(OfflineStoreConfig other) {
        return new FreshetConfig(project, kafka, streams, onlineStore, other, api, definitions, models, modelStore, bandits);
    }

    /** The same configuration with other API settings. */
    public FreshetConfig withApi(ApiConfig other) {
        return new FreshetConfig(project, kafka, streams, onlineStore, offlineStore, other, definitions, models, modelStore, bandits);
    }

    /** The same configuration with other streaming settings. */
    public FreshetConfig withStreams(StreamsConfig other) {
        return new FreshetConfig(project, kafka, other, onlineStore, offlineStore, api, definitions, models, modelStore, bandits);
    }

    /**
     * Reads and validates a {@code freshet.yaml}.
     *
     * @throws ConfigException listing every problem, each naming the file, line, field path, value and rule
     */
    public static FreshetConfig load(Path file) {
        return YamlConfigLoader.load(file);
    }

    /**
     * Parses and validates YAML text; {@code fileName} only names the origin in error messages.
     *
     * @throws ConfigException listing every problem
     */
    public static FreshetConfig parse(String yaml, String fileName) {
        return YamlConfigLoader.parse(yaml, fileName);
    }
}
