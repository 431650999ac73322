package dev.freshet.bandits.policy;

import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * A multi-armed policy: ignores the context and keeps an {@link Arm} per action it has learnt about.
 * Learns every outcome as observed, without importance weighting: each action's statistics are of
 * that action's own rewards, whatever the probability it was chosen with.
 *
 * <p>State: the number of arms, then per arm (sorted by name, so equal states give equal bytes) its
 * name, count, mean and m2.
 */
abstract class ArmPolicy extends BasePolicy {

    private final Map<String, Arm> arms = new HashMap<>();
    /** The candidates' statistics of the current decision, reused. */
    Arm[] current = new Arm[8];

    ArmPolicy(BanditDefinition bandit, ExampleLayout layout) {
        super(bandit, layout);
    }

    @Override
    final void fill(Example context, List<String> candidates, RandomGenerator random, double[] p) {
        int k = candidates.size();
        if (current.length < k) {
            current = new Arm[Math.max(k, current.length * 2)];
        }
        for (int i = 0; i < k; i++) {
            current[i] = arms.getOrDefault(candidates.get(i), Arm.UNSEEN);
        }
        choose(k, random, p);
    }

    /** Writes the probabilities of the {@code k} candidates whose statistics are {@link #current}. */
    abstract void choose(int k, RandomGenerator random, double[] p);

    @Override
    void update(Example context, String action, double reward) {
        arms.computeIfAbsent(action, a -> new Arm()).add(reward);
    }

    /** An action's statistics, {@link Arm#UNSEEN} when it has none. */
    final Arm arm(String action) {
        return arms.getOrDefault(action, Arm.UNSEEN);
    }

    @Override
    final void writeState(DataOutputStream out) throws IOException {
        out.writeInt(arms.size());
        for (Map.Entry<String, Arm> e : new TreeMap<>(arms).entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue().count);
            out.writeDouble(e.getValue().mean);
            out.writeDouble(e.getValue().m2);
        }
    }

    @Override
    final void readState(DataInputStream in, String what) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new CorruptDataException(what + " has a negative number of actions " + n);
        }
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            Arm arm = new Arm();
            arm.count = in.readLong();
            arm.mean = in.readDouble();
            arm.m2 = in.readDouble();
            if (arm.count < 0 || !Double.isFinite(arm.mean) || !(arm.m2 >= 0) || Double.isInfinite(arm.m2)) {
                throw new CorruptDataException(what + " has impossible statistics for action " + name + " (count=" + arm.count
                        + ", mean=" + arm.mean + ", m2=" + arm.m2 + ")");
            }
            if (arms.put(name, arm) != null) {
                throw new CorruptDataException(what + " lists action " + name + " twice");
            }
        }
    }
}
