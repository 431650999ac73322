package dev.freshet.app.cli;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.KafkaConfig;
import dev.freshet.core.error.TransientException;
import dev.freshet.features.Pipeline;
import dev.freshet.ingest.broker.EmbeddedKafka;
import dev.freshet.ingest.topic.TopicAdmin;
import dev.freshet.ingest.topic.TopicSpec;
import dev.freshet.ingest.topic.Topics;
import org.apache.kafka.streams.KafkaStreams;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@code freshet run} starts, in order: the embedded Kafka broker (unless the configuration
 * names an external cluster), Freshet's topics, the streaming pipeline. {@link #close()} stops
 * them in the reverse order: the pipeline first, so that it commits what it processed while the
 * broker is still there. Not thread-safe; {@code close} is idempotent.
 */
final class RunStack implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration SLOW_START = Duration.ofSeconds(5);
    private static final Duration START_POLL = Duration.ofMillis(100);

    private final EmbeddedKafka broker;
    private final Pipeline pipeline;
    private final String bootstrapServers;
    private boolean closed;

    private RunStack(EmbeddedKafka broker, Pipeline pipeline, String bootstrapServers) {
        this.broker = broker;
        this.pipeline = pipeline;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts everything and prints a line per step on {@code out}. When a step fails, what was
     * started is closed before the exception leaves.
     *
     * @param configFile       the configuration file as the user named it, for messages
     * @param pipelineSettings Kafka Streams settings over Freshet's (tests shorten timeouts); usually empty
     * @param stop             a stop requested while the pipeline starts ends the wait for it: the
     *                         caller then finds the request and closes the stack
     * @throws dev.freshet.core.error.TransientException when the port or data directory is in use,
     *         Kafka is unreachable, or the pipeline does not start within {@link #START_TIMEOUT}
     * @throws dev.freshet.core.error.InvalidInputException when the data directory cannot be used or
     *         Kafka refuses a topic
     */
    static RunStack start(FreshetConfig config, String configFile, Map<String, ?> pipelineSettings, StopSignal stop,
                          PrintWriter out) throws InterruptedException {
        KafkaConfig kafka = config.kafka();
        EmbeddedKafka broker = null;
        Pipeline pipeline = null;
        try {
            String bootstrap;
            if (kafka.isEmbedded()) {
                broker = EmbeddedKafka.start(kafka.embedded());
                bootstrap = broker.bootstrapServers();
                out.println("Kafka broker listening on " + bootstrap + " (data in " + kafka.embedded().dataDir() + ")");
            } else {
                bootstrap = kafka.bootstrapServers();
                BootstrapProbe.requireListening(bootstrap, BootstrapProbe.DEFAULT_TIMEOUT,
                        "check kafka.bootstrap_servers in " + configFile + " (or remove it to run the embedded broker)");
                out.println("Using the Kafka cluster at " + bootstrap);
            }
            out.flush();
            ensureTopics(config, bootstrap, out);
            pipeline = Pipeline.start(config, bootstrap, pipelineSettings);
            if (awaitRunning(pipeline, stop, out)) {
                out.println("Streaming pipeline " + Pipeline.applicationId(config) + " started (state in "
                        + config.streams().stateDir() + ")");
                out.flush();
            }
            return new RunStack(broker, pipeline, bootstrap);
        } catch (RuntimeException | Error | InterruptedException e) {
            RuntimeException closing = closeAll(pipeline, broker);
            if (closing != null) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * Waits until the pipeline runs, saying so when that takes a while; false when a stop was
     * requested first.
     *
     * @throws TransientException when the pipeline fails, or does not run within {@link #START_TIMEOUT}
     */
    private static boolean awaitRunning(Pipeline pipeline, StopSignal stop, PrintWriter out) throws InterruptedException {
        long start = System.nanoTime();
        boolean noted = false;
        while (true) {
            KafkaStreams.State state = pipeline.state();
            if (state == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (state != KafkaStreams.State.CREATED && state != KafkaStreams.State.REBALANCING) {
                // Failed or stopped: this throws what happened (or returns if it runs after all).
                pipeline.awaitRunning(START_TIMEOUT);
                return true;
            }
            long waited = System.nanoTime() - start;
            if (waited > START_TIMEOUT.toNanos()) {
                throw new TransientException("the streaming pipeline did not start within " + START_TIMEOUT.toSeconds()
                        + " s (state " + state + "); is Kafka reachable?", null);
            }
            if (!noted && waited > SLOW_START.toNanos()) {
                out.println("Still starting the streaming pipeline (state " + state + "). Right after a run of this "
                        + "project that was killed (so it could not leave its consumer group), this waits until that "
                        + "membership expires (consumer session.timeout.ms, 45 s by default).");
                out.flush();
                noted = true;
            }
            if (stop.awaitRequest(START_POLL)) {
                return false;
            }
        }
    }

    private static void ensureTopics(FreshetConfig config, String bootstrap, PrintWriter out) {
        List<TopicSpec> plan = Topics.plan(config);
        List<TopicSpec> created;
        try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
            created = admin.ensure(plan);
        }
        if (created.isEmpty()) {
            out.println("Topics: all " + plan.size() + " exist already");
        } else {
            String names = created.stream().map(TopicSpec::name).collect(Collectors.joining(", "));
            out.println("Created " + created.size() + " of " + plan.size() + " topics: " + names);
        }
        out.flush();
    }

    Pipeline pipeline() {
        return pipeline;
    }

    /** Where clients reach Kafka: the embedded broker's address or the configured bootstrap servers. */
    String bootstrapServers() {
        return bootstrapServers;
    }

    /** Closes the pipeline (committing), then the broker. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = closeAll(pipeline, broker);
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes both (either may be null), in order; returns what the first threw, with the second's suppressed, or null. */
    private static RuntimeException closeAll(Pipeline pipeline, EmbeddedKafka broker) {
        RuntimeException failure = null;
        if (pipeline != null) {
            try {
                pipeline.close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (broker != null) {
            try {
                broker.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        return failure;
    }
}
