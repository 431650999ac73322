package dev.freshet.app.cli;

import dev.freshet.core.error.InvalidInputException;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;

import java.util.ArrayList;
import java.util.List;

/**
 * Labelled examples read from a file, one at a time into a reused {@link Example}: what
 * {@code freshet evaluate-learner} replays. Each input is read from the first column (or JSON member)
 * that exists of: its full name ({@code view:feature}), {@code view__feature} (a training set with
 * full feature names), or its short name ({@code feature}, as training sets name columns by default).
 */
interface ExampleRows extends AutoCloseable {

    /**
     * Reads the next example into {@code into}.
     *
     * @return false at the end of the file
     * @throws InvalidInputException naming the row when its label or an input cannot be used
     */
    boolean next(Example into);

    /** The label of the example last read: 0 or 1 (or in between). */
    double label();

    /** Where the example last read is, for messages: {@code file:line} or {@code file row N}. */
    String position();

    @Override
    void close();

    /** The names an input may have in a file, in order of preference. */
    static List<String> candidates(ExampleLayout layout, int slot) {
        ExampleLayout.Slot s = layout.slots().get(slot);
        List<String> names = new ArrayList<>(3);
        names.add(s.name());
        if (slot < layout.featureCount()) {
            names.add(s.namespace() + "__" + s.shortName());
            names.add(s.shortName());
        }
        return names;
    }

    /** A label as a number in [0, 1]: booleans are 1 and 0. */
    static double label(Object value, String column, String where) {
        double v = switch (value) {
            case null -> throw new InvalidInputException(where + ": the label (" + column + ") is missing");
            case Boolean b -> b ? 1 : 0;
            case Number n -> n.doubleValue();
            default -> throw new InvalidInputException(where + ": the label (" + column + ") is " + value
                    + ", but a label is a boolean or a number from 0 to 1");
        };
        if (!(v >= 0 && v <= 1)) {
            throw new InvalidInputException(where + ": the label (" + column + ") is " + v + ", but a label is from 0 to 1 (1 positive)");
        }
        return v;
    }
}
