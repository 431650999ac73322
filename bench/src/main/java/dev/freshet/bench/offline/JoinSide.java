package dev.freshet.bench.offline;

import java.nio.file.Path;

/**
 * One side of the comparison: computes a query's training set over the workload's data and writes
 * it as Parquet, in spine order, with the spine's columns then the feature's. Each run happens in a
 * child JVM of its own ({@link MeasuredRun}), so that its peak memory is its own.
 */
interface JoinSide {

    /** The two queries of issue 5, each a single feature of the view {@code user_activity}. */
    enum Query {
        /** {@code last_item}: the lifetime {@code last} of item_id, against DuckDB's ASOF join. */
        LAST("last_item"),
        /** {@code spend_1h}: the 1-hour {@code sum} of price, against DuckDB's equivalent window. */
        SUM("spend_1h");

        final String feature;

        Query(String feature) {
            this.feature = feature;
        }
    }

    /**
     * Loads what a first use would load (native libraries), outside the measured time: the figure is
     * the query, not the library's start-up. The driver reports this time apart.
     */
    void prepare(OfflineWorkload workload) throws Exception;

    /**
     * @param memoryBudget bytes the side may use for its own buffers, where it takes such a setting
     */
    void run(OfflineWorkload workload, Query query, Path out, long memoryBudget) throws Exception;
}
