package dev.freshet.app.api;

import dev.freshet.learners.stream.LoggedPrediction;
import dev.freshet.learners.stream.TrainingJson;
import dev.freshet.learners.stream.TrainingTopics;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Logs predictions to {@value TrainingTopics#PREDICTIONS} with an idempotent producer (acks from
 * all replicas, no duplicates on retry), keyed by prediction id so that the label join finds a
 * prediction and its labels in one partition. The request does not wait for the write: a write
 * that fails after Kafka's retries is counted and logged, and the request still gets its score.
 * Thread-safe; {@link #close} flushes what is pending and is idempotent.
 */
public final class KafkaPredictionLog implements PredictionLog, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaPredictionLog.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final LongAdder logged = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private volatile boolean closed;

    private KafkaPredictionLog(KafkaProducer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /** A log writing to the cluster at {@code bootstrapServers}; connects lazily. */
    public static KafkaPredictionLog connect(String bootstrapServers, String project) {
        Map<String, Object> settings = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, project + "-predictions",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                // a few milliseconds of batching: many predictions per request to the broker
                ProducerConfig.LINGER_MS_CONFIG, 5,
                // a request never blocks long on a full buffer or missing metadata
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
        return new KafkaPredictionLog(new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    @Override
    public void log(LoggedPrediction prediction) {
        if (closed) {
            throw new IllegalStateException("the prediction log is closed");
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TrainingTopics.PREDICTIONS,
                prediction.predictionId().getBytes(StandardCharsets.UTF_8), TrainingJson.encode(prediction));
        try {
            producer.send(record, (meta, e) -> {
                if (e == null) {
                    logged.increment();
                } else {
                    failed.increment();
                    log.warn("a prediction of model {} was not logged to {}: {} ({} failed so far)", prediction.model(),
                            TrainingTopics.PREDICTIONS, e.toString(), failed.sum());
                }
            });
        } catch (KafkaException e) {
            failed.increment();
            log.warn("a prediction of model {} was not logged to {}: {}", prediction.model(), TrainingTopics.PREDICTIONS, e.toString());
        }
    }

    /** Predictions written to the topic. */
    public long logged() {
        return logged.sum();
    }

    /** Predictions that could not be written (their examples are lost to training). */
    public long failed() {
        return failed.sum();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
