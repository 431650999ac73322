package dev.freshet.bench.freshness;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;

/**
 * A plain consumer of one topic (no group, every partition from its end) that timestamps the first
 * record of each probe entity, for one {@link Probes.Stage}. On the raw topic, read uncommitted, it is
 * the benchmark's anchor: Kafka's own produce-to-consume latency through the same broker, for the
 * same records, in the same run. On the pipeline's topics, read committed as the next stage reads
 * them, it splits the end-to-end delay into stages. Runs on its own thread until {@link #close()}.
 */
final class TopicWatcher implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Probes probes;
    private final Probes.Stage stage;
    private final Function<byte[], String> entityOfKey;
    private final Thread thread;
    private volatile Throwable failure;

    private TopicWatcher(KafkaConsumer<byte[], byte[]> consumer, Probes probes, Probes.Stage stage, Function<byte[], String> entityOfKey) {
        this.consumer = consumer;
        this.probes = probes;
        this.stage = stage;
        this.entityOfKey = entityOfKey;
        this.thread = new Thread(this::run, "freshness-watcher-" + stage.name().toLowerCase(java.util.Locale.ROOT));
        this.thread.setDaemon(true);
    }

    /**
     * Assigns every partition of {@code topic} at its end, and starts watching.
     *
     * @param committed   read committed (as the pipeline's next stage does) or uncommitted
     * @param entityOfKey the entity id in a record key (null when the key holds none)
     */
    static TopicWatcher start(String bootstrap, String topic, boolean committed, Probes probes, Probes.Stage stage,
                              Function<byte[], String> entityOfKey) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committed ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end offsets now, before any probe is sent
        TopicWatcher watcher = new TopicWatcher(consumer, probes, stage, entityOfKey);
        watcher.thread.start();
        return watcher;
    }

    private void run() {
        try {
            while (true) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (r.key() == null) {
                        continue;
                    }
                    String entity = entityOfKey.apply(r.key());
                    int n = entity == null ? -1 : Probes.parse(entity);
                    if (n >= 0) {
                        probes.seen(stage, n, now);
                    }
                }
            }
        } catch (WakeupException closing) {
            // close() woke the consumer up
        } catch (Throwable t) {
            failure = t;
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(10_000);
        if (failure != null) {
            throw new IllegalStateException("the " + stage + " watcher failed", failure);
        }
    }
}
