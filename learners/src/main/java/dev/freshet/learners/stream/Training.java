package dev.freshet.learners.stream;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.error.InvalidInputException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything that trains a configuration's models in one process: the label join, and per model a
 * serving model and the learner worker that publishes to it. {@link #close} stops the workers
 * (each after a last checkpoint), then the join, then serving. Idempotent.
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
     *                               was written with other options or inputs
     * @throws dev.freshet.core.error.TransientException when another process trains one of the models
     */
    public static Training start(FreshetConfig config, String bootstrapServers, Function<String, String> eventsTopic,
                                 String freshetVersion, Map<String, ?> overrides) {
        Map<String, ServingModel> serving = new LinkedHashMap<>();
        Map<String, LearnerWorker> workers = new LinkedHashMap<>();
        TrainingStream stream = null;
        try {
            for (int i = 0; i < config.models().size(); i++) {
                ModelDefinition m = config.models().get(i);
                try {
                    ServingModel s = ServingModel.untrained(m);
                    serving.put(m.name(), s);
                    workers.put(m.name(), LearnerWorker.builder().model(m).bootstrapServers(bootstrapServers)
                            .checkpoints(config.modelStore().path()).serving(s).freshetVersion(freshetVersion).start());
                } catch (IllegalArgumentException e) {
                    // VW refusing its options, or a checkpoint of other options or inputs: the configuration must change
                    throw new InvalidInputException("models[" + i + "] (" + m.name() + "): " + e.getMessage(), e);
                }
            }
            stream = TrainingStream.start(config, bootstrapServers, eventsTopic, overrides);
            return new Training(stream, serving, workers);
        } catch (RuntimeException | Error e) {
            closeAll(stream, serving, workers);
            throw e;
        }
    }

    /** Waits until the label join runs. */
    public void awaitRunning(Duration timeout) {
        stream.awaitRunning(timeout);
    }

    public TrainingStream stream() {
        return stream;
    }

    /** The serving models, by model name. */
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
