package dev.freshet.learners.stream;

import java.util.Objects;

/**
 * A prediction joined with its label, as written to {@code freshet.examples.<model>}.
 *
 * @param prediction     the prediction as served
 * @param label          the label: the label event's value, or the model's default when none came in the window
 * @param labelled       whether a label event arrived (false: the default label after the window)
 * @param labelTimestamp when the label arrived (its event time), or when the window closed, epoch milliseconds
 */
public record TrainingExample(LoggedPrediction prediction, double label, boolean labelled, long labelTimestamp) {

    public TrainingExample {
        Objects.requireNonNull(prediction, "prediction");
    }
}
