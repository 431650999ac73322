package dev.freshet.bandits.policy;

/**
 * A ridge regression over D dimensions for linear bandits: the inverse {@code A⁻¹} of
 * {@code A = lambda I + Σ x xᵀ}, kept current by Sherman–Morrison updates (O(D²) per outcome, with a row
 * skipped where {@code A⁻¹x} is zero), and the estimate {@code theta = A⁻¹ b} with {@code b = Σ r x},
 * updated as recursive least squares. Vectors are sparse: index and value arrays with a count; repeated
 * indices add up. Allocates nothing; not thread-safe.
 */
final class LinearModel {

    final int dim;
    /** A⁻¹, row-major, D×D; exactly symmetric (each update adds a symmetric product). */
    final double[] ainv;
    final double[] theta;
    long count;

    LinearModel(int dim, double lambda) {
        this.dim = dim;
        this.ainv = new double[dim * dim];
        this.theta = new double[dim];
        for (int i = 0; i < dim; i++) {
            ainv[i * dim + i] = 1 / lambda;
        }
    }

    /** theta · x. */
    double mean(int[] idx, double[] val, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += theta[idx[i]] * val[i];
        }
        return s;
    }

    /** xᵀ A⁻¹ y, never negative for x = y (rounding is clipped). */
    double form(int[] xi, double[] xv, int xn, int[] yi, double[] yv, int yn) {
        double s = 0;
        for (int i = 0; i < xn; i++) {
            int row = xi[i] * dim;
            double t = 0;
            for (int j = 0; j < yn; j++) {
                t += ainv[row + yi[j]] * yv[j];
            }
            s += xv[i] * t;
        }
        return xi == yi && xn == yn ? Math.max(0, s) : s;
    }

    /** Learns reward r for x; {@code z} is scratch of at least D entries. */
    void update(int[] idx, double[] val, int n, double reward, double[] z) {
        // z = A⁻¹ x (A⁻¹ symmetric, so by rows).
        for (int r = 0; r < dim; r++) {
            int row = r * dim;
            double t = 0;
            for (int j = 0; j < n; j++) {
                t += ainv[row + idx[j]] * val[j];
            }
            z[r] = t;
        }
        double xz = 0;
        for (int j = 0; j < n; j++) {
            xz += val[j] * z[idx[j]];
        }
        double inv = 1 / (1 + xz);
        double error = (reward - mean(idx, val, n)) * inv;
        for (int r = 0; r < dim; r++) {
            double zr = z[r];
            if (zr == 0) {
                continue;
            }
            int row = r * dim;
            for (int c = 0; c < dim; c++) {
                ainv[row + c] -= zr * z[c] * inv;
            }
            theta[r] += zr * error;
        }
        count++;
    }
}
