package dev.freshet.learners.stream;

import dev.freshet.core.definition.ModelDefinition;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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

    private final ModelDefinition model;
    private final OnlineLearner learner;
    private final ProgressiveValidation validation;
    private final TopicWorker worker;
    private boolean closed;

    private LearnerWorker(Builder b) {
        this.model = b.model;
        ExampleLayout layout = ExampleLayout.of(b.model);
        this.validation = b.validation != null ? b.validation : defaultValidation(b.model.name());
        ModelCheckpoints checkpoints = ModelCheckpoints.open(b.checkpointRoot, b.model.name(), b.keepVersions, b.pinned);
        OnlineLearner restoredOrNew = null;
        try {
            Optional<LearnerSnapshot> latest = checkpoints.latest();
            if (latest.isPresent()) {
                restoredOrNew = Learners.restore(latest.get(), model.options(), layout);
                if (b.serving != null) {
                    b.serving.publish(latest.get());
                }
                log.info("model {}: restored {} ({} examples learnt) from {}", model.name(),
                        TopicWorker.versionName(model.name(), latest.get().provenance().version()), restoredOrNew.examplesSeen(),
                        checkpoints.dir());
            } else {
                restoredOrNew = Learners.create(model.options(), layout);
            }
            this.learner = restoredOrNew;
            Duration interval = b.publishInterval != null ? b.publishInterval : b.model.publishInterval();
            TopicWorker.Plan plan = new TopicWorker.Plan("model " + model.name(), model.name(), model.examplesTopic(), interval,
                    provenance(model, layout, b.freshetVersion), latest.orElse(null));
            Map<String, Object> consumer = new HashMap<>(b.consumerOverrides);
            consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
            ServingModel serving = b.serving;
            this.worker = TopicWorker.start(plan, new ModelTrainee(learner, validation, model.name()), checkpoints,
                    serving == null ? null : serving::publish, b.clock, consumer);
        } catch (RuntimeException e) {
            if (restoredOrNew != null) {
                restoredOrNew.close();
            }
            checkpoints.close();
            throw e;
        }
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

    /** A model learning examples, each scored first (progressive validation). */
    private static final class ModelTrainee implements Trainee {
        private final OnlineLearner learner;
        private final ProgressiveValidation validation;
        private final ExampleReader reader;
        // the learner's own layout instance: an example of another (equal) instance costs an equals() per learn
        private final Example example;

        ModelTrainee(OnlineLearner learner, ProgressiveValidation validation, String model) {
            this.learner = learner;
            this.validation = validation;
            this.reader = new ExampleReader(learner.layout(), model);
            this.example = learner.layout().newExample();
        }

        @Override
        public void learn(byte[] record) {
            double label = reader.read(record, example);
            validation.record(learner.learn(example, label, 1.0), label);
        }

        @Override
        public long learnt() {
            return learner.examplesSeen();
        }

        @Override
        public LearnerSnapshot snapshot(Provenance provenance) {
            return learner.snapshot(provenance);
        }

        @Override
        public String progress() {
            Metrics m = validation.metrics();
            return "rolling log loss " + fmt(m.logLoss()) + ", AUC " + fmt(m.auc());
        }
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(java.util.Locale.ROOT, "%.4f", v);
    }

    public ModelDefinition model() {
        return model;
    }

    /** Examples learnt since this worker started. */
    public long examplesLearnt() {
        return worker.learnt();
    }

    /** Example records skipped as unreadable (each logged, the first few in full). */
    public long examplesSkipped() {
        return worker.skipped();
    }

    /** Versions published since this worker started. */
    public long versionsPublished() {
        return worker.versionsPublished();
    }

    /** Examples in the topic not yet learnt, or -1 before the first fetch. */
    public long lag() {
        return worker.lag();
    }

    /** The progressive validation of this worker's examples. */
    public ProgressiveValidation validation() {
        return validation;
    }

    public Optional<Throwable> failure() {
        return worker.failure();
    }

    /** Asks for a checkpoint and publication after the current poll, whatever the interval. */
    public void requestPublish() {
        worker.requestPublish();
    }

    /** Stops after a last checkpoint and publication. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        worker.close();
        learner.close();
    }

    /** Stops without the last checkpoint, as a crash would: for tests of recovery. */
    synchronized void halt() {
        if (closed) {
            return;
        }
        closed = true;
        worker.halt();
        learner.close();
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
        private int keepVersions;
        private Set<Long> pinned = Set.of();
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

        /**
         * Keeps the latest {@code keep} published versions under {@code <root>/<model>/versions/}, and
         * {@code pinned} ones besides; none by default.
         */
        public Builder keepVersions(int keep, Set<Long> pinned) {
            if (keep < 0) {
                throw new IllegalArgumentException("keep must not be negative: " + keep);
            }
            this.keepVersions = keep;
            this.pinned = Set.copyOf(pinned);
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
            return new LearnerWorker(this);
        }
    }
}
