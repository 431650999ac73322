package dev.freshet.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * The anchor of the end-to-end benchmarks: how fast a plain consumer reads a topic from the
 * beginning on this machine, touching every record and doing nothing else.
 */
public final class RawConsume {

    private RawConsume() {
    }

    /**
     * Reads {@code expected} records of {@code topic} from the beginning of every partition.
     *
     * @param readCommitted read with {@code isolation.level=read_committed}, as Freshet's consumers do
     * @return the nanoseconds it took
     */
    public static long nanos(String bootstrap, String topic, long expected, boolean readCommitted, int maxPollRecords) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        if (readCommitted) {
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long start = System.nanoTime();
            long n = 0;
            long bytes = 0;
            while (n < expected) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (var r : records) {
                    bytes += r.value().length; // touch every record, as a real consumer would
                }
                n += records.count();
            }
            if (bytes == 0) {
                throw new IllegalStateException("read nothing");
            }
            return System.nanoTime() - start;
        }
    }
}
