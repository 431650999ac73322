package dev.freshet.learners.stream;

/**
 * What an outcome join needs of the records that wait for their outcome (predictions waiting for
 * labels, decisions waiting for rewards): which group (model, bandit) each is of and when it was
 * made, and how a subject and its outcome become one joined record. Implementations are stateless.
 */
public interface Subjects {

    /** A subject's group and the time it was made (its window starts then), epoch milliseconds. */
    record Subject(String group, long timestamp) {
    }

    /**
     * Reads a subject record.
     *
     * @throws dev.freshet.core.error.InvalidInputException when it is not one
     */
    Subject read(byte[] json);

    /**
     * The joined record of a subject and its outcome.
     *
     * @param outcome          the outcome: the observed one (first, sum or last, by the rule), or the default
     * @param outcomes         how many outcome events made it (0: the default)
     * @param outcomeTimestamp when the outcome arrived, or when the window closed
     */
    byte[] joined(byte[] subjectJson, double outcome, int outcomes, long outcomeTimestamp);
}
