package dev.freshet.bench.learners;

import com.yahoo.labs.samoa.instances.Instance;
import com.yahoo.labs.samoa.instances.InstancesHeader;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;

/**
 * One generated binary stream, held in memory twice in the same order: as MOA instances (for MOA's
 * learners) and as Freshet examples (for ours), with the labels (0 or 1) beside them. Generated once,
 * so no learner's timing includes generation.
 *
 * @param name        the stream's name in the results table
 * @param description how it was generated (its settings), printed with the results
 * @param header      the MOA header of {@link #instances}
 * @param instances   the examples as MOA sees them, class attribute last
 * @param layout      the layout of {@link #examples}
 * @param examples    the same examples as our learners see them
 * @param labels      each example's label, 0 or 1
 */
record LabelledStream(String name, String description, InstancesHeader header, Instance[] instances,
                      ExampleLayout layout, Example[] examples, int[] labels) {

    int size() {
        return labels.length;
    }

    /** The fraction of positive labels. */
    double positiveRate() {
        long positives = 0;
        for (int label : labels) {
            positives += label;
        }
        return (double) positives / labels.length;
    }
}
