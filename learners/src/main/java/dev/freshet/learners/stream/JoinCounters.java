package dev.freshet.learners.stream;

import java.util.concurrent.atomic.LongAdder;

/**
 * What an outcome join has done since it started: subjects (predictions, decisions) taken in,
 * joined records written with an observed outcome or with the default after the window, and the
 * outcome events it could not use, by reason. None of those stops the join. Thread-safe.
 */
public final class JoinCounters {

    final LongAdder subjects = new LongAdder();
    final LongAdder observed = new LongAdder();
    final LongAdder defaulted = new LongAdder();
    final LongAdder unknownOutcomes = new LongAdder();
    final LongAdder duplicateOutcomes = new LongAdder();
    final LongAdder unusableOutcomes = new LongAdder();
    final LongAdder duplicateSubjects = new LongAdder();
    final LongAdder unknownGroups = new LongAdder();

    /** Subjects received and waiting for their outcome. */
    public long subjects() {
        return subjects.sum();
    }

    /** Joined records written with an outcome that arrived within the window. */
    public long observed() {
        return observed.sum();
    }

    /** Joined records written with the default outcome because the window passed without one. */
    public long defaulted() {
        return defaulted.sum();
    }

    /**
     * Outcome events for no waiting subject: never made, past its window, or a subject of a group whose
     * outcomes come from another source. An outcome whose subject is not there yet is counted only after
     * it waited 10 s for it in vain.
     */
    public long unknownOutcomes() {
        return unknownOutcomes.sum();
    }

    /** Outcome events for a subject that already has its outcome (the first one wins). */
    public long duplicateOutcomes() {
        return duplicateOutcomes.sum();
    }

    /** Outcome events without a subject id, or whose value is missing, not a number or boolean, or out of range. */
    public long unusableOutcomes() {
        return unusableOutcomes.sum();
    }

    /** Subjects logged twice under one id (the first is kept). */
    public long duplicateSubjects() {
        return duplicateSubjects.sum();
    }

    /** Subjects of a group (model, bandit) the configuration no longer has. */
    public long unknownGroups() {
        return unknownGroups.sum();
    }
}
