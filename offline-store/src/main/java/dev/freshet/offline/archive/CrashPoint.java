package dev.freshet.offline.archive;

/**
 * A test seam at the steps of a commit where a crash is most likely to break consistency. The
 * archive calls {@link #reached} at each; production uses {@link #NONE}. A test's implementation
 * throws to simulate the process dying there: what was written stays on disk, nothing after runs.
 */
@FunctionalInterface
interface CrashPoint {

    /** The steps, in the order a commit passes them. */
    enum Stage {
        /** New Parquet files are written and synced; the manifest does not list them yet. */
        FILES_WRITTEN,
        /** The new manifest is written to its temporary file; the old one is still in place. */
        MANIFEST_STAGED,
        /** Compaction's sorted outputs are written; the manifest still lists the inputs. */
        COMPACTION_WRITTEN,
        /** The manifest lists compaction's outputs; the inputs are not deleted yet. */
        COMPACTION_COMMITTED
    }

    CrashPoint NONE = (stage, source) -> {
    };

    void reached(Stage stage, String source);
}
