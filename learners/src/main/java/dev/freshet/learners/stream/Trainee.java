package dev.freshet.learners.stream;

import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Provenance;

/**
 * What a {@link TopicWorker} trains: a model learning examples, a policy learning outcomes. Called from
 * the worker's thread only.
 */
public interface Trainee {

    /**
     * Learns one record of the topic.
     *
     * @throws dev.freshet.core.error.InvalidInputException when the record cannot be learnt (it is skipped and counted)
     */
    void learn(byte[] record);

    /** How many records it has learnt in all, including those before a restore. */
    long learnt();

    /** Its state, with this provenance. */
    LearnerSnapshot snapshot(Provenance provenance);

    /** What a publication log line adds, e.g. {@code rolling log loss 0.41, AUC 0.77}; may be empty. */
    default String progress() {
        return "";
    }
}
