package dev.freshet.offline.join;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Receives a training set's rows in spine order, batch by batch: {@link #start} once, {@link #write}
 * for each batch, {@link #finish} once after the last batch (not called when the join fails).
 * Called on the thread that runs the join.
 */
public interface TrainingSetSink {

    /** The schema of every batch: the spine's columns, then one column per requested feature. */
    void start(Schema schema);

    /** One batch of rows. The batch and its buffers are valid only during the call: copy or transfer what you keep. */
    void write(VectorSchemaRoot batch);

    /** Every row has been written. */
    void finish();
}
