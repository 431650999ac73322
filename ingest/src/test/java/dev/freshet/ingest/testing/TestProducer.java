package dev.freshet.ingest.testing;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Produces records in tests: one short-lived producer per call, acks=all, flushed before returning. */
public final class TestProducer {

    private TestProducer() {
    }

    /** Sends {@code records} in order and waits until every one is acknowledged. */
    public static void send(String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.CLIENT_ID_CONFIG, "freshet-test-producer"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> futures = records.stream().map(producer::send).toList();
            producer.flush();
            for (Future<RecordMetadata> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while producing", e);
        } catch (ExecutionException e) {
            throw new AssertionError("cannot produce to " + bootstrapServers + ": " + e.getCause(), e.getCause());
        }
    }

    /** Sends UTF-8 {@code values} with no key to {@code topic}, in order (e.g. raw JSON events). */
    public static void sendValues(String bootstrapServers, String topic, List<String> values) {
        send(bootstrapServers, values.stream().map(v -> record(topic, null, v)).toList());
    }

    /** A record with a UTF-8 key (may be null) and value. */
    public static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
