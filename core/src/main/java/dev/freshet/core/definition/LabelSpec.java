package dev.freshet.core.definition;

import java.time.Duration;
import java.util.Objects;

/**
 * Where a model's labels come from ({@code models[].label} in YAML): events of a source that carry
 * the prediction id they answer. A prediction with no label within the window is learnt with the
 * default label.
 *
 * @param source       the source whose events are labels
 * @param joinKey      the field of that source holding the prediction id (a string)
 * @param field        the field holding the label: a boolean, or a number (1 is positive, 0 negative)
 * @param window       how long after a prediction its label may arrive
 * @param defaultLabel the label of a prediction whose window passes without one
 */
public record LabelSpec(String source, String joinKey, String field, Duration window, double defaultLabel) {

    public LabelSpec {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(joinKey, "joinKey");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(window, "window");
    }
}
