package dev.freshet.app.cli;

import dev.freshet.core.error.FreshetException;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.error.TransientException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends records with no key to one topic that must exist: {@code freshet produce}'s producer. It
 * checks first that Kafka answers and that the topic exists, then sends asynchronously (acks=all,
 * idempotent, batched); the first record that fails stops it, and every later call throws that
 * failure, naming the record's line. Used by one thread.
 */
final class RawTopicProducer implements AutoCloseable {

    /** How long connecting, checking the topic, or waiting for room in the send buffer may take. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final int BATCH_BYTES = 256 * 1024;
    private static final int LINGER_MS = 15;
    private static final int DELIVERY_TIMEOUT_MS = 30_000;
    /** Kafka's default max.message.bytes, for a topic whose config cannot be read. */
    private static final int KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String bootstrapServers;
    private final String topic;
    private final String hint;
    private final String inputName;
    private final int maxMessageBytes;
    private final AtomicReference<Failure> firstFailure = new AtomicReference<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private long sent;
    private long bytesSent;

    /** A record that could not be sent: its line, its size and why. */
    private record Failure(long lineNumber, int bytes, Exception cause) {
    }

    private RawTopicProducer(KafkaProducer<byte[], byte[]> producer, String bootstrapServers, String topic, String hint,
                             String inputName, int maxMessageBytes) {
        this.producer = producer;
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.hint = hint;
        this.inputName = inputName;
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * Connects to Kafka and checks the topic.
     *
     * @param hint      what to do when Kafka cannot be reached, appended to that message
     * @param inputName where the records come from ("events.jsonl"), for messages about a line
     * @throws TransientException    when Kafka cannot be reached within {@link #TIMEOUT}
     * @throws InvalidInputException when the topic does not exist, or the bootstrap servers are malformed
     */
    static RawTopicProducer open(String bootstrapServers, String topic, String hint, String inputName) {
        BootstrapProbe.requireListening(bootstrapServers, BootstrapProbe.DEFAULT_TIMEOUT, hint);
        int maxMessageBytes = maxMessageBytes(bootstrapServers, topic, hint);
        Map<String, Object> settings = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "freshet-produce",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, LINGER_MS,
                ProducerConfig.BATCH_SIZE_CONFIG, Math.min(BATCH_BYTES, maxMessageBytes),
                // The producer checks each record against this, with the batch overhead, as the broker will.
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxMessageBytes,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        try {
            return new RawTopicProducer(new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer()),
                    bootstrapServers, topic, hint, inputName, maxMessageBytes);
        } catch (KafkaException e) {
            throw new InvalidInputException("cannot create a Kafka producer for " + bootstrapServers + ": " + e.getMessage(), e);
        }
    }

    /** The largest record the topic accepts, in bytes, batch overhead included ({@code max.message.bytes}). */
    int maxMessageBytes() {
        return maxMessageBytes;
    }

    /**
     * Sends {@code value} with no key, asynchronously.
     *
     * @param lineNumber where the value came from, for the message when it fails
     * @throws FreshetException the first failure of this or an earlier record
     */
    void send(byte[] value, long lineNumber) {
        throwIfFailed();
        int bytes = value.length;
        producer.send(new ProducerRecord<>(topic, null, value), (metadata, e) -> {
            if (e == null) {
                acknowledged.incrementAndGet();
            } else {
                firstFailure.compareAndSet(null, new Failure(lineNumber, bytes, e));
            }
        });
        sent++;
        bytesSent += bytes;
        // A record that is too large, or a topic whose metadata does not come, fails within send().
        throwIfFailed();
    }

    /**
     * Waits until every record sent is acknowledged.
     *
     * @throws FreshetException the first record that failed
     */
    void flush() {
        producer.flush();
        throwIfFailed();
    }

    /** Records sent (handed to the producer). */
    long sent() {
        return sent;
    }

    /** Bytes of the values sent. */
    long bytesSent() {
        return bytesSent;
    }

    /** Records the broker has acknowledged. */
    long acknowledged() {
        return acknowledged.get();
    }

    /** Closes the producer, sending what it still holds unless a record failed. Idempotent. */
    @Override
    public void close() {
        producer.close(firstFailure.get() == null ? TIMEOUT : Duration.ZERO);
    }

    private void throwIfFailed() {
        Failure failure = firstFailure.get();
        if (failure == null) {
            return;
        }
        // Stop at once: what is still buffered is dropped, so the count below is final.
        producer.close(Duration.ZERO);
        String written = "; sending stopped after " + Counts.plural(acknowledged.get(), "record") + " reached topic " + topic;
        Exception cause = failure.cause();
        String line = "line " + failure.lineNumber() + " of " + inputName;
        if (cause instanceof RecordTooLargeException) {
            throw new InvalidInputException(tooLarge(failure.lineNumber(), failure.bytes()) + written, cause);
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            throw new TransientException(line + " could not be sent to topic " + topic + " at " + bootstrapServers
                    + " in time (" + cause.getMessage() + "); " + hint + written, cause);
        }
        if (cause instanceof RetriableException) {
            throw new TransientException(line + " could not be sent to topic " + topic + " at " + bootstrapServers
                    + ": " + cause.getMessage() + written, cause);
        }
        throw new FreshetException(line + " could not be sent to topic " + topic + " at " + bootstrapServers + ": "
                + cause.getMessage() + written, cause);
    }

    /** The message for a line too large for the topic. */
    String tooLarge(long lineNumber, long bytes) {
        return String.format(Locale.ROOT, "line %d of %s is %,d bytes, too large for topic %s, which takes records of at "
                + "most %,d bytes including about 100 bytes of overhead (its max.message.bytes): split the event, or raise "
                + "max.message.bytes of the topic", lineNumber, inputName, bytes, topic, maxMessageBytes);
    }

    private static int maxMessageBytes(String bootstrapServers, String topic, String hint) {
        Map<String, Object> settings = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "freshet-produce-admin",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        Admin admin;
        try {
            admin = Admin.create(settings);
        } catch (KafkaException e) {
            throw new InvalidInputException("cannot connect to Kafka at \"" + bootstrapServers + "\": " + e.getMessage()
                    + " (check kafka.bootstrap_servers: host:port pairs, comma-separated)", e);
        }
        try {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            admin.describeTopics(List.of(topic)).allTopicNames().get(remaining(deadline), TimeUnit.NANOSECONDS);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(remaining(deadline), TimeUnit.NANOSECONDS).get(resource);
            ConfigEntry entry = config == null ? null : config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            return entry == null || entry.value() == null ? KAFKA_DEFAULT_MAX_MESSAGE_BYTES : Integer.parseInt(entry.value());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownTopicOrPartitionException) {
                throw new InvalidInputException("topic " + topic + " does not exist at Kafka " + bootstrapServers
                        + ": start `freshet run` once to create Freshet's topics (the sources' raw topics included)", cause);
            }
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unreachable(bootstrapServers, hint, cause);
            }
            throw new FreshetException("Kafka at " + bootstrapServers + " failed while describing topic " + topic + ": "
                    + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw unreachable(bootstrapServers, hint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("interrupted while checking topic " + topic + " at Kafka " + bootstrapServers, e);
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    private static TransientException unreachable(String bootstrapServers, String hint, Throwable cause) {
        return new TransientException("Kafka at " + bootstrapServers + " did not answer within " + TIMEOUT.toSeconds()
                + " s; " + hint, cause);
    }

    private static long remaining(long deadline) {
        return Math.max(1, deadline - System.nanoTime());
    }
}
