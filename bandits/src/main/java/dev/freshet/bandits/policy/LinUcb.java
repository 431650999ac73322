package dev.freshet.bandits.policy;

import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.learners.ExampleLayout;

import java.util.random.RandomGenerator;

/**
 * LinUCB (Li, Chu, Langford and Schapire 2010; the disjoint form is {@code per_action}): all mass on the
 * candidates with the highest {@code theta·phi + alpha sqrt(phiᵀ A⁻¹ phi)}, ties split. A decision costs
 * O(k n²) for k candidates with n non-zero coordinates each (at most d, or 3d in the shared form), an update
 * O(D²). Deterministic: {@code min_probability} is what gives other candidates a positive propensity.
 */
final class LinUcb extends LinearPolicy {

    private final double alpha;
    private double[] scores = new double[8];

    LinUcb(BanditDefinition bandit, ExampleLayout layout) {
        super(bandit, layout);
        this.alpha = bandit.options().alpha();
    }

    @Override
    void choose(int k, RandomGenerator random, double[] p) {
        if (scores.length < k) {
            scores = new double[Math.max(k, scores.length * 2)];
        }
        for (int i = 0; i < k; i++) {
            int[] idx = phiIndex[i];
            double[] val = phiValue[i];
            int n = phiCount[i];
            LinearModel m = model[i];
            scores[i] = m.mean(idx, val, n) + alpha * Math.sqrt(m.form(idx, val, n, idx, val, n));
        }
        argmaxInto(scores, k, p);
    }
}
