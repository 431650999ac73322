package dev.freshet.learners.stream;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.error.TransientException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * An outcome join running as its own Kafka Streams application, exactly once: the label join of a
 * configuration's models ({@link LabelJoin}, application {@code <project>-training}), or the reward
 * join of its bandits. Thread-safe; {@link #close} is idempotent.
 */
public final class TrainingStream implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TrainingStream.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final JoinCounters counters;
    private final String what;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile boolean closed;

    private TrainingStream(KafkaStreams streams, JoinCounters counters, String what) {
        this.streams = streams;
        this.counters = counters;
        this.what = what;
    }

    public static String applicationId(FreshetConfig config) {
        return config.project() + "-training";
    }

    /** The Kafka Streams settings: those of the pipeline (exactly once, the commit interval, the state directory). */
    static Properties properties(FreshetConfig config, String applicationId, String bootstrapServers) {
        dev.freshet.core.config.StreamsConfig s = config.streams();
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // there are no global stores: set only so that Kafka Streams does not warn at every start, and for each stream
        // thread (its consumer's partition assignor reads it from the consumer's settings); the default from Kafka 5.0
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, s.commitInterval().toMillis());
        p.put(StreamsConfig.STATE_DIR_CONFIG, s.stateDir().toAbsolutePath().toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.kafka().topicReplicationFactor().orElse(-1));
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        // predictions served before the first start still become examples
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return p;
    }

    /**
     * Starts the label join (its topics must exist). Returns at once; {@link #awaitRunning} waits.
     *
     * @param eventsTopic the canonical events topic of a source, by source name
     * @param overrides   Kafka Streams settings that override Freshet's (tests, tuning)
     */
    public static TrainingStream start(FreshetConfig config, String bootstrapServers, Function<String, String> eventsTopic,
                                       Map<String, ?> overrides) {
        Objects.requireNonNull(config, "config");
        JoinCounters counters = new JoinCounters();
        return start(applicationId(config), "label join", config, bootstrapServers,
                LabelJoin.topology(config, eventsTopic, counters), counters, overrides);
    }

    /**
     * Starts an outcome join built by the caller (its topics must exist).
     *
     * @param applicationId the Kafka Streams application id
     * @param what          what it is, for logs and messages (e.g. {@code reward join})
     * @param counters      the counters the topology counts into
     */
    public static TrainingStream start(String applicationId, String what, FreshetConfig config, String bootstrapServers,
                                       Topology topology, JoinCounters counters, Map<String, ?> overrides) {
        Properties props = properties(config, applicationId, bootstrapServers);
        props.putAll(overrides);
        KafkaStreams streams = new KafkaStreams(topology, props);
        TrainingStream t = new TrainingStream(streams, counters, what);
        streams.setUncaughtExceptionHandler(e -> {
            t.failure.compareAndSet(null, e);
            log.error("the {} failed and stops: {}", what, e.toString(), e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            log.info("{}: {} -> {}", what, before, now);
            if (now == KafkaStreams.State.RUNNING || now == KafkaStreams.State.ERROR
                    || now == KafkaStreams.State.PENDING_SHUTDOWN || now == KafkaStreams.State.NOT_RUNNING) {
                t.settled.countDown();
            }
        });
        streams.start();
        return t;
    }

    /**
     * Waits until the join runs.
     *
     * @throws TransientException when it failed, stopped or did not start within the timeout
     */
    public void awaitRunning(Duration timeout) {
        try {
            if (!settled.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TransientException("the " + what + " did not start within " + timeout.toSeconds()
                        + " s (state " + streams.state() + "); is Kafka reachable?", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("interrupted while waiting for the " + what + " to start", e);
        }
        if (streams.state() != KafkaStreams.State.RUNNING && streams.state() != KafkaStreams.State.REBALANCING) {
            throw new TransientException("the " + what + " is " + streams.state()
                    + failure().map(f -> " after a failure: " + f).orElse(""), failure().orElse(null));
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    public JoinCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT))) {
            log.warn("the {} did not stop within {} s", what, CLOSE_TIMEOUT.toSeconds());
        }
    }
}
