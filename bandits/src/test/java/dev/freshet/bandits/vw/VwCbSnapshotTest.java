package dev.freshet.bandits.vw;

import dev.freshet.bandits.Policies;
import dev.freshet.bandits.Policy;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.learners.Example;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Provenance;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VwCbSnapshotTest {

    private final BanditDefinition bandit = Simulation.bandit(Simulation.ARGUMENTS, 0.01);
    private final SplittableRandom unused = new SplittableRandom(1);

    @Test
    void aRestoredPolicyGivesTheSameDistributionsAndContinuesAlike() throws IOException {
        Simulation sim = new Simulation(3);
        try (Policy original = Policies.create(bandit, sim.layout)) {
            for (int t = 0; t < 800; t++) {
                sim.round(original);
            }
            LearnerSnapshot snapshot = roundTrip(original.snapshot(Simulation.provenance(bandit, sim.layout)));
            assertThat(snapshot.provenance().examplesSeen()).isEqualTo(800);
            try (Policy restored = Policies.restore(snapshot, bandit, sim.layout)) {
                assertThat(restored.outcomesLearnt()).isEqualTo(800);
                assertSameDistributions(original, restored, new Simulation(99));
                Simulation a = new Simulation(5);
                Simulation b = new Simulation(5);
                for (int t = 0; t < 300; t++) {
                    a.round(original);
                    b.round(restored);
                }
                assertThat(restored.outcomesLearnt()).isEqualTo(original.outcomesLearnt()).isEqualTo(1100);
                assertSameDistributions(original, restored, new Simulation(98));
            }
        }
    }

    @Test
    void refusesASnapshotOfAnotherPolicyOptionsOrLayout() {
        Simulation sim = new Simulation(3);
        LearnerSnapshot snapshot;
        try (Policy policy = Policies.create(bandit, sim.layout)) {
            sim.round(policy);
            snapshot = policy.snapshot(Simulation.provenance(bandit, sim.layout));
        }
        Provenance p = snapshot.provenance();
        Provenance otherPolicy = new Provenance(p.model(), "lin_ucb", p.options(), p.inputs(), p.interactions(), 1, 0,
                p.offsets(), 0, "test");
        assertThatThrownBy(() -> Policies.restore(new LearnerSnapshot(otherPolicy, snapshot.state()), bandit, sim.layout))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lin_ucb").hasMessageContaining("vw_cb");
        BanditDefinition otherOptions = Simulation.bandit("--cb_explore_adf --epsilon 0.2", 0.01);
        assertThatThrownBy(() -> Policies.restore(snapshot, otherOptions, sim.layout))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--epsilon 0.2");
        Provenance otherInputs = new Provenance(p.model(), p.learner(), p.options(), List.of("segment"), p.interactions(), 1, 0,
                p.offsets(), 0, "test");
        assertThatThrownBy(() -> Policies.restore(new LearnerSnapshot(otherInputs, snapshot.state()), bandit, sim.layout))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inputs");
    }

    @Test
    void aDamagedStateIsCorruptData() {
        Simulation sim = new Simulation(3);
        LearnerSnapshot snapshot;
        try (Policy policy = Policies.create(bandit, sim.layout)) {
            sim.round(policy);
            snapshot = policy.snapshot(Simulation.provenance(bandit, sim.layout));
        }
        byte[] flipped = snapshot.state().clone();
        flipped[flipped.length - 5] ^= 0x40;
        byte[] truncated = Arrays.copyOf(snapshot.state(), 10);
        for (byte[] state : List.of(flipped, truncated, new byte[0])) {
            assertThatThrownBy(() -> Policies.restore(new LearnerSnapshot(snapshot.provenance(), state), bandit, sim.layout))
                    .isInstanceOf(CorruptDataException.class);
        }
    }

    private void assertSameDistributions(Policy a, Policy b, Simulation contexts) {
        for (int t = 0; t < 20; t++) {
            Example x = contexts.next();
            assertThat(b.distribution(x, Simulation.ACTIONS, unused)).containsExactly(a.distribution(x, Simulation.ACTIONS, unused));
        }
    }

    private static LearnerSnapshot roundTrip(LearnerSnapshot snapshot) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        snapshot.write(out);
        return LearnerSnapshot.read(new ByteArrayInputStream(out.toByteArray()));
    }
}
