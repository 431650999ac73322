package dev.freshet.bandits.policy;

import dev.freshet.bandits.Distributions;
import dev.freshet.bandits.Policy;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Provenance;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What every native policy shares: argument checks, the outcomes count, the closed flag, the
 * {@code min_probability} floor and the frame of the state format.
 *
 * <p>State format (big-endian, {@link DataOutputStream}): a format version byte ({@value #FORMAT_VERSION}),
 * the policy's YAML name, the outcomes count, then the policy's own part ({@link #writeState}); no bytes may
 * follow. An unknown version, another policy's name, truncation or trailing bytes are a
 * {@link CorruptDataException}.
 */
abstract class BasePolicy implements Policy {

    static final byte FORMAT_VERSION = 1;
    // Above this many candidates the distinctness check uses a set instead of comparing every pair.
    private static final int PAIRWISE_LIMIT = 32;

    final BanditDefinition bandit;
    private final ExampleLayout layout;
    private long outcomes;
    private boolean closed;

    BasePolicy(BanditDefinition bandit, ExampleLayout layout) {
        this.bandit = bandit;
        this.layout = layout;
    }

    @Override
    public final ExampleLayout layout() {
        return layout;
    }

    @Override
    public final double[] distribution(Example context, List<String> candidates, RandomGenerator random) {
        checkOpen();
        checkContext(context);
        checkCandidates(candidates);
        if (random == null) {
            throw new IllegalArgumentException("bandit " + bandit.name() + ": the random generator is null");
        }
        double[] p = new double[candidates.size()];
        fill(context, candidates, random, p);
        return Distributions.floor(p, bandit.options().minProbability());
    }

    @Override
    public final void learn(Example context, String action, double reward, double propensity) {
        checkOpen();
        checkContext(context);
        if (action == null) {
            throw new IllegalArgumentException("bandit " + bandit.name() + ": the action is null");
        }
        if (!Double.isFinite(reward)) {
            throw new IllegalArgumentException("bandit " + bandit.name() + ": the reward of action " + action + " is " + reward
                    + ", but rewards must be finite");
        }
        if (!(propensity > 0 && propensity <= 1)) {
            throw new IllegalArgumentException("bandit " + bandit.name() + ": the propensity of action " + action + " is "
                    + propensity + ", but propensities must be in (0, 1]");
        }
        update(context, action, reward);
        outcomes++;
    }

    @Override
    public final long outcomesLearnt() {
        return outcomes;
    }

    @Override
    public final LearnerSnapshot snapshot(Provenance provenance) {
        checkOpen();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            out.writeUTF(bandit.policy().yamlName());
            out.writeLong(outcomes);
            writeState(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return new LearnerSnapshot(provenance.withExamplesSeen(outcomes), bytes.toByteArray());
    }

    /** Loads a snapshot's state into this fresh policy. */
    final void load(byte[] state, String model) {
        String what = "the state of bandit " + bandit.name() + " in checkpoint of " + model;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            int version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new CorruptDataException(what + " has format version " + version + ", but this Freshet reads only version "
                        + FORMAT_VERSION);
            }
            String kind = in.readUTF();
            if (!kind.equals(bandit.policy().yamlName())) {
                throw new CorruptDataException(what + " is of policy " + kind + ", not " + bandit.policy().yamlName());
            }
            long n = in.readLong();
            if (n < 0) {
                throw new CorruptDataException(what + " has a negative outcomes count " + n);
            }
            readState(in, what);
            if (in.read() >= 0) {
                throw new CorruptDataException(what + " has bytes after its end");
            }
            outcomes = n;
        } catch (EOFException e) {
            throw new CorruptDataException(what + " is truncated", e);
        } catch (IOException e) {
            throw new CorruptDataException(what + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public final void close() {
        closed = true;
    }

    /** Writes the probabilities (before the floor) of the checked candidates into {@code p}. */
    abstract void fill(Example context, List<String> candidates, RandomGenerator random, double[] p);

    /** Learns one checked outcome. */
    abstract void update(Example context, String action, double reward);

    abstract void writeState(DataOutputStream out) throws IOException;

    /** Reads what {@link #writeState} wrote, throwing {@link CorruptDataException} starting with {@code what}. */
    abstract void readState(DataInputStream in, String what) throws IOException;

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the " + bandit.policy().yamlName() + " policy of bandit " + bandit.name() + " is closed");
        }
    }

    private void checkContext(Example context) {
        if (context == null) {
            throw new IllegalArgumentException("bandit " + bandit.name() + ": the context is null");
        }
        if (context.layout() != layout && !context.layout().equals(layout)) {
            throw new IllegalArgumentException("bandit " + bandit.name() + ": the context is of " + context.layout()
                    + ", but the policy's layout is " + layout);
        }
    }

    private void checkCandidates(List<String> candidates) {
        if (candidates == null || candidates.isEmpty()) {
            throw new IllegalArgumentException("bandit " + bandit.name() + ": a decision needs at least one candidate");
        }
        int k = candidates.size();
        for (int i = 0; i < k; i++) {
            if (candidates.get(i) == null) {
                throw new IllegalArgumentException("bandit " + bandit.name() + ": candidate " + i + " is null");
            }
        }
        if (k <= PAIRWISE_LIMIT) {
            for (int i = 1; i < k; i++) {
                String c = candidates.get(i);
                for (int j = 0; j < i; j++) {
                    if (c.equals(candidates.get(j))) {
                        throw repeated(c);
                    }
                }
            }
        } else {
            HashSet<String> seen = new HashSet<>(k * 2);
            for (String c : candidates) {
                if (!seen.add(c)) {
                    throw repeated(c);
                }
            }
        }
    }

    private IllegalArgumentException repeated(String c) {
        return new IllegalArgumentException("bandit " + bandit.name() + ": candidate " + c + " is listed twice; candidates must be distinct");
    }

    /** Splits all mass equally among the entries equal to the maximum of {@code scores[0..k)}, into {@code p}. */
    static void argmaxInto(double[] scores, int k, double[] p) {
        double best = Double.NEGATIVE_INFINITY;
        int ties = 0;
        for (int i = 0; i < k; i++) {
            double s = scores[i];
            if (s > best) {
                best = s;
                ties = 1;
            } else if (s == best) {
                ties++;
            }
        }
        for (int i = 0; i < k; i++) {
            p[i] = scores[i] == best ? 1.0 / ties : 0;
        }
    }

    /** Adds 1 to the counts of the maximal entries of {@code scores[0..k)}, split among ties. */
    static void countArgmax(double[] scores, int k, double[] counts) {
        double best = Double.NEGATIVE_INFINITY;
        int ties = 0;
        for (int i = 0; i < k; i++) {
            double s = scores[i];
            if (s > best) {
                best = s;
                ties = 1;
            } else if (s == best) {
                ties++;
            }
        }
        double share = 1.0 / ties;
        for (int i = 0; i < k; i++) {
            if (scores[i] == best) {
                counts[i] += share;
            }
        }
    }
}
