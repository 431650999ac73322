package dev.freshet.bandits.stream;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.learners.stream.Closeables;
import dev.freshet.learners.stream.JoinCounters;
import dev.freshet.learners.stream.TrainingStream;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything that runs a configuration's bandits in one process: the reward join, and per bandit a
 * serving policy and the policy worker that publishes to it. {@link #close} stops the workers (each
 * after a last checkpoint), then the join, then serving. Idempotent.
 */
public final class BanditService implements AutoCloseable {

    private final TrainingStream stream;
    private final Map<String, ServingPolicy> serving;
    private final Map<String, PolicyWorker> workers;
    private boolean closed;

    private BanditService(TrainingStream stream, Map<String, ServingPolicy> serving, Map<String, PolicyWorker> workers) {
        this.stream = stream;
        this.serving = Collections.unmodifiableMap(serving);
        this.workers = Collections.unmodifiableMap(workers);
    }

    /**
     * Starts every bandit of the configuration (its topics must exist). Each serves its latest
     * checkpoint at once, or an untrained version 0.
     *
     * @param eventsTopic the canonical events topic of a source, by source name
     * @param overrides   Kafka Streams settings over Freshet's, for the reward join
     * @throws InvalidInputException naming the bandit when its policy refuses its options or its checkpoint
     * @throws dev.freshet.core.error.TransientException when another process runs one of the bandits
     */
    public static BanditService start(FreshetConfig config, String bootstrapServers, Function<String, String> eventsTopic,
                                      String freshetVersion, Map<String, ?> overrides) {
        Map<String, ServingPolicy> serving = new LinkedHashMap<>();
        Map<String, PolicyWorker> workers = new LinkedHashMap<>();
        TrainingStream stream = null;
        try {
            for (int i = 0; i < config.bandits().size(); i++) {
                BanditDefinition b = config.bandits().get(i);
                try {
                    ServingPolicy s = ServingPolicy.untrained(b);
                    serving.put(b.name(), s);
                    workers.put(b.name(), PolicyWorker.start(b, bootstrapServers, config.modelStore().path(), s, Clock.systemUTC(),
                            freshetVersion, null, Map.of()));
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException("bandits[" + i + "] (" + b.name() + "): " + e.getMessage(), e);
                }
            }
            JoinCounters counters = new JoinCounters();
            stream = TrainingStream.start(RewardJoin.applicationId(config), "reward join", config, bootstrapServers,
                    RewardJoin.topology(config, eventsTopic, counters), counters, overrides);
            return new BanditService(stream, serving, workers);
        } catch (RuntimeException | Error e) {
            closeAll(stream, serving, workers);
            throw e;
        }
    }

    public void awaitRunning(Duration timeout) {
        stream.awaitRunning(timeout);
    }

    /** The reward join. */
    public TrainingStream stream() {
        return stream;
    }

    /** The serving policies, by bandit name. */
    public Map<String, ServingPolicy> serving() {
        return serving;
    }

    /** The policy workers, by bandit name. */
    public Map<String, PolicyWorker> workers() {
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
    private static void closeAll(TrainingStream stream, Map<String, ServingPolicy> serving, Map<String, PolicyWorker> workers) {
        List<AutoCloseable> order = new ArrayList<>(workers.values());
        order.add(stream);
        order.addAll(serving.values());
        Closeables.closeAll(order);
    }
}
