package dev.freshet.learners.stream;

import dev.freshet.core.definition.ModelVersion;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Provenance;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Trains one {@link Trainee} from one topic, for as long as it runs: the loop shared by the learner
 * workers of models and the policy workers of bandits.
 *
 * <p>Every publish interval it checkpoints the trainee together with the offsets of the records it
 * has learnt, then hands the same snapshot to {@code onPublish} (serving): a new version. It starts
 * at the offsets of the checkpoint it was given, so a restart (or a crash) neither skips nor repeats a
 * record. The topic is read with {@code read_committed} from assigned partitions: the checkpoint, not a
 * consumer group, holds the position. Runs on a thread of its own; {@link #close} stops it after a last
 * checkpoint and is idempotent.
 */
public final class TopicWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicWorker.class);
    private static final Duration POLL = Duration.ofMillis(100);

    /**
     * What a worker trains and from where.
     *
     * @param what            for logs: {@code model ctr}, {@code bandit homepage}
     * @param name            the model's or bandit's name (versions are {@code <name>-v<n>})
     * @param topic           the topic of records to learn
     * @param publishInterval how often to checkpoint and publish
     * @param base            the provenance of its snapshots (its version and offsets are set at each publication)
     * @param restored        the checkpoint the trainee was restored from, or null for a new one
     */
    public record Plan(String what, String name, String topic, Duration publishInterval, Provenance base, LearnerSnapshot restored) {
    }

    private final Plan plan;
    private final Trainee trainee;
    private final ModelCheckpoints checkpoints;
    private final Consumer<LearnerSnapshot> onPublish;
    private final Clock clock;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** The checkpoint's offsets, by partition, until the partitions are known. */
    private final Map<Integer, Long> restored = new HashMap<>();
    /** The next offset to learn, by partition (-1: none learnt or restored); an array, so a record costs no boxing. */
    private long[] next = new long[0];
    private long version;
    private long learntAtPublish;
    private long lastPublish;
    private volatile long learnt;
    private volatile long skipped;
    private volatile long published;
    private volatile long lag = -1;
    private volatile boolean stopping;
    private volatile boolean halted;
    private volatile boolean publishRequested;
    private boolean closed;

    /**
     * Starts a worker; it owns {@code checkpoints} from now on and closes them.
     *
     * @param onPublish      where each new version goes (serving), after its checkpoint is written
     * @param consumerConfig Kafka consumer settings over the worker's (bootstrap servers among them)
     */
    public static TopicWorker start(Plan plan, Trainee trainee, ModelCheckpoints checkpoints, Consumer<LearnerSnapshot> onPublish,
                                    Clock clock, Map<String, Object> consumerConfig) {
        TopicWorker w = new TopicWorker(plan, trainee, checkpoints, onPublish, clock, consumerConfig);
        w.thread.start();
        return w;
    }

    private TopicWorker(Plan plan, Trainee trainee, ModelCheckpoints checkpoints, Consumer<LearnerSnapshot> onPublish, Clock clock,
                        Map<String, Object> consumerConfig) {
        this.plan = plan;
        this.trainee = trainee;
        this.checkpoints = checkpoints;
        this.onPublish = onPublish;
        this.clock = clock;
        if (plan.restored() != null) {
            version = plan.restored().provenance().version();
            restored.putAll(plan.restored().provenance().offsets());
        }
        learntAtPublish = trainee.learnt();
        Properties p = new Properties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "freshet-" + plan.what().replace(' ', '-'));
        p.putAll(consumerConfig);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "freshet-" + plan.what().replace(' ', '-'));
        this.thread.setDaemon(true);
    }

    /** The name of a version: {@code <name>-v<number>}. */
    public static String versionName(String name, long version) {
        return ModelVersion.name(name, version);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = partitions();
            consumer.assign(partitions);
            next = offsetsArray(partitions);
            for (TopicPartition tp : partitions) {
                Long offset = restored.get(tp.partition());
                if (offset != null) {
                    consumer.seek(tp, offset);
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
            }
            lastPublish = clock.millis();
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(POLL);
                } catch (WakeupException e) {
                    break; // close() woke the poll: stop, with the last checkpoint below
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    learn(r);
                }
                updateLag(partitions);
                if (publishRequested || clock.millis() - lastPublish >= plan.publishInterval().toMillis()) {
                    publishRequested = false;
                    publish();
                }
            }
            if (!halted) {
                publish();
            }
        } catch (WakeupException e) {
            if (!stopping) {
                fail(e);
            }
            // woken while looking up partitions or seeking: nothing was learnt since the last checkpoint
        } catch (RuntimeException | Error e) {
            fail(e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void fail(Throwable e) {
        failure.compareAndSet(null, e);
        log.error("the worker of {} failed and stops: {}", plan.what(), e.toString(), e);
    }

    private List<TopicPartition> partitions() {
        String topic = plan.topic();
        while (!stopping) {
            List<PartitionInfo> info = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (info != null && !info.isEmpty()) {
                List<TopicPartition> out = new ArrayList<>();
                info.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
                return out;
            }
            log.warn("{}: topic {} does not exist yet; waiting for it", plan.what(), topic);
        }
        return List.of();
    }

    private long[] offsetsArray(List<TopicPartition> partitions) {
        int size = partitions.stream().mapToInt(TopicPartition::partition).max().orElse(-1) + 1;
        for (int p : restored.keySet()) {
            size = Math.max(size, p + 1);
        }
        long[] offsets = new long[size];
        Arrays.fill(offsets, -1);
        restored.forEach((p, o) -> offsets[p] = o);
        return offsets;
    }

    /** The offsets a checkpoint records: every partition learnt from or restored. */
    private Map<Integer, Long> offsetsMap() {
        Map<Integer, Long> out = new HashMap<>(restored);
        for (int p = 0; p < next.length; p++) {
            if (next[p] >= 0) {
                out.put(p, next[p]);
            }
        }
        return out;
    }

    private void learn(ConsumerRecord<byte[], byte[]> r) {
        next[r.partition()] = r.offset() + 1;
        try {
            trainee.learn(r.value());
        } catch (InvalidInputException e) {
            skipped++;
            if (Long.bitCount(skipped) == 1) { // the 1st, 2nd, 4th, 8th, ...: visible, never a flood
                log.warn("{}: skipped the record at {}-{} offset {}: {} ({} skipped so far)", plan.what(),
                        r.topic(), r.partition(), r.offset(), e.getMessage(), skipped);
            }
            return;
        }
        learnt++;
    }

    private void updateLag(List<TopicPartition> partitions) {
        long total = 0;
        for (TopicPartition tp : partitions) {
            OptionalLong l = consumer.currentLag(tp);
            if (l.isEmpty()) {
                return;
            }
            total += l.getAsLong();
        }
        lag = total;
    }

    private void publish() {
        lastPublish = clock.millis();
        if (trainee.learnt() == learntAtPublish) {
            return;
        }
        version++;
        LearnerSnapshot snapshot = trainee.snapshot(plan.base().withVersion(version, offsetsMap(), clock.millis()));
        checkpoints.save(snapshot);
        learntAtPublish = trainee.learnt();
        if (onPublish != null) {
            onPublish.accept(snapshot);
        }
        published++;
        String progress = trainee.progress();
        log.info("{}: published {} after {} records{}", plan.what(), versionName(plan.name(), version), learntAtPublish,
                progress.isEmpty() ? "" : " (" + progress + ")");
    }

    /** Records learnt since this worker started. */
    public long learnt() {
        return learnt;
    }

    /** Records skipped as unreadable (each logged, the first few in full). */
    public long skipped() {
        return skipped;
    }

    /** Versions published since this worker started. */
    public long versionsPublished() {
        return published;
    }

    /** Records in the topic not yet learnt, or -1 before the first fetch. */
    public long lag() {
        return lag;
    }

    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Asks for a checkpoint and publication after the current poll, whatever the interval. */
    public void requestPublish() {
        publishRequested = true;
    }

    /** Stops after a last checkpoint and publication. Idempotent. */
    @Override
    public synchronized void close() {
        stop(false);
    }

    /** Stops without the last checkpoint, as a crash would: for tests of recovery. */
    synchronized void halt() {
        stop(true);
    }

    private void stop(boolean crash) {
        if (closed) {
            return;
        }
        closed = true;
        halted = crash;
        stopping = true;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        checkpoints.close();
    }
}
