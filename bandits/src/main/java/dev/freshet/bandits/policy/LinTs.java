package dev.freshet.bandits.policy;

import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.learners.ExampleLayout;

import java.util.random.RandomGenerator;

/**
 * Linear Thompson sampling (Agrawal and Goyal 2013): theta ~ N(A⁻¹b, v² A⁻¹) per model, and the
 * distribution over candidates is how often each has the highest score {@code theta·phi} in
 * {@code samples} draws from the caller's generator (ties split); the decision service samples from exactly
 * this distribution, so the logged propensity is exact for what was done.
 *
 * <p>The scores are a linear map of theta, so instead of drawing theta (D dimensions) each draw takes the
 * candidates' scores jointly from N(mu, S) with {@code mu_i = theta_hat·phi_i} and
 * {@code S_ij = v² phi_iᵀ A⁻¹ phi_j} (0 between two per_action models), through a Cholesky factor of the k×k
 * matrix S: the same distribution at O(k² n² + samples k²) per decision. Candidates with identical vectors
 * (colliding buckets) make S singular; the factor then gives them the same score, and the tie is split.
 */
final class LinTs extends LinearPolicy {

    private final double v2;
    private final int samples;
    private double[] mu = new double[0];
    private double[] chol = new double[0];
    private double[] normals = new double[0];
    private double[] scores = new double[0];

    LinTs(BanditDefinition bandit, ExampleLayout layout) {
        super(bandit, layout);
        this.v2 = bandit.options().v() * bandit.options().v();
        this.samples = bandit.options().samples();
    }

    @Override
    void choose(int k, RandomGenerator random, double[] p) {
        if (mu.length < k) {
            mu = new double[k];
            chol = new double[k * k];
            normals = new double[k];
            scores = new double[k];
        }
        for (int i = 0; i < k; i++) {
            mu[i] = model[i].mean(phiIndex[i], phiValue[i], phiCount[i]);
        }
        factor(k);
        for (int s = 0; s < samples; s++) {
            for (int j = 0; j < k; j++) {
                normals[j] = random.nextGaussian();
            }
            for (int i = 0; i < k; i++) {
                double t = mu[i];
                int row = i * k;
                for (int j = 0; j <= i; j++) {
                    t += chol[row + j] * normals[j];
                }
                scores[i] = t;
            }
            countArgmax(scores, k, p);
        }
        for (int i = 0; i < k; i++) {
            p[i] /= samples;
        }
    }

    /** Fills the lower triangle of {@code chol} (row-major, k×k) with a factor L of S = L Lᵀ (S positive semi-definite). */
    private void factor(int k) {
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                double sij = sameModel(i, j)
                        ? v2 * model[i].form(phiIndex[i], phiValue[i], phiCount[i], phiIndex[j], phiValue[j], phiCount[j])
                        : 0;
                for (int m = 0; m < j; m++) {
                    sij -= chol[i * k + m] * chol[j * k + m];
                }
                if (i == j) {
                    // A pivot that is zero up to rounding: the candidate's score is determined by earlier ones.
                    chol[i * k + i] = sij > 1e-12 * (1 + Math.abs(v2)) ? Math.sqrt(sij) : 0;
                } else {
                    double pivot = chol[j * k + j];
                    chol[i * k + j] = pivot > 0 ? sij / pivot : 0;
                }
            }
        }
    }
}
