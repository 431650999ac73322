package dev.freshet.ingest.testing;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Reads the committed records of a topic from its beginning, for tests. Each call uses a fresh
 * consumer with no group (nothing is committed) and {@code isolation.level=read_committed}, so
 * records of open or aborted transactions are never returned.
 */
public final class TopicReader {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final Duration POLL = Duration.ofMillis(100);

    private TopicReader() {
    }

    /** {@link #readAll(String, String, Duration)} with the {@link #DEFAULT_TIMEOUT}. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic) {
        return readAll(bootstrapServers, topic, DEFAULT_TIMEOUT);
    }

    /**
     * Every committed record of {@code topic} up to its current end (the last stable offset of
     * each partition), ordered by partition, then offset.
     *
     * @throws AssertionError when the topic does not exist or the end is not reached within {@code timeout}
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrapServers, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers)) {
            List<TopicPartition> partitions = assignFromBeginning(consumer, topic, deadline, timeout);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, remaining(deadline));
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("read " + records.size() + " records of topic " + topic + " at "
                            + bootstrapServers + " but did not reach its end " + end + " within " + timeout);
                }
                consumer.poll(POLL).forEach(records::add);
            }
            records.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                    .thenComparingLong(ConsumerRecord::offset));
            return records;
        }
    }

    /** {@link #readAtLeast(String, String, int, Duration)} with the {@link #DEFAULT_TIMEOUT}. */
    public static List<ConsumerRecord<byte[], byte[]>> readAtLeast(String bootstrapServers, String topic, int count) {
        return readAtLeast(bootstrapServers, topic, count, DEFAULT_TIMEOUT);
    }

    /**
     * Polls {@code topic} from its beginning until at least {@code count} committed records have
     * arrived (waiting for the topic to be created, too), and returns all read so far, which may
     * be more than {@code count}, ordered by partition, then offset.
     *
     * @throws AssertionError when fewer than {@code count} have arrived within {@code timeout}
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAtLeast(String bootstrapServers, String topic, int count,
                                                                   Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrapServers)) {
            assignFromBeginning(consumer, topic, deadline, timeout);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (records.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("expected at least " + count + " records in topic " + topic + " at "
                            + bootstrapServers + " within " + timeout + ", found " + records.size());
                }
                consumer.poll(POLL).forEach(records::add);
            }
            records.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                    .thenComparingLong(ConsumerRecord::offset));
            return records;
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "freshet-test-topic-reader"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Waits for the topic to exist (its partitions to be known), then assigns them all from offset 0. */
    private static List<TopicPartition> assignFromBeginning(KafkaConsumer<byte[], byte[]> consumer, String topic,
                                                            long deadline, Duration timeout) {
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, remaining(deadline));
            if (!infos.isEmpty()) {
                List<TopicPartition> partitions = infos.stream()
                        .map(info -> new TopicPartition(topic, info.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                return partitions;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("topic " + topic + " does not exist (waited " + timeout + ")");
            }
            sleep(POLL);
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
