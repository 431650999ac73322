package dev.freshet.learners.vw;

import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Learners;
import dev.freshet.learners.OnlineLearner;
import dev.freshet.learners.Provenance;
import dev.freshet.learners.Provenances;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.freshet.learners.vw.VwLearnerTest.LAYOUT;
import static dev.freshet.learners.vw.VwLearnerTest.OPTIONS;
import static dev.freshet.learners.vw.VwLearnerTest.provenance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class VwSnapshotTest {

    private final List<OnlineLearner> learners = new ArrayList<>();

    @AfterEach
    void closeLearners() {
        learners.forEach(OnlineLearner::close);
    }

    private OnlineLearner track(OnlineLearner learner) {
        learners.add(learner);
        return learner;
    }

    private OnlineLearner trained(LearnerOptions.Vw options, ExampleLayout layout, int n) {
        OnlineLearner learner = track(VwLearner.create(options, layout));
        VwLearnerTest.Stream stream = new VwLearnerTest.Stream(layout, 1);
        for (int i = 0; i < n; i++) {
            learner.learn(stream.next(), stream.label(), 1);
        }
        return learner;
    }

    /**
     * Options VW stores in its model file (-b, -q, --link) must agree with the restore's, and those it
     * does not store (loss, learning rates, regularisation) must be given again: both kinds here.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "-b 18 -q uc", "--link logistic -l 0.3 --power_t 0.4 --l2 1e-6", "--ftrl", "--sgd",
            "--loss_function logistic --interactions uc"})
    void aRestoredLearnerPredictsAndLearnsAsTheOriginal(String arguments) {
        LearnerOptions.Vw options = new LearnerOptions.Vw(arguments);
        OnlineLearner original = trained(options, LAYOUT, 2000);

        LearnerSnapshot snapshot = original.snapshot(provenance(options, LAYOUT));
        OnlineLearner restored = track(VwLearner.restore(snapshot, options, LAYOUT));

        assertThat(snapshot.provenance().examplesSeen()).isEqualTo(2000);
        assertThat(snapshot.provenance().version()).isEqualTo(3);
        assertThat(restored.examplesSeen()).isEqualTo(2000);
        VwLearnerTest.Stream stream = new VwLearnerTest.Stream(LAYOUT, 99);
        for (int i = 0; i < 200; i++) {
            Example e = stream.next();
            assertThat(restored.predict(e)).isCloseTo(original.predict(e), within(1e-6));
        }
        for (int i = 0; i < 500; i++) {
            Example e = stream.next();
            assertThat(restored.learn(e, stream.label(), 1)).isCloseTo(original.learn(e, stream.label(), 1), within(1e-6));
        }
        assertThat(restored.examplesSeen()).isEqualTo(2500);
        assertThat(original.examplesSeen()).isEqualTo(2500);
    }

    @Test
    void anUntrainedLearnerRoundTrips() {
        OnlineLearner original = track(VwLearner.create(OPTIONS, LAYOUT));
        OnlineLearner restored = track(Learners.restore(original.snapshot(provenance(OPTIONS, LAYOUT)), OPTIONS, LAYOUT));

        assertThat(restored.examplesSeen()).isZero();
        assertThat(restored.predict(LAYOUT.newExample().setNumber(0, 1))).isCloseTo(0.5, within(1e-6));
    }

    @Test
    void restoringWithOtherOptionsOrLayoutIsRefused() {
        OnlineLearner original = trained(OPTIONS, LAYOUT, 10);
        LearnerSnapshot snapshot = original.snapshot(provenance(OPTIONS, LAYOUT));
        ExampleLayout moreInputs = ExampleLayout.of(List.of(new FeatureRef("user_activity", "clicks")),
                List.of("device", "hour"), List.of());
        ExampleLayout crossed = ExampleLayout.of(List.of(new FeatureRef("user_activity", "clicks")),
                List.of("device"), List.of(List.of("clicks", "device")));

        assertThatThrownBy(() -> VwLearner.restore(snapshot, new LearnerOptions.Vw("-b 20"), LAYOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trained with -b 18 but the model is configured with -b 20");
        assertThatThrownBy(() -> VwLearner.restore(snapshot, OPTIONS, moreInputs))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inputs").hasMessageContaining("hour");
        assertThatThrownBy(() -> VwLearner.restore(snapshot, OPTIONS, crossed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("interactions").hasMessageContaining("user_activity:clicks*device");
    }

    @Test
    void restoringAnotherLearnersSnapshotIsRefused() {
        Provenance ftrl = new Provenance("ctr", "ftrl", OPTIONS.arguments(), Provenances.inputsOf(LAYOUT), List.of(), 0, 0,
                Map.of(), 0, "test");

        assertThatThrownBy(() -> VwLearner.restore(new LearnerSnapshot(ftrl, new byte[0]), OPTIONS, LAYOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trained by learner ftrl but the model is configured with learner vw");
    }

    @Test
    void aDamagedStateIsCorruptData() {
        OnlineLearner original = trained(OPTIONS, LAYOUT, 100);
        LearnerSnapshot snapshot = original.snapshot(provenance(OPTIONS, LAYOUT));
        byte[] state = snapshot.state();
        byte[] flipped = state.clone();
        flipped[flipped.length - 10] ^= 0x5a;
        byte[] wrongMagic = state.clone();
        wrongMagic[0] = 'X';

        for (byte[] bad : List.of(new byte[0], new byte[5], Arrays.copyOf(state, state.length - 1),
                Arrays.copyOf(state, 30), flipped, wrongMagic)) {
            assertThatThrownBy(() -> VwLearner.restore(new LearnerSnapshot(snapshot.provenance(), bad), OPTIONS, LAYOUT))
                    .isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining("VW snapshot");
        }
    }

    @Test
    void aModelVwCannotReadIsCorruptData() {
        byte[] notAModel = new VwState(5, "not a model at all, just text".getBytes()).encode();

        assertThatThrownBy(() -> VwLearner.restore(new LearnerSnapshot(provenance(OPTIONS, LAYOUT), notAModel), OPTIONS, LAYOUT))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("VW could not load the model");
    }

    @Test
    void theStateRoundTrips() {
        VwState state = new VwState(123, new byte[]{1, 2, 3});

        VwState read = VwState.decode(state.encode());

        assertThat(read.examplesSeen()).isEqualTo(123);
        assertThat(read.model()).containsExactly(1, 2, 3);
    }

    @Test
    void aSnapshotLeavesTheLearnerLearning() {
        OnlineLearner a = trained(OPTIONS, LAYOUT, 300);
        OnlineLearner b = trained(OPTIONS, LAYOUT, 300);
        a.snapshot(provenance(OPTIONS, LAYOUT));

        VwLearnerTest.Stream stream = new VwLearnerTest.Stream(LAYOUT, 5);
        for (int i = 0; i < 100; i++) {
            Example e = stream.next();
            assertThat(a.learn(e, stream.label(), 1)).isCloseTo(b.learn(e, stream.label(), 1), within(1e-6));
        }
    }
}
