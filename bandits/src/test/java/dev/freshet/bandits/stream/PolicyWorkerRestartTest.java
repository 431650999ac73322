package dev.freshet.bandits.stream;

import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.core.definition.PolicyKind;
import dev.freshet.core.definition.RewardSpec;
import dev.freshet.ingest.broker.EmbeddedKafka;
import dev.freshet.ingest.testing.TestProducer;
import dev.freshet.ingest.topic.TopicAdmin;
import dev.freshet.ingest.topic.TopicSpec;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.stream.ModelCheckpoints;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A policy worker that crashes between checkpoints and restarts learns every outcome exactly once: its
 * final policy is byte for byte the policy of a run that was never interrupted.
 *
 * <p>The crash is made by putting back the checkpoint file of before the crash once the first worker has
 * stopped: what a restart finds on disk after a crash, without the worker's last checkpoint. (TopicWorker's
 * {@code halt()} is package-private to the learners' package, so a policy worker cannot call it.)
 */
class PolicyWorkerRestartTest {

    private static final int N = 1_500;
    private static final List<String> ACTIONS = List.of("a", "b", "c");

    @TempDir
    static Path dir;
    private static EmbeddedKafka kafka;
    /** The outcomes as logged; the record at {@link #UNREADABLE} is a decision without its reward. */
    private static final List<Outcome> OUTCOMES = new ArrayList<>();
    private static final int UNREADABLE = N / 2;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < N; i++) {
            double x = random.nextDouble() * 2 - 1;
            String device = random.nextBoolean() ? "ios" : "android";
            int a = random.nextInt(ACTIONS.size());
            // b pays on iOS, c when x is high, a rarely
            double p = switch (a) {
                case 0 -> 0.1;
                case 1 -> device.equals("ios") ? 0.8 : 0.2;
                default -> 0.5 + 0.4 * x;
            };
            Map<String, Object> inputs = new LinkedHashMap<>();
            inputs.put("x", x);
            inputs.put("device", device);
            DecisionRecord d = new DecisionRecord("d" + i, "pending", "pending-v0", 1_700_000_000_000L + i, Map.of("user_id", "u" + (i % 7)),
                    inputs, ACTIONS, List.of(1 / 3.0, 1 / 3.0, 1 / 3.0), ACTIONS.get(a), 1 / 3.0);
            OUTCOMES.add(new Outcome(d, random.nextDouble() < p ? 1 : 0, 1, d.timestamp() + 100));
        }
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    /** One partition, so that every run reads the outcomes in one order and the policy's result is deterministic. */
    private static BanditDefinition createBandit(String name) {
        BanditOptions d = BanditOptions.defaults();
        BanditOptions options = new BanditOptions(d.epsilon(), 0.5, d.lambda(), d.v(), d.thompson(), BanditOptions.PER_ACTION, 8,
                0.01, d.samples(), 3, "");
        BanditDefinition b = new BanditDefinition(name, PolicyKind.LIN_UCB, ACTIONS, List.of(), List.of("x", "device"),
                new RewardSpec("rewards", "decision_id", "reward", Duration.ofMinutes(1), 0, RewardSpec.Aggregate.FIRST), options,
                Duration.ofHours(1));
        try (TopicAdmin admin = TopicAdmin.connect(kafka.bootstrapServers())) {
            admin.ensure(List.of(new TopicSpec(b.outcomesTopic(), 1, OptionalInt.of(1), Map.of(), "outcomes")));
        }
        return b;
    }

    private static void produce(BanditDefinition b, int from, int to) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Outcome o = OUTCOMES.get(i);
            DecisionRecord d = o.decision();
            DecisionRecord ofBandit = new DecisionRecord(d.decisionId(), b.name(), b.name() + "-v0", d.timestamp(), d.entities(), d.inputs(),
                    d.candidates(), d.distribution(), d.action(), d.probability());
            byte[] value = i == UNREADABLE ? DecisionJson.encode(ofBandit) : DecisionJson.encode(new Outcome(ofBandit, o.reward(), o.rewards(),
                    o.rewardTimestamp()));
            records.add(new ProducerRecord<>(b.outcomesTopic(), d.decisionId().getBytes(StandardCharsets.UTF_8), value));
        }
        TestProducer.send(kafka.bootstrapServers(), records);
    }

    private static PolicyWorker worker(BanditDefinition b, Path checkpoints, ServingPolicy serving) {
        return PolicyWorker.start(b, kafka.bootstrapServers(), checkpoints, serving, Clock.systemUTC(), "test", null, Map.of());
    }

    private static void await(String what, PolicyWorker w, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(w.failure()).as(what).isEmpty();
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aCrashBetweenCheckpointsNeitherSkipsNorRepeatsAnOutcome() throws Exception {
        BanditDefinition straight = createBandit("straight");
        produce(straight, 0, N);
        Path straightStore = dir.resolve("straight-store");
        try (ServingPolicy serving = ServingPolicy.untrained(straight)) {
            PolicyWorker w = worker(straight, straightStore, serving);
            await("the uninterrupted run read every outcome", w, () -> w.outcomesLearnt() + w.outcomesSkipped() == N);
            w.close();
            assertThat(w.outcomesSkipped()).isEqualTo(1);
            assertThat(serving.outcomesLearnt()).isEqualTo(N - 1);
            assertThat(serving.version()).isEqualTo("straight-v1");
        }
        LearnerSnapshot expected = ModelCheckpoints.read(straightStore, "straight").orElseThrow();
        assertThat(expected.provenance().examplesSeen()).isEqualTo(N - 1);

        BanditDefinition crashing = createBandit("crashing");
        Path store = dir.resolve("crashing-store");
        Path file = ModelCheckpoints.directory(store, "crashing").resolve("model.snapshot");
        Path beforeCrash = dir.resolve("before-crash.snapshot");
        produce(crashing, 0, N / 3);
        PolicyWorker first = worker(crashing, store, null);
        await("the first third is learnt", first, () -> first.outcomesLearnt() == N / 3);
        first.requestPublish();
        await("the first checkpoint", first, () -> first.versionsPublished() == 1);
        Files.copy(file, beforeCrash);
        produce(crashing, N / 3, 2 * N / 3);
        await("the second third is read", first, () -> first.outcomesLearnt() + first.outcomesSkipped() == 2 * N / 3);
        first.close();
        // the crash: the second third was learnt but its checkpoint never written, so the restart must learn it again, once
        Files.copy(beforeCrash, file, StandardCopyOption.REPLACE_EXISTING);
        assertThat(ModelCheckpoints.read(store, "crashing").orElseThrow().provenance().offsets()).isEqualTo(Map.of(0, (long) N / 3));

        produce(crashing, 2 * N / 3, N);
        try (ServingPolicy serving = ServingPolicy.untrained(crashing)) {
            PolicyWorker second = worker(crashing, store, serving);
            assertThat(serving.outcomesLearnt()).as("the restart serves its checkpoint at once").isEqualTo(N / 3);
            assertThat(serving.version()).isEqualTo("crashing-v1");
            await("the restart read the rest", second, () -> second.outcomesLearnt() + second.outcomesSkipped() == N - N / 3);
            second.close();
            assertThat(second.outcomesLearnt()).isEqualTo(N - N / 3 - 1);
            assertThat(second.outcomesSkipped()).as("the decision without a reward, read again after the crash").isEqualTo(1);
            assertThat(serving.outcomesLearnt()).isEqualTo(N - 1);
            assertThat(serving.version()).isEqualTo("crashing-v2");
        }
        LearnerSnapshot actual = ModelCheckpoints.read(store, "crashing").orElseThrow();
        assertThat(actual.provenance().examplesSeen()).isEqualTo(N - 1);
        assertThat(actual.provenance().offsets()).isEqualTo(Map.of(0, (long) N));
        assertThat(actual.provenance().version()).isEqualTo(2);
        assertThat(actual.state()).as("the policy learnt the same outcomes, each once, in the same order").isEqualTo(expected.state());
    }
}
