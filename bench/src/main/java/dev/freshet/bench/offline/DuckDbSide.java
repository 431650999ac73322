package dev.freshet.bench.offline;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The DuckDB side: one SQL statement per query, reading the archive and the spine from Parquet and
 * writing the result with {@code COPY ... TO}. An in-memory database with DuckDB's defaults (threads =
 * cores, memory limit 80 % of RAM); the memory budget is not passed on.
 *
 * <p>Both queries follow Freshet's semantics (see the README): events at exactly the spine time
 * {@code t} are excluded; the 1-hour window starts at {@code floor_tile(t − 1h)}, tile = 1 minute,
 * computed in integer milliseconds. The spine's order is kept through {@code file_row_number}.
 */
final class DuckDbSide implements JoinSide {

    /**
     * How the windowed sum is written in SQL ({@code -Dfreshet.bench.duckdbSum=range|prefix}). RANGE is the
     * default: 2 – 3 times faster than PREFIX at 200 k events, 100 per user (0.07 – 0.10 s against 0.20 – 0.22 s);
     * both cost grows with the data at the same rate at 100 events per user, PREFIX wins when users have many more events.
     */
    enum SumPlan {
        /** A hash join on user_id with the window as a range condition, then a GROUP BY per spine row; null for an empty window. */
        RANGE,
        /**
         * Prefix sums: a running sum per user over the events (a window), then two ASOF joins, at
         * {@code t} and at the window's start; the feature is their difference. Null when the user has
         * no event before {@code t}, 0 when only the window is empty (Freshet's PRESENT with 0). The
         * difference of two running sums can differ from a direct sum in the last bits.
         */
        PREFIX
    }

    private final SumPlan sumPlan;

    DuckDbSide() {
        this(SumPlan.valueOf(System.getProperty("freshet.bench.duckdbSum", SumPlan.RANGE.name()).toUpperCase(Locale.ROOT)));
    }

    DuckDbSide(SumPlan sumPlan) {
        this.sumPlan = sumPlan;
    }

    @Override
    public void prepare(OfflineWorkload w) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
        }
    }

    @Override
    public void run(OfflineWorkload w, Query query, Path out, long memoryBudget) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute(sql(w, query, out));
        }
    }

    String sql(OfflineWorkload w, Query query, Path out) {
        return "COPY (" + select(w, query) + ") TO '" + out.toAbsolutePath() + "' (FORMAT parquet)";
    }

    /** The query, without the COPY around it: the spine's columns and the feature, in spine order. */
    String select(OfflineWorkload w, Query query) {
        String spine = "SELECT user_id, ts, label, file_row_number AS rn, epoch_ms(ts) AS t,"
                + " (epoch_ms(ts) // 60000) * 60000 - 3600000 AS lo"
                + " FROM read_parquet('" + w.spineFile().toAbsolutePath() + "', file_row_number = true)";
        String events = "read_parquet('" + w.eventsGlob() + "')";
        return switch (query) {
            case LAST -> "SELECT s.user_id, s.ts, s.label, e.item_id AS last_item"
                    + " FROM (" + spine + ") s"
                    + " ASOF LEFT JOIN (SELECT user_id, _freshet_event_time AS et, item_id FROM " + events + " WHERE item_id IS NOT NULL) e"
                    + " ON s.user_id = e.user_id AND s.ts > e.et"
                    + " ORDER BY s.rn";
            case SUM -> switch (sumPlan) {
                // the default RANGE frame puts events of a user at the same time in one running sum, so ties are right
                case PREFIX -> "WITH e AS MATERIALIZED (SELECT user_id, epoch_ms(_freshet_event_time) AS et,"
                        + " sum(price) OVER (PARTITION BY user_id ORDER BY _freshet_event_time) AS cum FROM " + events + "),"
                        + " s AS (" + spine + ")"
                        + " SELECT s.user_id, s.ts, s.label, hi.cum - coalesce(lo.cum, 0) AS spend_1h"
                        + " FROM s ASOF LEFT JOIN e hi ON s.user_id = hi.user_id AND s.t > hi.et"
                        + " ASOF LEFT JOIN e lo ON s.user_id = lo.user_id AND s.lo > lo.et"
                        + " ORDER BY s.rn";
                case RANGE -> "SELECT s.user_id, s.ts, s.label, sum(e.price) AS spend_1h"
                        + " FROM (" + spine + ") s"
                        + " LEFT JOIN (SELECT user_id, epoch_ms(_freshet_event_time) AS et, price FROM " + events + ") e"
                        + " ON s.user_id = e.user_id AND e.et >= s.lo AND e.et < s.t"
                        + " GROUP BY s.rn, s.user_id, s.ts, s.label"
                        + " ORDER BY s.rn";
            };
        };
    }
}
