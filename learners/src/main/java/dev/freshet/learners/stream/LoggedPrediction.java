package dev.freshet.learners.stream;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One prediction as served, as logged to {@value TrainingTopics#PREDICTIONS}: the inputs exactly
 * as the model saw them, so training learns from what serving served.
 *
 * @param predictionId the prediction's id, the key labels join on
 * @param model        the model's name
 * @param modelVersion the version that scored it
 * @param timestamp    when it was served, epoch milliseconds (its label window starts here)
 * @param entities     the request's entity keys, by join key
 * @param inputs       the example's inputs by name ({@code view:feature}, then context fields): Double,
 *                     Long, String, Boolean or null
 * @param score        the score served, the probability of the positive label
 */
public record LoggedPrediction(String predictionId, String model, String modelVersion, long timestamp,
                               Map<String, String> entities, Map<String, Object> inputs, double score) {

    public LoggedPrediction {
        Objects.requireNonNull(predictionId, "predictionId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(modelVersion, "modelVersion");
        entities = Collections.unmodifiableMap(new LinkedHashMap<>(entities));
        // inputs may hold nulls (features not found), so Map.copyOf does not fit
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    }
}
