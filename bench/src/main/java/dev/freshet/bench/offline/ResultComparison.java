package dev.freshet.bench.offline;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares two result files of the same query row by row (the n-th row of one with the n-th of the
 * other, both being in spine order), in DuckDB SQL. Sums agree within a relative 1e-9 (they are added
 * in different orders); a null on one side and 0 on the other is counted apart, as {@code nullVsZero},
 * not as a mismatch (whether an empty window reads null or 0 is a matter of the entity's status).
 *
 * @param rows          rows in the larger file
 * @param missing       rows present in one file only
 * @param spineMismatch rows whose user_id, ts or label differ
 * @param valueMismatch rows whose feature values differ
 * @param nullVsZero    sums that are null on one side and 0 on the other
 * @param examples      a few differing rows, for the reader
 */
record ResultComparison(long rows, long missing, long spineMismatch, long valueMismatch, long nullVsZero, List<String> examples) {

    boolean agree() {
        return missing == 0 && spineMismatch == 0 && valueMismatch == 0;
    }

    static ResultComparison compare(Path a, Path b, JoinSide.Query query) throws SQLException {
        String f = query.feature;
        String differs = switch (query) {
            case LAST -> "a." + f + " IS DISTINCT FROM b." + f;
            case SUM -> "abs(coalesce(a." + f + ", 0) - coalesce(b." + f + ", 0)) > 1e-9 * greatest(1, abs(a." + f + "), abs(b." + f + "))";
        };
        String nullVsZero = query == JoinSide.Query.SUM
                ? "((a." + f + " IS NULL) <> (b." + f + " IS NULL)) AND NOT (" + differs + ")" : "false";
        String spineDiffers = "a.user_id IS DISTINCT FROM b.user_id OR epoch_ms(a.ts) IS DISTINCT FROM epoch_ms(b.ts)"
                + " OR a.label IS DISTINCT FROM b.label";
        String joined = "(SELECT * FROM read_parquet('" + a.toAbsolutePath() + "', file_row_number = true)) a FULL JOIN"
                + " (SELECT * FROM read_parquet('" + b.toAbsolutePath() + "', file_row_number = true)) b"
                + " ON a.file_row_number = b.file_row_number";
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            long[] counts = new long[5];
            try (ResultSet rs = st.executeQuery("SELECT count(*),"
                    + " count(*) FILTER (WHERE a.file_row_number IS NULL OR b.file_row_number IS NULL),"
                    + " count(*) FILTER (WHERE " + spineDiffers + "),"
                    + " count(*) FILTER (WHERE " + differs + "),"
                    + " count(*) FILTER (WHERE " + nullVsZero + ") FROM " + joined)) {
                rs.next();
                for (int i = 0; i < counts.length; i++) {
                    counts[i] = rs.getLong(i + 1);
                }
            }
            List<String> examples = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT coalesce(a.file_row_number, b.file_row_number), a.user_id, a.ts, a." + f
                    + ", b.user_id, b.ts, b." + f + " FROM " + joined + " WHERE a.file_row_number IS NULL OR b.file_row_number IS NULL OR "
                    + spineDiffers + " OR " + differs + " ORDER BY 1 LIMIT 5")) {
                while (rs.next()) {
                    examples.add("row " + rs.getLong(1) + ": " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4) + " | "
                            + rs.getString(5) + " " + rs.getString(6) + " " + rs.getString(7));
                }
            }
            return new ResultComparison(counts[0], counts[1], counts[2], counts[3], counts[4], examples);
        }
    }

    @Override
    public String toString() {
        return rows + " rows: " + missing + " missing, " + spineMismatch + " spine mismatches, " + valueMismatch + " value mismatches, "
                + nullVsZero + " null-vs-0" + (examples.isEmpty() ? "" : "; first differences: " + examples);
    }
}
