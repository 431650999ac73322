package dev.freshet.learners.stream;

import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.ingest.broker.EmbeddedKafka;
import dev.freshet.ingest.testing.TestProducer;
import dev.freshet.ingest.topic.TopicAdmin;
import dev.freshet.ingest.topic.TopicSpec;
import dev.freshet.learners.LearnerSnapshot;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A learner worker that crashes between checkpoints and restarts learns every example exactly once:
 * its final model is byte for byte the model of a run that was never interrupted.
 */
class LearnerWorkerRestartTest {

    private static final int N = 3_000;

    @TempDir
    static Path dir;
    private static EmbeddedKafka kafka;
    private static final List<TrainingExample> EXAMPLES = new ArrayList<>();

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < N; i++) {
            long clicks = random.nextInt(10);
            double spend = random.nextDouble() * 50;
            String item = "i" + random.nextInt(20);
            double margin = -1 + 0.4 * clicks - 0.05 * spend + (item.equals("i3") ? 2 : 0);
            double label = random.nextDouble() < 1 / (1 + Math.exp(-margin)) ? 1 : 0;
            LoggedPrediction p = TrainingFixtures.prediction("p" + i, 1_700_000_000_000L + i, item, i % 24, clicks, spend, "i" + random.nextInt(20));
            EXAMPLES.add(new TrainingExample(p, label, true, p.timestamp() + 1));
        }
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    /** One partition, so that every run reads the examples in one order and FTRL's result is deterministic. */
    private static ModelDefinition createModel(String name) {
        ModelDefinition ctr = TrainingFixtures.ctr();
        ModelDefinition m = new ModelDefinition(name, ctr.learner(), ctr.features(), ctr.context(), ctr.interactions(), ctr.label(),
                ctr.options(), Duration.ofHours(1));
        try (TopicAdmin admin = TopicAdmin.connect(kafka.bootstrapServers())) {
            admin.ensure(List.of(new TopicSpec(m.examplesTopic(), 1, OptionalInt.of(1), Map.of(), "examples")));
        }
        return m;
    }

    private static void produce(ModelDefinition m, int from, int to) {
        TestProducer.send(kafka.bootstrapServers(), EXAMPLES.subList(from, to).stream().map(e -> {
            LoggedPrediction p = e.prediction();
            LoggedPrediction ofModel = new LoggedPrediction(p.predictionId(), m.name(), m.name() + "-v0", p.timestamp(), p.entities(),
                    p.inputs(), p.score());
            return new ProducerRecord<>(m.examplesTopic(), p.predictionId().getBytes(StandardCharsets.UTF_8),
                    TrainingJson.encode(new TrainingExample(ofModel, e.label(), e.labelled(), e.labelTimestamp())));
        }).toList());
    }

    private static LearnerWorker worker(ModelDefinition m, Path checkpoints, ServingModel serving) {
        return LearnerWorker.builder().model(m).bootstrapServers(kafka.bootstrapServers()).checkpoints(checkpoints)
                .serving(serving).freshetVersion("test").start();
    }

    private static byte[] bytes(LearnerSnapshot s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LearnerSnapshot(s.provenance().withVersion(0, s.provenance().offsets(), 0), s.state()).write(out);
        return out.toByteArray();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aCrashBetweenCheckpointsNeitherSkipsNorRepeatsAnExample() throws Exception {
        ModelDefinition straight = createModel("straight");
        produce(straight, 0, N);
        Path straightStore = dir.resolve("straight-store");
        try (ServingModel serving = ServingModel.untrained(straight)) {
            LearnerWorker w = worker(straight, straightStore, serving);
            await("the uninterrupted run learnt every example", () -> w.examplesLearnt() == N);
            w.close();
            assertThat(serving.examplesSeen()).isEqualTo(N);
        }
        LearnerSnapshot expected = ModelCheckpoints.read(straightStore, "straight").orElseThrow();

        ModelDefinition crashing = createModel("crashing");
        Path store = dir.resolve("crashing-store");
        produce(crashing, 0, N / 3);
        LearnerWorker first = worker(crashing, store, null);
        await("the first third is learnt", () -> first.examplesLearnt() == N / 3);
        first.requestPublish();
        await("the first checkpoint", () -> first.versionsPublished() == 1);
        produce(crashing, N / 3, 2 * N / 3);
        await("the second third is learnt", () -> first.examplesLearnt() == 2 * N / 3);
        first.halt(); // the second third was learnt but never checkpointed: the restart must learn it again, once

        produce(crashing, 2 * N / 3, N);
        try (ServingModel serving = ServingModel.untrained(crashing)) {
            LearnerWorker second = worker(crashing, store, serving);
            assertThat(serving.examplesSeen()).as("the restart serves its checkpoint at once").isEqualTo(N / 3);
            await("the restart learnt the rest", () -> second.examplesLearnt() == N - N / 3);
            second.close();
            assertThat(second.examplesSkipped()).isZero();
        }
        LearnerSnapshot actual = ModelCheckpoints.read(store, "crashing").orElseThrow();
        assertThat(actual.provenance().examplesSeen()).isEqualTo(N);
        assertThat(actual.provenance().offsets()).isEqualTo(Map.of(0, (long) N));
        assertThat(actual.state()).as("the model learnt the same examples, each once, in the same order").isEqualTo(expected.state());
    }
}
