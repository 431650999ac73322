package dev.freshet.learners.stream;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.LabelSpec;
import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.definition.ModelDefinition;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class LabelJoinTest {

    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path state;

    private TopologyTestDriver driver;
    private final JoinCounters counters = new JoinCounters();
    private TestInputTopic<byte[], byte[]> predictions;
    private TestInputTopic<byte[], byte[]> purchases;
    private TestOutputTopic<byte[], byte[]> examples;

    private void start(FreshetConfig config) {
        Properties p = new Properties();
        p.put("application.id", "label-join-test");
        p.put("bootstrap.servers", "unused:9092");
        p.put("state.dir", state.toString());
        driver = new TopologyTestDriver(LabelJoin.topology(config, s -> "freshet.events." + s, counters), p, Instant.ofEpochMilli(NOW));
        predictions = driver.createInputTopic(TrainingTopics.PREDICTIONS, new ByteArraySerializer(), new ByteArraySerializer());
        purchases = driver.createInputTopic("freshet.events.purchases", new ByteArraySerializer(), new ByteArraySerializer());
        examples = driver.createOutputTopic("freshet.examples.ctr", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private void predict(LoggedPrediction p) {
        predictions.pipeInput(p.predictionId().getBytes(StandardCharsets.UTF_8), TrainingJson.encode(p), p.timestamp());
    }

    private void label(String id, Boolean purchased, long ts) {
        purchases.pipeInput("u1".getBytes(StandardCharsets.UTF_8), TrainingFixtures.purchase(id, purchased, ts), ts);
    }

    private List<TrainingExample> drain() {
        return examples.readValuesToList().stream().map(TrainingJson::decodeExample).toList();
    }

    @Test
    void aLabelWithinTheWindowMakesALabelledExampleWithThePredictionAsServed() {
        start(TrainingFixtures.config(TrainingFixtures.ctr()));
        LoggedPrediction p = TrainingFixtures.prediction("p1", NOW, "i9", 14, 3, 12.5, "i7");
        predict(p);
        label("p1", true, NOW + 5_000);

        List<TrainingExample> out = drain();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).prediction()).isEqualTo(p);
        assertThat(out.get(0).label()).isEqualTo(1.0);
        assertThat(out.get(0).labelled()).isTrue();
        assertThat(out.get(0).labelTimestamp()).isEqualTo(NOW + 5_000);
        assertThat(counters.observed()).isEqualTo(1);
    }

    @Test
    void aPredictionWithoutALabelGetsTheDefaultWhenItsWindowPasses() {
        start(TrainingFixtures.config(TrainingFixtures.ctr()));
        predict(TrainingFixtures.prediction("p2", NOW, "i9", 14, 0, 0, null));
        driver.advanceWallClockTime(TrainingFixtures.WINDOW.minusSeconds(1));
        assertThat(drain()).isEmpty();

        driver.advanceWallClockTime(Duration.ofSeconds(2));
        List<TrainingExample> out = drain();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).label()).isEqualTo(0.0);
        assertThat(out.get(0).labelled()).isFalse();
        assertThat(out.get(0).labelTimestamp()).isEqualTo(NOW + TrainingFixtures.WINDOW.toMillis());
        assertThat(counters.defaulted()).isEqualTo(1);

        label("p2", true, NOW + TrainingFixtures.WINDOW.toMillis() + 5_000);
        assertThat(drain()).as("a label after the window").isEmpty();
        assertThat(counters.unknownOutcomes()).as("it may still be early for a prediction on its way").isZero();
        driver.advanceWallClockTime(Duration.ofMillis(OutcomeJoinProcessor.EARLY_GRACE_MS + 1_000));
        assertThat(counters.unknownOutcomes()).isEqualTo(1);
        assertThat(drain()).isEmpty();
    }

    @Test
    void aLabelThatOvertakesItsPredictionWaitsForIt() {
        start(TrainingFixtures.config(TrainingFixtures.ctr()));
        label("p7", true, NOW + 10);
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(drain()).isEmpty();
        predict(TrainingFixtures.prediction("p7", NOW, "i1", 9, 1, 1, "i1"));

        List<TrainingExample> out = drain();
        assertThat(out).singleElement().satisfies(e -> {
            assertThat(e.label()).isEqualTo(1.0);
            assertThat(e.labelled()).isTrue();
        });
        driver.advanceWallClockTime(Duration.ofMillis(OutcomeJoinProcessor.EARLY_GRACE_MS + 1_000));
        assertThat(counters.unknownOutcomes()).isZero();
        assertThat(counters.observed()).isEqualTo(1);
    }

    @Test
    void theFirstLabelWinsAndLaterOnesAreCountedNotFatal() {
        start(TrainingFixtures.config(TrainingFixtures.ctr()));
        predict(TrainingFixtures.prediction("p3", NOW, "i1", 9, 1, 1, "i1"));
        label("p3", false, NOW + 1_000);
        label("p3", true, NOW + 2_000);
        List<TrainingExample> out = drain();
        assertThat(out).extracting(TrainingExample::label).containsExactly(0.0);
        assertThat(counters.duplicateOutcomes()).isEqualTo(1);
        assertThat(counters.unknownOutcomes()).isZero();
    }

    @Test
    void labelsForUnknownPredictionsAndUnusableLabelsAreCountedAndSkipped() {
        start(TrainingFixtures.config(TrainingFixtures.ctr()));
        label("never-predicted", true, NOW);
        label(null, true, NOW);            // no prediction id
        label("p4", null, NOW);            // no label value
        predict(TrainingFixtures.prediction("p4", NOW, "i1", 9, 1, 1, "i1"));
        label("p4", true, NOW + 1);

        assertThat(drain()).extracting(e -> e.prediction().predictionId()).containsExactly("p4");
        driver.advanceWallClockTime(Duration.ofMillis(OutcomeJoinProcessor.EARLY_GRACE_MS + 1_000)); // no prediction came for it
        assertThat(counters.unknownOutcomes()).isEqualTo(1);
        assertThat(counters.unusableOutcomes()).isEqualTo(2);
    }

    @Test
    void predictionsOfModelsNotConfiguredAndDuplicatesAreCounted() {
        start(TrainingFixtures.config(TrainingFixtures.ctr()));
        LoggedPrediction p = TrainingFixtures.prediction("p5", NOW, "i1", 9, 1, 1, "i1");
        predict(p);
        predict(p);
        LoggedPrediction other = new LoggedPrediction("p6", "retired_model", "retired_model-v1", NOW, p.entities(), p.inputs(), 0.3);
        predict(other);
        assertThat(counters.subjects()).isEqualTo(1);
        assertThat(counters.duplicateSubjects()).isEqualTo(1);
        assertThat(counters.unknownGroups()).isEqualTo(1);
    }

    @Test
    void eachModelGetsItsOwnExamplesAndWindow() {
        ModelDefinition ctr = TrainingFixtures.ctr();
        ModelDefinition quick = new ModelDefinition("quick", ctr.learner(), ctr.features(), ctr.context(), ctr.interactions(),
                new LabelSpec("purchases", "prediction_id", "purchased", Duration.ofSeconds(10), 1),
                new LearnerOptions.Ftrl(0.1, 1, 0, 0, 18), Duration.ofSeconds(5));
        start(TrainingFixtures.config(ctr, quick));
        TestOutputTopic<byte[], byte[]> quickExamples =
                driver.createOutputTopic("freshet.examples.quick", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        LoggedPrediction p = TrainingFixtures.prediction("q1", NOW, "i1", 9, 1, 1, "i1");
        predict(new LoggedPrediction("q1", "quick", "quick-v0", NOW, p.entities(), p.inputs(), 0.5));
        predict(TrainingFixtures.prediction("c1", NOW, "i1", 9, 1, 1, "i1"));
        driver.advanceWallClockTime(Duration.ofSeconds(11));

        List<TrainingExample> quickOut = quickExamples.readValuesToList().stream().map(TrainingJson::decodeExample).toList();
        assertThat(quickOut).singleElement().satisfies(e -> {
            assertThat(e.prediction().predictionId()).isEqualTo("q1");
            assertThat(e.label()).isEqualTo(1.0);
        });
        assertThat(drain()).as("ctr's window is 30 minutes").isEmpty();
    }
}
