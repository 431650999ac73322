package dev.freshet.bandits.stream;

import dev.freshet.bandits.Policies;
import dev.freshet.bandits.Policy;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Provenance;
import dev.freshet.learners.stream.ModelCheckpoints;
import dev.freshet.learners.stream.TopicWorker;
import dev.freshet.learners.stream.Trainee;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * Trains one bandit's policy from its outcomes topic (decisions joined with rewards), for as long as
 * it runs: a {@link TopicWorker}, so it checkpoints the policy with the offsets of the outcomes it has
 * learnt under {@code <model_store.path>/<bandit>/}, publishes each version to the serving policy, and
 * a restart neither skips nor repeats an outcome. {@link #close} stops it after a last checkpoint.
 */
public final class PolicyWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PolicyWorker.class);

    private final BanditDefinition bandit;
    private final Policy policy;
    private final PolicyTrainee trainee;
    private final TopicWorker worker;
    private boolean closed;

    private PolicyWorker(BanditDefinition bandit, Policy policy, PolicyTrainee trainee, TopicWorker worker) {
        this.bandit = bandit;
        this.policy = policy;
        this.trainee = trainee;
        this.worker = worker;
    }

    /**
     * Restores the bandit's latest checkpoint, if any (and publishes it to {@code serving}), and starts learning.
     *
     * @param serving where versions go, or null
     * @throws dev.freshet.core.error.TransientException when another worker trains the bandit
     * @throws IllegalArgumentException when the checkpoint is of other options or context than the bandit's now
     */
    public static PolicyWorker start(BanditDefinition bandit, String bootstrapServers, Path checkpointRoot, ServingPolicy serving,
                                     Clock clock, String freshetVersion, Duration publishInterval, Map<String, Object> consumerOverrides) {
        ExampleLayout layout = serving != null ? serving.layout() : Policies.layout(bandit);
        ModelCheckpoints checkpoints = ModelCheckpoints.open(checkpointRoot, bandit.name());
        Policy policy = null;
        try {
            Optional<LearnerSnapshot> latest = checkpoints.latest();
            if (latest.isPresent()) {
                policy = Policies.restore(latest.get(), bandit, layout);
                if (serving != null) {
                    serving.publish(latest.get());
                }
                log.info("bandit {}: restored {} ({} outcomes learnt) from {}", bandit.name(),
                        TopicWorker.versionName(bandit.name(), latest.get().provenance().version()), policy.outcomesLearnt(), checkpoints.dir());
            } else {
                policy = Policies.create(bandit, layout);
            }
            Provenance base = Policies.provenance(bandit, layout, freshetVersion);
            TopicWorker.Plan plan = new TopicWorker.Plan("bandit " + bandit.name(), bandit.name(), bandit.outcomesTopic(),
                    publishInterval != null ? publishInterval : bandit.publishInterval(), base, latest.orElse(null));
            Map<String, Object> consumer = new HashMap<>(consumerOverrides);
            consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            PolicyTrainee trainee = new PolicyTrainee(policy, bandit.name());
            TopicWorker worker = TopicWorker.start(plan, trainee, checkpoints, serving == null ? null : serving::publish, clock, consumer);
            return new PolicyWorker(bandit, policy, trainee, worker);
        } catch (RuntimeException e) {
            if (policy != null) {
                policy.close();
            }
            checkpoints.close();
            throw e;
        }
    }

    /** A policy learning outcomes: the context as served, the action chosen, its propensity and its reward. */
    private static final class PolicyTrainee implements Trainee {
        private final Policy policy;
        private final String bandit;
        private final Example context;
        private final DoubleAdder rewards = new DoubleAdder();

        PolicyTrainee(Policy policy, String bandit) {
            this.policy = policy;
            this.bandit = bandit;
            this.context = policy.layout().newExample();
        }

        @Override
        public void learn(byte[] record) {
            Outcome o = DecisionJson.decodeOutcome(record);
            DecisionRecord d = o.decision();
            if (!d.bandit().equals(bandit)) {
                throw new InvalidInputException("it is an outcome of bandit " + d.bandit());
            }
            context.clear();
            ExampleLayout layout = policy.layout();
            for (int i = 0; i < layout.size(); i++) {
                context.set(i, d.inputs().get(layout.slots().get(i).name()));
            }
            try {
                policy.learn(context, d.action(), o.reward(), d.probability());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(e.getMessage());
            }
            rewards.add(o.reward());
        }

        @Override
        public long learnt() {
            return policy.outcomesLearnt();
        }

        @Override
        public LearnerSnapshot snapshot(Provenance provenance) {
            return policy.snapshot(provenance);
        }

        @Override
        public String progress() {
            long n = policy.outcomesLearnt();
            return n == 0 ? "" : String.format(java.util.Locale.ROOT, "mean reward %.4f", rewards.sum() / n);
        }
    }

    public BanditDefinition bandit() {
        return bandit;
    }

    /** Outcomes learnt since this worker started. */
    public long outcomesLearnt() {
        return worker.learnt();
    }

    /** Outcome records skipped as unreadable. */
    public long outcomesSkipped() {
        return worker.skipped();
    }

    public long versionsPublished() {
        return worker.versionsPublished();
    }

    /** Outcomes in the topic not yet learnt, or -1 before the first fetch. */
    public long lag() {
        return worker.lag();
    }

    /** The sum of the rewards learnt since this worker started. */
    public double rewardSum() {
        return trainee.rewards.sum();
    }

    public Optional<Throwable> failure() {
        return worker.failure();
    }

    public void requestPublish() {
        worker.requestPublish();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        worker.close();
        policy.close();
    }
}
