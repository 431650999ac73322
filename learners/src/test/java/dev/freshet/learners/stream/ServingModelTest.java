package dev.freshet.learners.stream;

import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.Learners;
import dev.freshet.learners.OnlineLearner;
import dev.freshet.learners.Provenance;
import dev.freshet.learners.Provenances;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Publishing new versions while requests score: no request fails, and versions only move forward. */
class ServingModelTest {

    @ParameterizedTest
    @ValueSource(strings = {"ftrl", "vw"})
    void noRequestFailsWhileVersionsAreSwapped(String learner) throws Exception {
        LearnerOptions options = learner.equals("ftrl") ? new LearnerOptions.Ftrl(0.1, 1, 0, 0, 16) : new LearnerOptions.Vw("-b 16");
        ModelDefinition model = TrainingFixtures.ctr(options, Duration.ofSeconds(1));
        ExampleLayout layout = ExampleLayout.of(model);
        Provenance base = Provenances.of(model.name(), options, layout, "test");
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong scores = new AtomicLong();
        CountDownLatch started = new CountDownLatch(4);
        try (ServingModel serving = ServingModel.untrained(model); OnlineLearner trainer = Learners.create(options, layout)) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread thread = new Thread(() -> {
                    Example e = layout.newExample().setCategory(layout.indexOf("item_id"), "i1").setNumber(layout.indexOf("hour"), 3);
                    long lastVersion = -1;
                    started.countDown();
                    while (!stop.get()) {
                        try {
                            ServingModel.Score s = serving.score(e);
                            long version = Long.parseLong(s.version().substring(s.version().lastIndexOf('v') + 1));
                            assertThat(version).isGreaterThanOrEqualTo(lastVersion);
                            assertThat(s.score()).isBetween(0.0, 1.0);
                            lastVersion = version;
                            scores.incrementAndGet();
                        } catch (Throwable x) {
                            failures.add(x);
                            return;
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
            started.await();
            Example e = layout.newExample().setCategory(layout.indexOf("item_id"), "i1").setNumber(layout.indexOf("hour"), 3);
            for (int v = 1; v <= 40; v++) {
                for (int i = 0; i < 20; i++) {
                    trainer.learn(e, 1, 1);
                }
                serving.publish(trainer.snapshot(base.withVersion(v, Map.of(0, (long) v), v)));
            }
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failures).isEmpty();
            assertThat(scores.get()).isPositive();
            assertThat(serving.version()).isEqualTo("ctr-v40");
            assertThat(serving.examplesSeen()).isEqualTo(800);
            assertThat(serving.score(e).score()).isGreaterThan(0.5);
        }
    }

    @Test
    void anOlderSnapshotDoesNotReplaceANewerOneAndAClosedModelRefusesToScore() {
        LearnerOptions options = new LearnerOptions.Ftrl(0.1, 1, 0, 0, 16);
        ModelDefinition model = TrainingFixtures.ctr(options, Duration.ofSeconds(1));
        ExampleLayout layout = ExampleLayout.of(model);
        Provenance base = Provenances.of(model.name(), options, layout, "test");
        ServingModel serving = ServingModel.untrained(model);
        try (OnlineLearner trainer = Learners.create(options, layout)) {
            Example e = layout.newExample();
            trainer.learn(e, 1, 1);
            var old = trainer.snapshot(base.withVersion(1, Map.of(), 1));
            trainer.learn(e, 1, 1);
            serving.publish(trainer.snapshot(base.withVersion(2, Map.of(), 2)));
            serving.publish(old);
            assertThat(serving.version()).isEqualTo("ctr-v2");
        }
        serving.close();
        serving.close();
        assertThatThrownBy(() -> serving.score(layout.newExample())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
