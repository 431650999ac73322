package dev.freshet.learners.ftrl;

import dev.freshet.core.codec.ByteReader;
import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.error.CorruptDataException;

/**
 * FTRL-Proximal's per-coordinate state (McMahan et al. 2013, algorithm 1): for each of the
 * {@code 2^hashBits} coordinates, z (the accumulated adjusted gradient) and n (the accumulated squared
 * gradient), from which the weight is computed lazily. Memory: 16 bytes per coordinate.
 *
 * <p>State encoding (big-endian): int hashBits, long examplesSeen, int count, then count times
 * (int index, double z, double n) for the coordinates where z or n is not 0, by increasing index.
 * Not thread-safe.
 */
final class FtrlWeights {

    private final double alpha;
    private final double beta;
    private final double l1;
    private final double l2;
    private final int hashBits;
    private final double[] z;
    private final double[] n;

    FtrlWeights(LearnerOptions.Ftrl options) {
        this.alpha = options.alpha();
        this.beta = options.beta();
        this.l1 = options.l1();
        this.l2 = options.l2();
        this.hashBits = options.hashBits();
        this.z = new double[1 << hashBits];
        this.n = new double[1 << hashBits];
    }

    /** The weight of coordinate i: 0 while |z| is within L1, else the proximal step's closed form. */
    double weight(int i) {
        double zi = z[i];
        if (Math.abs(zi) <= l1) {
            return 0.0;
        }
        return -(zi - Math.signum(zi) * l1) / ((beta + Math.sqrt(n[i])) / alpha + l2);
    }

    /**
     * One step on coordinate i with gradient g, where w is the weight the prediction used.
     * sigma makes the step's learning rate per coordinate: alpha / (beta + sqrt(n)).
     */
    void update(int i, double g, double w) {
        double ni = n[i];
        double g2 = g * g;
        double sigma = (Math.sqrt(ni + g2) - Math.sqrt(ni)) / alpha;
        z[i] += g - sigma * w;
        n[i] = ni + g2;
    }

    byte[] encode(long examplesSeen) {
        int count = 0;
        for (int i = 0; i < z.length; i++) {
            if (z[i] != 0.0 || n[i] != 0.0) {
                count++;
            }
        }
        ByteWriter out = new ByteWriter(16 + 20 * count);
        out.writeInt(hashBits).writeLong(examplesSeen).writeInt(count);
        for (int i = 0; i < z.length; i++) {
            if (z[i] != 0.0 || n[i] != 0.0) {
                out.writeInt(i).writeDouble(z[i]).writeDouble(n[i]);
            }
        }
        return out.toByteArray();
    }

    /**
     * Loads an encoded state into these (fresh) weights and returns its examples count.
     *
     * @throws CorruptDataException when the state is truncated, of other hash bits, or holds an
     *                              impossible index, z or n
     */
    long decode(byte[] state, String model) {
        String what = "FTRL state of model " + model;
        ByteReader in = new ByteReader(state, what);
        int bits = in.readInt();
        if (bits != hashBits) {
            throw new CorruptDataException(what + " has hash_bits " + bits + " but its provenance says " + hashBits);
        }
        long seen = in.readLong();
        if (seen < 0) {
            throw new CorruptDataException(what + " has a negative examples count " + seen);
        }
        int count = in.readInt();
        if (count < 0 || count > z.length || (long) count * 20 != in.remaining()) {
            throw new CorruptDataException(what + " lists " + count + " coordinates in " + in.remaining()
                    + " bytes (20 bytes each, at most " + z.length + ")");
        }
        for (int k = 0; k < count; k++) {
            int i = in.readInt();
            double zi = in.readDouble();
            double ni = in.readDouble();
            if (i < 0 || i >= z.length || !Double.isFinite(zi) || !Double.isFinite(ni) || ni < 0) {
                throw new CorruptDataException(what + " has an impossible coordinate " + i + " (z=" + zi + ", n=" + ni
                        + "): indices are in 0.." + (z.length - 1) + ", z is finite and n finite and non-negative");
            }
            z[i] = zi;
            n[i] = ni;
        }
        return seen;
    }
}
