package dev.freshet.bandits.policy;

/**
 * One action's reward statistics: how many outcomes, their mean and the sum of squared deviations
 * from the mean (Welford's running update, stable over millions of outcomes). Mutable; not thread-safe.
 */
final class Arm {

    /** The statistics of an action with no outcomes; never updated. */
    static final Arm UNSEEN = new Arm();

    long count;
    double mean;
    double m2;

    void add(double reward) {
        count++;
        double delta = reward - mean;
        mean += delta / count;
        m2 += delta * (reward - mean);
    }

    /** The sum of the rewards. */
    double sum() {
        return mean * count;
    }
}
