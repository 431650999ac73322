package dev.freshet.app.api;

import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.error.TransientException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Writes pushed rows to raw topics with a transactional Kafka producer, one transaction per
 * {@link #send}: the pipeline reads raw topics with {@code read_committed}, so a push is seen
 * whole or not at all. A producer runs one transaction at a time, so sends are serialized.
 *
 * <p>It connects lazily: the first send (and the first after a failure) initializes the
 * transactions, so a server can start while Kafka is still starting, and recovers once Kafka is
 * back. After a failure it cannot clean up (an abort that times out, a fenced producer), it drops
 * the producer and the next send starts a new one with a new {@code transactional.id}
 * ({@code <project>-push-<random UUID>}). Every wait is bounded by the timeout (10 s by default),
 * so a send fails within about twice that when Kafka is unreachable.
 *
 * <p>Thread-safe. {@link #close()} is idempotent; a send after it throws {@link IllegalStateException}.
 */
public final class KafkaPushTarget implements PushTarget, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaPushTarget.class);

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long the broker lets a transaction stay open: a transaction this target could not end
     * (it dropped its producer) holds back {@code read_committed} readers at most this long.
     */
    private static final int TRANSACTION_TIMEOUT_MS = 20_000;

    private final String bootstrapServers;
    private final String project;
    private final Duration timeout;
    /** Guarded by this; null when the next send must create one. */
    private KafkaProducer<byte[], byte[]> producer;
    private boolean initialized;
    private boolean closed;

    private KafkaPushTarget(String bootstrapServers, String project, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.project = project;
        this.timeout = timeout;
    }

    /**
     * A target for the cluster at {@code bootstrapServers}. Checks the settings without contacting Kafka.
     *
     * @param project the project name, the prefix of the producer's transactional id
     * @throws InvalidInputException when the bootstrap servers are malformed
     */
    public static KafkaPushTarget connect(String bootstrapServers, String project) {
        return connect(bootstrapServers, project, DEFAULT_TIMEOUT);
    }

    /** {@link #connect(String, String)} with another bound on each wait (tests use short ones). */
    static KafkaPushTarget connect(String bootstrapServers, String project, Duration timeout) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(project, "project");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
        KafkaPushTarget target = new KafkaPushTarget(bootstrapServers, project, timeout);
        synchronized (target) {
            target.producer = target.create();
        }
        return target;
    }

    private KafkaProducer<byte[], byte[]> create() {
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Map<String, Object> settings = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, project + "-push",
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, project + "-push-" + UUID.randomUUID(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                // the commit flushes at once; lingering would only delay it
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, ms,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ms,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Math.max(TRANSACTION_TIMEOUT_MS, ms));
        try {
            return new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
        } catch (KafkaException e) {
            throw new InvalidInputException("cannot create a Kafka producer for " + Json.quote(bootstrapServers) + ": "
                    + rootMessage(e) + " (check kafka.bootstrap_servers: host:port pairs, comma-separated)", e);
        }
    }

    @Override
    public synchronized void send(String topic, List<byte[]> values) {
        Objects.requireNonNull(topic, "topic");
        if (closed) {
            throw new IllegalStateException("the Kafka push target for " + bootstrapServers + " is closed");
        }
        if (values.isEmpty()) {
            return;
        }
        KafkaProducer<byte[], byte[]> p = initialized();
        try {
            // fails within the timeout when Kafka is unreachable or the topic does not exist, before a transaction begins
            p.partitionsFor(topic);
        } catch (KafkaException e) {
            // no transaction began, so the producer stays: a new one per failed push would register a new transactional id each time
            throw failure(topic, values.size(), -1, e);
        }
        try {
            transaction(p, topic, values);
        } catch (RuntimeException e) {
            // whatever went wrong, the next push must not inherit a producer in an unknown state
            if (!(e instanceof TransientException || e instanceof InvalidInputException)) {
                drop();
            }
            throw e;
        }
    }

    /** Sends every value in one transaction and commits it, or aborts it. */
    private void transaction(KafkaProducer<byte[], byte[]> p, String topic, List<byte[]> values) {
        int row = 0;
        try {
            p.beginTransaction();
            for (; row < values.size(); row++) {
                Future<RecordMetadata> sent = p.send(new ProducerRecord<>(topic, null, values.get(row)));
                if (sent.isDone()) {
                    sent.get(); // failed at once (a record too large): stop sending, abort below
                }
            }
        } catch (ExecutionException e) {
            abort(p);
            throw failure(topic, values.size(), row, e.getCause());
        } catch (KafkaException e) {
            abort(p);
            throw failure(topic, values.size(), row, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort(p);
            throw new TransientException("interrupted while pushing to topic " + topic + "; nothing was written", e);
        }
        try {
            p.commitTransaction();
        } catch (TimeoutException e) {
            // a commit that timed out may still complete, and may not be aborted: the outcome is unknown
            drop();
            throw new TransientException("Kafka at " + bootstrapServers + " did not confirm the push of " + values.size()
                    + " rows to topic " + topic + " within " + timeout.toMillis() + " ms: they may or may not have been"
                    + " written (look at the topic before pushing them again)", e);
        } catch (KafkaException e) {
            abort(p);
            throw failure(topic, values.size(), -1, e);
        }
    }

    /** The producer, its transactions initialized. */
    private KafkaProducer<byte[], byte[]> initialized() {
        if (producer == null) {
            producer = create();
        }
        if (!initialized) {
            try {
                producer.initTransactions();
                initialized = true;
            } catch (KafkaException e) {
                drop();
                throw failure("(any)", 0, -1, e);
            }
        }
        return producer;
    }

    /** Aborts the open transaction; when even that fails, drops the producer (the broker aborts the transaction on its timeout). */
    private void abort(KafkaProducer<byte[], byte[]> p) {
        try {
            p.abortTransaction();
        } catch (RuntimeException e) {
            log.warn("could not abort a push transaction at Kafka {} ({}); starting a new producer for the next push",
                    bootstrapServers, rootMessage(e));
            drop();
        }
    }

    private void drop() {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException e) {
                log.debug("closing a failed push producer", e);
            }
            producer = null;
            initialized = false;
        }
    }

    /** What a failed push tells its caller; nothing was written (the transaction was aborted or never began). */
    private RuntimeException failure(String topic, int rows, int row, Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof RecordTooLargeException) {
                return new InvalidInputException((row >= 0 ? "row " + row : "a row") + " of the push is larger than Kafka"
                        + " accepts for topic " + topic + " (" + c.getMessage() + "); nothing was written: split the row, or"
                        + " raise max.message.bytes of the topic", cause);
            }
            if (c instanceof TimeoutException) {
                return new TransientException("Kafka at " + bootstrapServers + " did not answer within " + timeout.toMillis()
                        + " ms" + (rows > 0 ? " (topic " + topic + " is unknown to it, or it is unreachable)" : "")
                        + "; nothing was written: push again once Kafka is reachable and the topic exists", cause);
            }
        }
        return new TransientException("Kafka at " + bootstrapServers + " failed the push" + (rows > 0 ? " to topic " + topic : "")
                + ": " + rootMessage(cause) + "; nothing was written: push again", cause);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root.getMessage();
    }

    /** Closes the producer, waiting up to the timeout for a send in progress. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (producer != null) {
            producer.close(timeout);
            producer = null;
        }
    }

    @Override
    public String toString() {
        return "KafkaPushTarget[" + bootstrapServers + ", project " + project + "]";
    }
}
