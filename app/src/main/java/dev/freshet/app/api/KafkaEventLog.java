package dev.freshet.app.api;

import dev.freshet.bandits.stream.BanditTopics;
import dev.freshet.bandits.stream.DecisionJson;
import dev.freshet.bandits.stream.DecisionRecord;
import dev.freshet.learners.stream.LoggedPrediction;
import dev.freshet.learners.stream.OutcomeJoin;
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
 * Logs what the API serves to Kafka with an idempotent producer (acks from all replicas, no
 * duplicates on retry): predictions to {@value TrainingTopics#PREDICTIONS}, decisions to
 * {@value BanditTopics#DECISIONS} and rewards to {@value BanditTopics#REWARDS}, each keyed by its
 * prediction or decision id so that the joins find a subject and its outcomes in one partition. The
 * request does not wait for the write: a write that fails after Kafka's retries is counted and logged,
 * and the request still gets its answer. Thread-safe; {@link #close} flushes what is pending and is
 * idempotent.
 */
public final class KafkaEventLog implements PredictionLog, DecisionLog, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaEventLog.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final LongAdder logged = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private volatile boolean closed;

    private KafkaEventLog(KafkaProducer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    /** A log writing to the cluster at {@code bootstrapServers}; connects lazily. */
    public static KafkaEventLog connect(String bootstrapServers, String project) {
        Map<String, Object> settings = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, project + "-served",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                // a few milliseconds of batching: many predictions per request to the broker
                ProducerConfig.LINGER_MS_CONFIG, 5,
                // a request never blocks long on a full buffer or missing metadata
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
        return new KafkaEventLog(new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    @Override
    public void log(LoggedPrediction prediction) {
        send(TrainingTopics.PREDICTIONS, prediction.predictionId(), TrainingJson.encode(prediction), "a prediction of model "
                + prediction.model());
    }

    @Override
    public void log(DecisionRecord decision) {
        send(BanditTopics.DECISIONS, decision.decisionId(), DecisionJson.encode(decision), "a decision of bandit " + decision.bandit());
    }

    @Override
    public void reward(String decisionId, double reward, long timestamp) {
        send(BanditTopics.REWARDS, decisionId, OutcomeJoin.apiOutcome(decisionId, reward, timestamp), "a reward of decision " + decisionId);
    }

    private void send(String topic, String key, byte[] value, String what) {
        if (closed) {
            throw new IllegalStateException("the event log is closed");
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
        try {
            producer.send(record, (meta, e) -> {
                if (e == null) {
                    logged.increment();
                } else {
                    failed.increment();
                    log.warn("{} was not logged to {}: {} ({} failed so far)", what, topic, e.toString(), failed.sum());
                }
            });
        } catch (KafkaException e) {
            failed.increment();
            log.warn("{} was not logged to {}: {}", what, topic, e.toString());
        }
    }

    /** Records written. */
    public long logged() {
        return logged.sum();
    }

    /** Records that could not be written (lost to training). */
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
