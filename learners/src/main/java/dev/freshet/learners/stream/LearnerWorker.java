package dev.freshet.learners.stream;

import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Learners;
import dev.freshet.learners.OnlineLearner;
import dev.freshet.learners.Provenance;
import dev.freshet.learners.Provenances;
import dev.freshet.learners.validation.Metrics;
import dev.freshet.learners.validation.PageHinkley;
import dev.freshet.learners.validation.ProgressiveValidation;

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

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Trains one model from its examples topic, for as long as it runs.
 *
 * <p>Each example is scored before it is learnt (progressive validation). Every publish interval
 * the worker checkpoints the model together with the offsets of the examples it has learnt, then
 * hands the same snapshot to serving: a new model version. On start it restores the latest
 * checkpoint and reads on from its offsets, so a restart (or a crash) neither skips nor repeats an
 * example. The examples topic is read with {@code read_committed} from assigned partitions: the
 * checkpoint, not a consumer group, holds the position.
 *
 * <p>Runs on a thread of its own. {@link #close} stops it after a last checkpoint; idempotent.
 */
public final class LearnerWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LearnerWorker.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final ModelDefinition model;
    private final ExampleLayout layout;
    private final ModelCheckpoints checkpoints;
    private final ServingModel serving;
    private final Clock clock;
    private final Duration publishInterval;
    private final Provenance base;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ProgressiveValidation validation;
    private final ExampleReader reader;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** The checkpoint's offsets, by partition, until the partitions are known. */
    private final Map<Integer, Long> restored = new HashMap<>();
    /** The next offset to learn, by partition (-1: none learnt or restored); an array, so a record costs no boxing. */
    private long[] next = new long[0];
    private OnlineLearner learner;
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

    private LearnerWorker(Builder b) {
        this.model = b.model;
        this.layout = ExampleLayout.of(b.model);
        this.serving = b.serving;
        this.clock = b.clock;
        this.publishInterval = b.publishInterval != null ? b.publishInterval : b.model.publishInterval();
        this.base = provenance(b.model, layout, b.freshetVersion);
        this.reader = new ExampleReader(layout, b.model.name());
        this.validation = b.validation != null ? b.validation : defaultValidation(b.model.name());
        this.checkpoints = ModelCheckpoints.open(b.checkpointRoot, b.model.name());
        try {
            Optional<LearnerSnapshot> latest = checkpoints.latest();
            if (latest.isPresent()) {
                learner = Learners.restore(latest.get(), model.options(), layout);
                version = latest.get().provenance().version();
                restored.putAll(latest.get().provenance().offsets());
                if (serving != null) {
                    serving.publish(latest.get());
                }
                log.info("model {}: restored {} ({} examples learnt) from {}", model.name(),
                        ServingModel.versionName(model.name(), version), learner.examplesSeen(), checkpoints.dir());
            } else {
                learner = Learners.create(model);
            }
            learntAtPublish = learner.examplesSeen();
            this.consumer = new KafkaConsumer<>(consumerProperties(b), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (RuntimeException e) {
            if (learner != null) {
                learner.close();
            }
            checkpoints.close();
            throw e;
        }
        this.thread = new Thread(this::run, "freshet-learner-" + model.name());
        this.thread.setDaemon(true);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The provenance of a model's snapshots before training: no examples, version 0, no offsets. */
    static Provenance provenance(ModelDefinition model, ExampleLayout layout, String freshetVersion) {
        return Provenances.of(model.name(), model.options(), layout, freshetVersion);
    }

    /** Rolling metrics over the last 10,000 examples, and a Page-Hinkley test on the log loss that logs each drift.
     * Its tolerance (0.05) and threshold (100) suit per-example log loss, whose variance is large: the detector's
     * defaults are for quieter signals and raise false alarms on it. */
    static ProgressiveValidation defaultValidation(String model) {
        return ProgressiveValidation.builder().driftDetector(new PageHinkley(0.05, 100, 30, 1.0)).onDrift(e -> log.warn(
                "model {}: its log loss drifted up after {} examples (rolling log loss {}, about {} before): the model is degrading;"
                        + " look at its inputs and labels", model, e.examplesSeen(), fmt(e.rollingLogLoss()), fmt(e.meanLossBefore())))
                .build();
    }

    private static Properties consumerProperties(Builder b) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "freshet-learner-" + b.model.name());
        p.putAll(b.consumerOverrides);
        return p;
    }

    private LearnerWorker begin() {
        thread.start();
        return this;
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
            // the learner's own layout instance: an example of another (equal) instance costs an equals() per learn
            Example example = learner.layout().newExample();
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(POLL);
                } catch (WakeupException e) {
                    break; // close() woke the poll: stop, with the last checkpoint below
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    learn(r, example);
                }
                updateLag(partitions);
                if (publishRequested || clock.millis() - lastPublish >= publishInterval.toMillis()) {
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
        log.error("the learner worker of model {} failed and stops: {}", model.name(), e.toString(), e);
    }

    private List<TopicPartition> partitions() {
        String topic = model.examplesTopic();
        while (!stopping) {
            List<PartitionInfo> info = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (info != null && !info.isEmpty()) {
                List<TopicPartition> out = new ArrayList<>();
                info.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
                return out;
            }
            log.warn("model {}: topic {} does not exist yet; waiting for it", model.name(), topic);
        }
        return List.of();
    }

    private long[] offsetsArray(List<TopicPartition> partitions) {
        int size = partitions.stream().mapToInt(TopicPartition::partition).max().orElse(-1) + 1;
        for (int p : restored.keySet()) {
            size = Math.max(size, p + 1);
        }
        long[] offsets = new long[size];
        java.util.Arrays.fill(offsets, -1);
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

    private void learn(ConsumerRecord<byte[], byte[]> r, Example example) {
        next[r.partition()] = r.offset() + 1;
        double label;
        try {
            label = reader.read(r.value(), example);
        } catch (InvalidInputException e) {
            skipped++;
            if (Long.bitCount(skipped) == 1) { // the 1st, 2nd, 4th, 8th, ...: visible, never a flood
                log.warn("model {}: skipped example at {}-{} offset {}: {} ({} skipped so far)", model.name(),
                        r.topic(), r.partition(), r.offset(), e.getMessage(), skipped);
            }
            return;
        }
        double score = learner.learn(example, label, 1.0);
        validation.record(score, label);
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
        if (learner.examplesSeen() == learntAtPublish) {
            return;
        }
        version++;
        LearnerSnapshot snapshot = learner.snapshot(base.withVersion(version, offsetsMap(), clock.millis()));
        checkpoints.save(snapshot);
        learntAtPublish = learner.examplesSeen();
        if (serving != null) {
            serving.publish(snapshot);
        }
        published++;
        Metrics m = validation.metrics();
        log.info("model {}: published {} after {} examples (rolling log loss {}, AUC {})", model.name(),
                ServingModel.versionName(model.name(), version), learntAtPublish, fmt(m.logLoss()), fmt(m.auc()));
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(java.util.Locale.ROOT, "%.4f", v);
    }

    public ModelDefinition model() {
        return model;
    }

    /** Examples learnt since this worker started. */
    public long examplesLearnt() {
        return learnt;
    }

    /** Example records skipped as unreadable (each logged, the first few in full). */
    public long examplesSkipped() {
        return skipped;
    }

    /** Versions published since this worker started. */
    public long versionsPublished() {
        return published;
    }

    /** Examples in the topic not yet learnt, or -1 before the first fetch. */
    public long lag() {
        return lag;
    }

    /** The progressive validation of this worker's examples. */
    public ProgressiveValidation validation() {
        return validation;
    }

    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Stops after a last checkpoint and publication. Idempotent. */
    @Override
    public synchronized void close() {
        stop(false);
    }

    /** Asks for a checkpoint and publication after the current poll, whatever the interval. */
    public void requestPublish() {
        publishRequested = true;
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
        learner.close();
        checkpoints.close();
    }

    /** Configures a worker; {@link #start} checks the settings and starts it. */
    public static final class Builder {
        private ModelDefinition model;
        private String bootstrapServers;
        private Path checkpointRoot;
        private ServingModel serving;
        private Clock clock = Clock.systemUTC();
        private Duration publishInterval;
        private String freshetVersion = "unknown";
        private ProgressiveValidation validation;
        private final Map<String, Object> consumerOverrides = new HashMap<>();

        private Builder() {
        }

        public Builder model(ModelDefinition value) {
            this.model = Objects.requireNonNull(value, "model");
            return this;
        }

        public Builder bootstrapServers(String value) {
            this.bootstrapServers = Objects.requireNonNull(value, "bootstrapServers");
            return this;
        }

        /** The model store's root: checkpoints go to {@code <root>/<model>/}. */
        public Builder checkpoints(Path root) {
            this.checkpointRoot = Objects.requireNonNull(root, "checkpoints");
            return this;
        }

        /** Where new versions are published; none for a worker that only checkpoints. */
        public Builder serving(ServingModel value) {
            this.serving = value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Overrides the model's {@code publish_interval}. */
        public Builder publishInterval(Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("publishInterval must be positive, not " + value);
            }
            this.publishInterval = value;
            return this;
        }

        public Builder freshetVersion(String value) {
            this.freshetVersion = Objects.requireNonNull(value, "freshetVersion");
            return this;
        }

        /** The progressive validation to record into (its window and drift detector); a default one otherwise. */
        public Builder validation(ProgressiveValidation value) {
            this.validation = Objects.requireNonNull(value, "validation");
            return this;
        }

        /** Kafka consumer settings that override the worker's. */
        public Builder consumerOverride(String key, Object value) {
            consumerOverrides.put(key, value);
            return this;
        }

        /**
         * Restores the latest checkpoint, if any, and starts training.
         *
         * @throws IllegalStateException when the model, brokers or checkpoint root is missing
         * @throws dev.freshet.core.error.TransientException when another worker trains the model
         * @throws IllegalArgumentException when the checkpoint is of other options or inputs than the model's now
         */
        public LearnerWorker start() {
            if (model == null || bootstrapServers == null || checkpointRoot == null) {
                throw new IllegalStateException("a learner worker needs a model, bootstrap servers and a checkpoint root");
            }
            if (serving != null && !serving.model().equals(model)) {
                throw new IllegalArgumentException("the serving model is " + serving.model().name() + ", not " + model.name());
            }
            return new LearnerWorker(this).begin();
        }
    }
}
