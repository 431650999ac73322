package dev.freshet.app.api;

import dev.freshet.learners.stream.LoggedPrediction;

/**
 * Where {@code POST /predict} logs each prediction it serves, for the label join to turn into a
 * training example. Implementations are thread-safe and do not block the request on the write.
 */
public interface PredictionLog {

    /**
     * Logs a prediction, asynchronously.
     *
     * @throws dev.freshet.core.error.TransientException when the log cannot take it now (the request gets a 503)
     */
    void log(LoggedPrediction prediction);
}
