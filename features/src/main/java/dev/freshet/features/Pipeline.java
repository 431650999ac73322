package dev.freshet.features;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.StreamsConfig;
import dev.freshet.core.error.TransientException;
import dev.freshet.ingest.stream.IngestCounters;
import dev.freshet.ingest.stream.IngestTopology;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
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

/**
 * The streaming pipeline of one Freshet process: ingest (raw topics → canonical events or dead
 * letters) and features (events → tiles) in one Kafka Streams application, exactly once.
 * Instances with the same project share the work: they form one consumer group and split the
 * partitions. Thread-safe; {@link #close} is idempotent.
 */
public final class Pipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final IngestCounters ingestCounters;
    private final FeatureCounters featureCounters;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile boolean closed;

    private Pipeline(KafkaStreams streams, IngestCounters ingestCounters, FeatureCounters featureCounters) {
        this.streams = streams;
        this.ingestCounters = ingestCounters;
        this.featureCounters = featureCounters;
    }

    /** The Kafka Streams application id: the project's name, so that each project has its own consumer group and state. */
    public static String applicationId(FreshetConfig config) {
        return config.project() + "-pipeline";
    }

    /** The whole topology: ingest for every source, features for every view. */
    public static Topology topology(FreshetConfig config, IngestCounters ingest, FeatureCounters features) {
        StreamsBuilder builder = new StreamsBuilder();
        FeaturesTopology.addTo(builder, config, features);
        Topology topology = builder.build();
        IngestTopology.addTo(topology, config, ingest);
        return topology;
    }

    /** The Kafka Streams settings for a configuration and the brokers to use. */
    public static Properties properties(FreshetConfig config, String bootstrapServers) {
        StreamsConfig s = config.streams();
        Properties p = new Properties();
        p.put(org.apache.kafka.streams.StreamsConfig.APPLICATION_ID_CONFIG, applicationId(config));
        p.put(org.apache.kafka.streams.StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(org.apache.kafka.streams.StreamsConfig.PROCESSING_GUARANTEE_CONFIG, org.apache.kafka.streams.StreamsConfig.EXACTLY_ONCE_V2);
        // there are no global stores: set only so that Kafka Streams does not warn at every start, and for each stream
        // thread (its consumer's partition assignor reads it from the consumer's settings); the default from Kafka 5.0
        p.put(org.apache.kafka.streams.StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.put(org.apache.kafka.streams.StreamsConfig.mainConsumerPrefix(org.apache.kafka.streams.StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
        p.put(org.apache.kafka.streams.StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, s.commitInterval().toMillis());
        p.put(org.apache.kafka.streams.StreamsConfig.NUM_STREAM_THREADS_CONFIG, s.threads());
        p.put(org.apache.kafka.streams.StreamsConfig.STATE_DIR_CONFIG, s.stateDir().toAbsolutePath().toString());
        p.put(org.apache.kafka.streams.StreamsConfig.REPLICATION_FACTOR_CONFIG, config.kafka().topicReplicationFactor().orElse(-1));
        p.put(org.apache.kafka.streams.StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(org.apache.kafka.streams.StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        // larger producer batches: each full batch wakes the sender thread, and most records here are small
        p.put(org.apache.kafka.streams.StreamsConfig.producerPrefix(org.apache.kafka.clients.producer.ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
        // a transaction's offsets sent while the broker still completes the previous commit are refused as concurrent and
        // retried after this backoff: 100 ms by default, which with commits requested every publish interval held up the
        // stream thread for a tenth of a second now and then (retries still back off exponentially, up to 1 s)
        p.put(org.apache.kafka.streams.StreamsConfig.producerPrefix(org.apache.kafka.clients.producer.ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 10);
        // a new project reads its raw topics from the beginning: nothing produced before the first start is lost
        p.put(org.apache.kafka.streams.StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return p;
    }

    /**
     * Starts the pipeline on the given brokers (the topics must exist: see the ingest module's
     * topic administration). Returns at once; {@link #awaitRunning} waits for the first assignment.
     */
    public static Pipeline start(FreshetConfig config, String bootstrapServers) {
        return start(config, bootstrapServers, java.util.Map.of());
    }

    /**
     * {@link #start(FreshetConfig, String)} with Kafka Streams (or, with their prefixes, client)
     * settings that override Freshet's: for tuning and tests.
     */
    public static Pipeline start(FreshetConfig config, String bootstrapServers, java.util.Map<String, ?> overrides) {
        Objects.requireNonNull(config, "config");
        IngestCounters ingest = new IngestCounters();
        FeatureCounters features = new FeatureCounters();
        Properties props = properties(config, bootstrapServers);
        props.putAll(overrides);
        KafkaStreams streams = new KafkaStreams(topology(config, ingest, features), props);
        Pipeline pipeline = new Pipeline(streams, ingest, features);
        streams.setUncaughtExceptionHandler(e -> {
            pipeline.failure.compareAndSet(null, e);
            log.error("the streaming pipeline failed and stops: {}", e.toString(), e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            log.info("streaming pipeline: {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING || now == KafkaStreams.State.ERROR
                    || now == KafkaStreams.State.PENDING_SHUTDOWN || now == KafkaStreams.State.NOT_RUNNING) {
                pipeline.settled.countDown();
            }
        });
        streams.start();
        return pipeline;
    }

    /**
     * Waits until the pipeline runs.
     *
     * @throws TransientException when it failed, stopped or did not start within the timeout
     */
    public void awaitRunning(Duration timeout) {
        try {
            if (!settled.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TransientException("the streaming pipeline did not start within " + timeout.toSeconds()
                        + " s (state " + streams.state() + "); is Kafka reachable?", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("interrupted while waiting for the streaming pipeline to start", e);
        }
        if (streams.state() != KafkaStreams.State.RUNNING && streams.state() != KafkaStreams.State.REBALANCING) {
            throw new TransientException("the streaming pipeline is " + streams.state()
                    + failure().map(f -> " after a failure: " + f).orElse(""), failure().orElse(null));
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The error that stopped the pipeline, if one did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    public IngestCounters ingestCounters() {
        return ingestCounters;
    }

    public FeatureCounters featureCounters() {
        return featureCounters;
    }

    /**
     * How far behind its input topics the pipeline is: per topic, the records not yet consumed, summed
     * over the partitions this instance is assigned (the main consumers' {@code records-lag} metric;
     * the restore consumers are left out). Empty until the first fetch.
     */
    public Map<String, Long> consumerLag() {
        Map<String, Long> lag = new java.util.TreeMap<>();
        for (org.apache.kafka.common.Metric m : streams.metrics().values()) {
            org.apache.kafka.common.MetricName name = m.metricName();
            String client = name.tags().getOrDefault("client-id", "");
            String topic = name.tags().get("topic");
            if (name.name().equals("records-lag") && name.group().equals("consumer-fetch-manager-metrics") && topic != null
                    && client.endsWith("-consumer") && !client.endsWith("-restore-consumer")
                    && m.metricValue() instanceof Double v && !v.isNaN()) {
                lag.merge(topic, v.longValue(), Long::sum);
            }
        }
        // the consumer registers each topic's metrics twice, once with '.' written as '_' (for JMX)
        lag.keySet().removeIf(topic -> topic.indexOf('.') < 0
                && lag.keySet().stream().anyMatch(other -> other.indexOf('.') >= 0 && other.replace('.', '_').equals(topic)));
        return lag;
    }

    /** Kafka Streams' own metrics (threads, tasks, stores and its clients), for diagnostics. */
    public Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> metrics() {
        return streams.metrics();
    }

    /** Stops the pipeline, committing what it processed; waits up to 30 s. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // leave the group: a restarted instance gets the partitions at once instead of after session.timeout.ms
        if (!streams.close(org.apache.kafka.streams.CloseOptions.groupMembershipOperation(
                org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(CLOSE_TIMEOUT))) {
            log.warn("the streaming pipeline did not stop within {} s", CLOSE_TIMEOUT.toSeconds());
        }
    }
}
