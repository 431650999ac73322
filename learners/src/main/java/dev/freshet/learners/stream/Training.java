package dev.freshet.learners.stream;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.definition.ModelVersion;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.learners.LearnerSnapshot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Everything that trains a configuration's models in one process: the label join, and per model a
 * serving model and the learner worker that publishes to it; and a frozen serving model for each
 * model version a bandit's action pins ({@code ctr-v12}), restored from the model's history.
 * {@link #close} stops the workers (each after a last checkpoint), then the join, then serving.
 * Idempotent.
 */
public final class Training implements AutoCloseable {

    private final TrainingStream stream;
    private final Map<String, ServingModel> serving;
    private final Map<String, LearnerWorker> workers;
    private boolean closed;

    private Training(TrainingStream stream, Map<String, ServingModel> serving, Map<String, LearnerWorker> workers) {
        this.stream = stream;
        this.serving = Collections.unmodifiableMap(serving);
        this.workers = Collections.unmodifiableMap(workers);
    }

    /**
     * Starts training every model of the configuration (its topics must exist). Each model serves its
     * latest checkpoint at once, or an untrained version 0.
     *
     * @param eventsTopic    the canonical events topic of a source, by source name
     * @param freshetVersion recorded in each checkpoint's provenance
     * @param overrides      Kafka Streams settings over Freshet's, for the label join
     * @throws InvalidInputException naming the model when its learner refuses its options (VW), or its checkpoint
     *                               was written with other options or inputs; naming the bandit's action when
     *                               the version it pins is not kept, or was trained with other options or inputs
     * @throws dev.freshet.core.error.TransientException when another process trains one of the models
     */
    public static Training start(FreshetConfig config, String bootstrapServers, Function<String, String> eventsTopic,
                                 String freshetVersion, Map<String, ?> overrides) {
        Map<String, ServingModel> serving = new LinkedHashMap<>();
        Map<String, LearnerWorker> workers = new LinkedHashMap<>();
        TrainingStream stream = null;
        try {
            Map<String, Set<Long>> pinned = pinned(config);
            for (int i = 0; i < config.models().size(); i++) {
                ModelDefinition m = config.models().get(i);
                try {
                    ServingModel s = ServingModel.untrained(m);
                    serving.put(m.name(), s);
                    workers.put(m.name(), LearnerWorker.builder().model(m).bootstrapServers(bootstrapServers)
                            .checkpoints(config.modelStore().path()).serving(s).freshetVersion(freshetVersion)
                            .keepVersions(config.modelStore().keepVersions(), pinned.getOrDefault(m.name(), Set.of())).start());
                } catch (IllegalArgumentException e) {
                    // VW refusing its options, or a checkpoint of other options or inputs: the configuration must change
                    throw new InvalidInputException("models[" + i + "] (" + m.name() + "): " + e.getMessage(), e);
                }
            }
            servePinned(config, serving);
            stream = TrainingStream.start(config, bootstrapServers, eventsTopic, overrides);
            return new Training(stream, serving, workers);
        } catch (RuntimeException | Error e) {
            closeAll(stream, serving, workers);
            throw e;
        }
    }

    /** The versions the bandits' actions pin, by model. */
    private static Map<String, Set<Long>> pinned(FreshetConfig config) {
        List<String> models = config.models().stream().map(ModelDefinition::name).toList();
        Map<String, Set<Long>> pinned = new HashMap<>();
        for (BanditDefinition b : config.bandits()) {
            for (String action : b.actions()) {
                ModelVersion.parse(action, models).ifPresent(v -> pinned.computeIfAbsent(v.model(), k -> new TreeSet<>()).add(v.version()));
            }
        }
        return pinned;
    }

    /** Restores each pinned version into a serving model of its own, never published to, under the version's name. */
    static void servePinned(FreshetConfig config, Map<String, ServingModel> serving) {
        List<String> models = config.models().stream().map(ModelDefinition::name).toList();
        Path root = config.modelStore().path();
        for (int i = 0; i < config.bandits().size(); i++) {
            BanditDefinition b = config.bandits().get(i);
            for (int a = 0; a < b.actions().size(); a++) {
                Optional<ModelVersion> pin = ModelVersion.parse(b.actions().get(a), models);
                if (pin.isEmpty() || serving.containsKey(pin.get().name())) {
                    continue;
                }
                ModelVersion v = pin.get();
                String where = "bandits[" + i + "].actions[" + a + "] (" + v.name() + " of bandit " + b.name() + "): ";
                LearnerSnapshot snapshot = ModelCheckpoints.readVersion(root, v.model(), v.version()).orElseThrow(() ->
                        new InvalidInputException(where + "model " + v.model() + " keeps no version " + v.version() + " under "
                                + ModelCheckpoints.directory(root, v.model()).resolve("versions").toAbsolutePath() + " ("
                                + kept(root, v.model()) + "); pin a kept version, or raise model_store.keep_versions ("
                                + config.modelStore().keepVersions() + ") so that versions stay longer", null));
                ServingModel frozen = ServingModel.untrained(config.model(v.model()).orElseThrow());
                serving.put(v.name(), frozen);
                try {
                    frozen.publish(snapshot);
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException(where + "the version was trained with other options or inputs than model "
                            + v.model() + " has now: " + e.getMessage(), e);
                }
            }
        }
    }

    private static String kept(Path root, String model) {
        List<Long> kept = ModelCheckpoints.keptVersions(root, model);
        return kept.isEmpty() ? "it keeps none yet" : "kept: " + kept.stream().map(n -> ModelVersion.name(model, n))
                .collect(Collectors.joining(", "));
    }

    /** Waits until the label join runs. */
    public void awaitRunning(Duration timeout) {
        stream.awaitRunning(timeout);
    }

    public TrainingStream stream() {
        return stream;
    }

    /** The serving models, by model name, and the pinned versions, by version name ({@code ctr-v12}). */
    public Map<String, ServingModel> serving() {
        return serving;
    }

    /** The learner workers, by model name. */
    public Map<String, LearnerWorker> workers() {
        return workers;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeAll(stream, serving, workers);
    }

    /** The workers first (each after a last checkpoint), then the join, then serving. */
    private static void closeAll(TrainingStream stream, Map<String, ServingModel> serving, Map<String, LearnerWorker> workers) {
        List<AutoCloseable> order = new ArrayList<>(workers.values());
        order.add(stream);
        order.addAll(serving.values());
        Closeables.closeAll(order);
    }
}
