package dev.freshet.learners;

import dev.freshet.core.error.CorruptDataException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A learner's whole state with its provenance, in a versioned binary format.
 *
 * @param provenance what the model is and how far it has learnt
 * @param state      the learner's own encoding of its state (FTRL's weights, VW's model file);
 *                   {@link Learners#restore} reads it back
 */
public record LearnerSnapshot(Provenance provenance, byte[] state) {

    public LearnerSnapshot {
        Objects.requireNonNull(provenance, "provenance");
        Objects.requireNonNull(state, "state");
    }

    /**
     * Writes the snapshot: a magic number, the format version, the provenance, the state and a
     * checksum of all of it.
     */
    public void write(OutputStream out) throws IOException {
        SnapshotFormat.write(this, out);
    }

    /**
     * Reads a snapshot written by {@link #write}.
     *
     * @throws CorruptDataException when the data is not a snapshot, is of an unknown format version, is
     *                              truncated, or fails its checksum; the message says which
     */
    public static LearnerSnapshot read(InputStream in) throws IOException {
        return SnapshotFormat.read(in);
    }
}
