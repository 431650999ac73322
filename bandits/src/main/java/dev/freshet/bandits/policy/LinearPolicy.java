package dev.freshet.bandits.policy;

import com.dynatrace.hash4j.hashing.Hasher32;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.BanditOptions;
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
 * A linear contextual policy over the context vector x of {@link ContextEncoder} (d dimensions), in one of
 * two forms:
 * <ul>
 *   <li>{@code per_action}: a {@link LinearModel} of d dimensions per action, learnt from that action's
 *       outcomes; an action without outcomes is scored by the prior (theta 0, A⁻¹ = I / lambda).</li>
 *   <li>{@code shared}: one model of {@code D = d (1 + B)} dimensions, B = hash_buckets, over
 *       {@code phi(x, a) = [x, x ⊗ (s1 e_h1(a) + s2 e_h2(a)) / √2]}, where h1 and h2 are two different
 *       buckets and s1, s2 two signs (±1) hashed from the action's name (murmur3, fixed seeds; one bucket,
 *       {@code x ⊗ s1 e_h1}, when B = 1). The first block is what all actions share, so a new candidate is
 *       scored by it; two signed probes make two actions indistinguishable only when both buckets and both
 *       signs collide (about 1 pair in 2 B (B - 1)), and partial collisions cancel in expectation.</li>
 * </ul>
 * Learns every outcome as observed (no importance weighting): each model regresses the rewards of the
 * actions it was told of. Allocates nothing per decision or update beyond the returned array and, once
 * per new action, its model; not thread-safe. A model has at most {@value #MAX_DIMENSION} dimensions: a
 * configuration needing more is rejected when the policy is created.
 *
 * <p>State: D, the form byte (0 per_action, 1 shared), the number of models, then per model (by action name,
 * sorted; the shared model is named "") its name, count, theta and A⁻¹.
 */
abstract class LinearPolicy extends BasePolicy {

    private static final int BUCKET_SEED = 0x41435431; // "ACT1"; fixed forever, as the encoder's seeds
    private static final int PROBE_SEED = 0x41435432;  // "ACT2"
    private static final double HALF_ROOT = Math.sqrt(0.5);
    /** The most dimensions of one model: A⁻¹ is D² doubles (32 MiB here) and an update costs O(D²). */
    static final int MAX_DIMENSION = 2048;

    private final ContextEncoder encoder;
    private final boolean shared;
    private final int buckets;
    final int dim;
    private final double lambda;
    private final Hasher32 bucketHash = Hashing.murmur3_32(BUCKET_SEED);
    private final Hasher32 probeHash = Hashing.murmur3_32(PROBE_SEED);
    private final Map<String, LinearModel> models = new HashMap<>();
    private final LinearModel prior;
    private final LinearModel sharedModel;
    private final double[] z;

    /** The candidates' vectors and models of the current decision, grown as needed. */
    int[][] phiIndex = new int[0][];
    double[][] phiValue = new double[0][];
    int[] phiCount = new int[0];
    LinearModel[] model = new LinearModel[0];
    private final int width;

    LinearPolicy(BanditDefinition bandit, ExampleLayout layout) {
        super(bandit, layout);
        BanditOptions o = bandit.options();
        this.buckets = o.hashBuckets();
        this.encoder = new ContextEncoder(layout, buckets);
        this.shared = o.form().equals(BanditOptions.SHARED);
        int d = encoder.dimension();
        this.dim = shared ? d * (1 + buckets) : d;
        if (dim > MAX_DIMENSION) {
            throw new IllegalArgumentException("bandit " + bandit.name() + ": " + bandit.policy().yamlName() + " with form " + o.form()
                    + " over " + layout.size() + " context inputs and hash_buckets " + buckets + " needs models of " + dim
                    + " dimensions (d = 1 + inputs + hash_buckets" + (shared ? ", times 1 + hash_buckets in the shared form" : "")
                    + "), more than " + MAX_DIMENSION + ": lower hash_buckets or use fewer context inputs");
        }
        this.lambda = o.lambda();
        this.prior = shared ? null : new LinearModel(dim, lambda);
        this.sharedModel = shared ? new LinearModel(dim, lambda) : null;
        this.z = new double[dim];
        this.width = encoder.indices.length * (shared ? 3 : 1);
    }

    @Override
    final void fill(Example context, List<String> candidates, RandomGenerator random, double[] p) {
        int k = candidates.size();
        grow(k);
        int n = encoder.encode(context);
        for (int i = 0; i < k; i++) {
            String action = candidates.get(i);
            phiCount[i] = phi(action, n, phiIndex[i], phiValue[i]);
            model[i] = shared ? sharedModel : models.getOrDefault(action, prior);
        }
        choose(k, random, p);
    }

    /** Writes the probabilities of the {@code k} candidates whose vectors and models are current. */
    abstract void choose(int k, RandomGenerator random, double[] p);

    /** Whether candidates i and j are scored by one model (so their scores are correlated). */
    final boolean sameModel(int i, int j) {
        return shared || i == j;
    }

    @Override
    final void update(Example context, String action, double reward) {
        grow(1);
        int n = phi(action, encoder.encode(context), phiIndex[0], phiValue[0]);
        LinearModel m = shared ? sharedModel : models.computeIfAbsent(action, a -> new LinearModel(dim, lambda));
        m.update(phiIndex[0], phiValue[0], n, reward, z);
    }

    /** Writes the action's vector for the encoded context into idx and val; returns its length. */
    private int phi(String action, int n, int[] idx, double[] val) {
        int[] xi = encoder.indices;
        double[] xv = encoder.values;
        System.arraycopy(xi, 0, idx, 0, n);
        System.arraycopy(xv, 0, val, 0, n);
        if (!shared) {
            return n;
        }
        int d = encoder.dimension();
        // The low bit of each hash is a sign, the rest a bucket: actions collide only on both buckets and signs.
        int hash1 = bucketHash.hashCharsToInt(action);
        int h1 = Integer.remainderUnsigned(hash1 >>> 1, buckets);
        double s1 = (hash1 & 1) == 0 ? 1 : -1;
        if (buckets == 1) {
            for (int j = 0; j < n; j++) {
                idx[n + j] = d + xi[j];
                val[n + j] = xv[j] * s1;
            }
            return 2 * n;
        }
        int hash2 = probeHash.hashCharsToInt(action);
        int h2 = (h1 + 1 + Integer.remainderUnsigned(hash2 >>> 1, buckets - 1)) % buckets;
        double s2 = (hash2 & 1) == 0 ? HALF_ROOT : -HALF_ROOT;
        s1 *= HALF_ROOT;
        for (int j = 0; j < n; j++) {
            idx[n + j] = d * (1 + h1) + xi[j];
            val[n + j] = xv[j] * s1;
            idx[2 * n + j] = d * (1 + h2) + xi[j];
            val[2 * n + j] = xv[j] * s2;
        }
        return 3 * n;
    }

    private void grow(int k) {
        if (phiCount.length >= k) {
            return;
        }
        int size = Math.max(k, phiCount.length * 2);
        int[][] idx = new int[size][];
        double[][] val = new double[size][];
        for (int i = 0; i < size; i++) {
            idx[i] = i < phiIndex.length ? phiIndex[i] : new int[width];
            val[i] = i < phiValue.length ? phiValue[i] : new double[width];
        }
        phiIndex = idx;
        phiValue = val;
        phiCount = new int[size];
        model = new LinearModel[size];
    }

    @Override
    final void writeState(DataOutputStream out) throws IOException {
        out.writeInt(dim);
        out.writeByte(shared ? 1 : 0);
        Map<String, LinearModel> all = shared ? Map.of("", sharedModel) : new TreeMap<>(models);
        out.writeInt(all.size());
        for (Map.Entry<String, LinearModel> e : all.entrySet()) {
            LinearModel m = e.getValue();
            out.writeUTF(e.getKey());
            out.writeLong(m.count);
            for (double t : m.theta) {
                out.writeDouble(t);
            }
            for (double a : m.ainv) {
                out.writeDouble(a);
            }
        }
    }

    @Override
    final void readState(DataInputStream in, String what) throws IOException {
        int d = in.readInt();
        int form = in.readByte();
        if (d != dim || form != (shared ? 1 : 0)) {
            throw new CorruptDataException(what + " has " + d + " dimensions in form " + form + ", but its options give " + dim
                    + " in form " + (shared ? 1 : 0));
        }
        int n = in.readInt();
        if (n < 0 || (shared && n != 1)) {
            throw new CorruptDataException(what + " has an impossible number of models " + n);
        }
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            LinearModel m = shared ? sharedModel : new LinearModel(dim, lambda);
            m.count = in.readLong();
            for (int j = 0; j < dim; j++) {
                m.theta[j] = finite(in.readDouble(), what, name);
            }
            for (int j = 0; j < dim * dim; j++) {
                m.ainv[j] = finite(in.readDouble(), what, name);
            }
            if (m.count < 0) {
                throw new CorruptDataException(what + " has a negative count for action " + name);
            }
            if (!shared && models.put(name, m) != null) {
                throw new CorruptDataException(what + " lists action " + name + " twice");
            }
        }
    }

    private static double finite(double x, String what, String name) {
        if (!Double.isFinite(x)) {
            throw new CorruptDataException(what + " has a non-finite weight " + x + " in the model of action '" + name + "'");
        }
        return x;
    }
}
