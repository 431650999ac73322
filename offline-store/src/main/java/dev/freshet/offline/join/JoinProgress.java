package dev.freshet.offline.join;

/**
 * Progress of a join, for a progress bar. Phases come one after the other ("reading spine",
 * "sorting events", "joining", "writing"), each announced once with its total, then advanced.
 * Called on the thread that runs the join; must be cheap.
 */
public interface JoinProgress {

    /** Progress that reports nothing. */
    JoinProgress NONE = new JoinProgress() {
        @Override
        public void phase(String name, long totalUnits) {
        }

        @Override
        public void advance(long units) {
        }
    };

    /**
     * A new phase begins.
     *
     * @param totalUnits the units it will advance by in all (rows or events), or -1 when unknown
     */
    void phase(String name, long totalUnits);

    /** The current phase advanced by this many units. */
    void advance(long units);
}
