package dev.freshet.learners.ftrl;

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
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FtrlSnapshotTest {

    private static final LearnerOptions.Ftrl OPTIONS = new LearnerOptions.Ftrl(0.05, 1.0, 0.5, 1.0, 16);
    private static final ExampleLayout LAYOUT = ExampleLayout.of(List.of(new FeatureRef("u", "age"),
            new FeatureRef("u", "country")), List.of("device"), List.of(List.of("country", "device")));
    private static final String[] COUNTRIES = {"fr", "de", "us", "jp"};
    private static final String[] DEVICES = {"phone", "desktop"};

    private static void fill(Example e, SplittableRandom random) {
        e.setNumber(0, random.nextDouble(-2, 2)).setCategory(1, COUNTRIES[random.nextInt(COUNTRIES.length)])
                .setCategory(2, DEVICES[random.nextInt(DEVICES.length)]);
    }

    private static OnlineLearner trained(int examples) {
        OnlineLearner learner = Learners.create(OPTIONS, LAYOUT);
        SplittableRandom random = new SplittableRandom(11);
        Example e = LAYOUT.newExample();
        for (int i = 0; i < examples; i++) {
            fill(e, random);
            double label = random.nextDouble() < (e.category(1).equals("fr") ? 0.8 : 0.3) ? 1 : 0;
            learner.learn(e, label, 1);
        }
        return learner;
    }

    private static byte[] bytes(LearnerSnapshot snapshot) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        snapshot.write(out);
        return out.toByteArray();
    }

    private static LearnerSnapshot read(byte[] bytes) throws IOException {
        return LearnerSnapshot.read(new ByteArrayInputStream(bytes));
    }

    @Test
    void aRestoredLearnerPredictsAndLearnsBitForBitTheSame() throws IOException {
        OnlineLearner original = trained(5_000);
        Provenance provenance = Provenances.of("ctr", OPTIONS, LAYOUT, "0.1.0")
                .withVersion(3, Map.of(0, 120L, 2, 7L), 1_700_000_000_000L);
        LearnerSnapshot snapshot = original.snapshot(provenance);
        LearnerSnapshot back = read(bytes(snapshot));
        assertThat(back.provenance()).isEqualTo(provenance.withExamplesSeen(5_000));
        assertThat(back.state()).isEqualTo(snapshot.state());

        OnlineLearner restored = Learners.restore(back, OPTIONS, LAYOUT);
        assertThat(restored.examplesSeen()).isEqualTo(5_000);
        SplittableRandom random = new SplittableRandom(99);
        Example e = LAYOUT.newExample();
        for (int i = 0; i < 2_000; i++) {
            fill(e, random);
            double label = random.nextInt(2);
            assertThat(Double.doubleToRawLongBits(restored.learn(e, label, 1)))
                    .isEqualTo(Double.doubleToRawLongBits(original.learn(e, label, 1)));
        }
        assertThat(restored.examplesSeen()).isEqualTo(original.examplesSeen());
    }

    @Test
    void anUntrainedLearnerRoundTrips() throws IOException {
        OnlineLearner learner = Learners.create(OPTIONS, LAYOUT);
        LearnerSnapshot back = read(bytes(learner.snapshot(Provenances.of("ctr", OPTIONS, LAYOUT, "0.1.0"))));
        assertThat(Learners.restore(back, OPTIONS, LAYOUT).predict(LAYOUT.newExample())).isEqualTo(0.5);
    }

    @Test
    void restoreRefusesOtherOptionsLayoutsAndLearners() {
        LearnerSnapshot snapshot = trained(100).snapshot(Provenances.of("ctr", OPTIONS, LAYOUT, "0.1.0"));
        LearnerOptions.Ftrl otherAlpha = new LearnerOptions.Ftrl(0.1, 1.0, 0.5, 1.0, 16);
        assertThatThrownBy(() -> Learners.restore(snapshot, otherAlpha, LAYOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model ctr")
                .hasMessageContaining("trained with alpha=0.05 beta=1.0 l1=0.5 l2=1.0 hash_bits=16")
                .hasMessageContaining("configured with alpha=0.1 ")
                .hasMessageContaining("delete the checkpoint");
        // numbers taken otherwise give the same weights other meanings
        assertThatThrownBy(() -> Learners.restore(snapshot, OPTIONS.withNumbers(LearnerOptions.Ftrl.Numbers.LOG), LAYOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trained with alpha=0.05 beta=1.0 l1=0.5 l2=1.0 hash_bits=16 but")
                .hasMessageContaining("configured with alpha=0.05 beta=1.0 l1=0.5 l2=1.0 hash_bits=16 numbers=log");

        ExampleLayout otherInputs = ExampleLayout.of(List.of(new FeatureRef("u", "age"), new FeatureRef("u", "city")),
                List.of("device"), List.of(List.of("city", "device")));
        assertThatThrownBy(() -> Learners.restore(snapshot, OPTIONS, otherInputs))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inputs [u:age, u:country, device]")
                .hasMessageContaining("inputs [u:age, u:city, device]");

        ExampleLayout otherInteractions = ExampleLayout.of(List.of(new FeatureRef("u", "age"),
                new FeatureRef("u", "country")), List.of("device"), List.of());
        assertThatThrownBy(() -> Learners.restore(snapshot, OPTIONS, otherInteractions))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("interactions [u:country*device]")
                .hasMessageContaining("interactions []");

        Provenance p = snapshot.provenance();
        LearnerSnapshot ofVw = new LearnerSnapshot(new Provenance(p.model(), "vw", p.options(), p.inputs(), p.interactions(),
                p.examplesSeen(), p.version(), p.offsets(), p.createdAtMillis(), p.freshetVersion()), snapshot.state());
        assertThatThrownBy(() -> Learners.restore(ofVw, OPTIONS, LAYOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("learner vw")
                .hasMessageContaining("learner ftrl");
    }

    @Test
    void snapshotRefusesAProvenanceOfAnotherConfiguration() {
        OnlineLearner learner = trained(10);
        Provenance other = Provenances.of("ctr", LearnerOptions.Ftrl.defaults(), LAYOUT, "0.1.0");
        assertThatThrownBy(() -> learner.snapshot(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hash_bits=20");
    }

    @Test
    void restoreRejectsACorruptState() {
        LearnerSnapshot snapshot = trained(100).snapshot(Provenances.of("ctr", OPTIONS, LAYOUT, "0.1.0"));
        byte[] state = snapshot.state();
        byte[] truncated = Arrays.copyOf(state, state.length - 7);
        assertThatThrownBy(() -> Learners.restore(new LearnerSnapshot(snapshot.provenance(), truncated), OPTIONS, LAYOUT))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("model ctr");
        byte[] otherBits = state.clone();
        otherBits[3] = 17;
        assertThatThrownBy(() -> Learners.restore(new LearnerSnapshot(snapshot.provenance(), otherBits), OPTIONS, LAYOUT))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("hash_bits 17");
        byte[] badIndex = state.clone();
        badIndex[16] = 0x7f;  // the first coordinate's index, far beyond 2^16
        assertThatThrownBy(() -> Learners.restore(new LearnerSnapshot(snapshot.provenance(), badIndex), OPTIONS, LAYOUT))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("impossible coordinate");
        assertThatThrownBy(() -> Learners.restore(new LearnerSnapshot(snapshot.provenance(), new byte[0]), OPTIONS, LAYOUT))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("truncated");
    }
}
