package dev.freshet.app.api;

import dev.freshet.bandits.stream.DecisionRecord;

/**
 * Where {@code POST /decide} logs each decision and {@code POST /reward} each reward, for the reward
 * join. Implementations are thread-safe and do not block the request on the write.
 */
public interface DecisionLog {

    /** Logs a decision, asynchronously. */
    void log(DecisionRecord decision);

    /** Logs a reward of a decision, asynchronously. */
    void reward(String decisionId, double reward, long timestamp);
}
