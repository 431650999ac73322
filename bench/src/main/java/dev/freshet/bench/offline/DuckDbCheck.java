package dev.freshet.bench.offline;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks the DuckDB side's SQL on small data against a naive nested loop in Java that states
 * Freshet's semantics directly: {@code last} = the item of the latest event with {@code ts < t}
 * (ties: the later partition/offset); {@code sum} over 1 h = the prices of the events with
 * {@code floor_tile(t − 1h) ≤ ts < t}, null when the user has no event before {@code t}. Also
 * counts the spine rows that sit on the edges, to show they were exercised. Exits with 1 on a mismatch.
 *
 * <pre>
 * java [Arrow flags] -cp bench/target/benchmarks.jar dev.freshet.bench.offline.DuckDbCheck [dir] [events] [entities] [days] [spine rows] [seed]
 * </pre>
 * Defaults: target/offline-check 10000 200 2 2000 7.
 */
public final class DuckDbCheck {

    private DuckDbCheck() {
    }

    private record E(long ts, int partition, long offset, String item, double price) {
    }

    public static void main(String[] args) throws Exception {
        String[] withDefaults = {"target/offline-check", "10000", "200", "2", "2000", "7"};
        System.arraycopy(args, 0, withDefaults, 0, Math.min(args.length, withDefaults.length));
        OfflineWorkload w = OfflineWorkload.fromArgs(withDefaults, 0);
        OfflineDataGenerator.generateIfMissing(w);
        Map<String, List<E>> events = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT user_id, epoch_ms(_freshet_event_time), _freshet_partition, _freshet_offset, item_id, price"
                     + " FROM read_parquet('" + w.eventsGlob() + "')")) {
            while (rs.next()) {
                events.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                        .add(new E(rs.getLong(2), rs.getInt(3), rs.getLong(4), rs.getString(5), rs.getDouble(6)));
            }
        }
        boolean ok = true;
        for (DuckDbSide.SumPlan plan : DuckDbSide.SumPlan.values()) {
            DuckDbSide side = new DuckDbSide(plan);
            for (JoinSide.Query q : JoinSide.Query.values()) {
                if (q == JoinSide.Query.LAST && plan != DuckDbSide.SumPlan.PREFIX) {
                    continue;
                }
                Path out = w.resultsDir().resolve("check-" + q.feature + "-" + plan + ".parquet").toAbsolutePath();
                java.nio.file.Files.createDirectories(out.getParent());
                java.nio.file.Files.deleteIfExists(out);
                long start = System.nanoTime();
                side.run(w, q, out, 0);
                double seconds = (System.nanoTime() - start) / 1e9;
                ok &= check(w, q, plan, out, events, seconds);
            }
        }
        System.out.println(ok ? "DuckDB SQL agrees with the naive loop" : "MISMATCHES: see above");
        System.exit(ok ? 0 : 1);
    }

    private static boolean check(OfflineWorkload w, JoinSide.Query q, DuckDbSide.SumPlan plan, Path out, Map<String, List<E>> events,
                                 double seconds) throws SQLException {
        long rows = 0;
        long mismatches = 0;
        long nullVsZero = 0;
        long atEventTime = 0;
        long flooredIn = 0;
        long nonNull = 0;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT user_id, epoch_ms(ts), " + q.feature + " FROM read_parquet('" + out + "')")) {
            while (rs.next()) {
                rows++;
                String user = rs.getString(1);
                long t = rs.getLong(2);
                long lo = Math.floorDiv(t - OfflineWorkload.WINDOW_MS, OfflineWorkload.TILE_MS) * OfflineWorkload.TILE_MS;
                E last = null;
                boolean any = false;
                double sum = 0;
                for (E e : events.getOrDefault(user, List.of())) {
                    atEventTime += e.ts == t ? 1 : 0;
                    flooredIn += e.ts >= lo && e.ts < t - OfflineWorkload.WINDOW_MS ? 1 : 0;
                    if (e.ts >= t) {
                        continue;
                    }
                    any = true;
                    if (e.ts >= lo) {
                        sum += e.price;
                    }
                    if (e.item != null && (last == null || e.ts > last.ts || e.ts == last.ts
                            && (e.partition > last.partition || e.partition == last.partition && e.offset > last.offset))) {
                        last = e;
                    }
                }
                boolean match;
                if (q == JoinSide.Query.LAST) {
                    String expected = last == null ? null : last.item;
                    match = java.util.Objects.equals(expected, rs.getString(3));
                    nonNull += expected == null ? 0 : 1;
                } else {
                    Double expected = any ? sum : null;
                    double got = rs.getDouble(3);
                    boolean gotNull = rs.wasNull();
                    nonNull += expected == null ? 0 : 1;
                    match = expected == null ? gotNull || plan == DuckDbSide.SumPlan.RANGE && got == 0
                            : gotNull ? plan == DuckDbSide.SumPlan.RANGE && expected == 0
                            : Math.abs(got - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
                    if (match && gotNull != (expected == null)) {
                        nullVsZero++;
                    }
                }
                if (!match) {
                    if (mismatches++ < 5) {
                        System.out.printf(Locale.ROOT, "  mismatch: %s at %d: DuckDB %s, naive %s%n", user, t, rs.getString(3),
                                q == JoinSide.Query.LAST ? (last == null ? null : last.item) : (any ? Double.toString(sum) : null));
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s (%s): %,d rows in %.2f s, %,d non-null, %,d mismatches, %,d null-vs-0; edges exercised: "
                        + "%,d rows at an event's exact time, %,d events in [floor_tile(t-1h), t-1h)%n",
                q.feature, q == JoinSide.Query.LAST ? "ASOF" : plan, rows, seconds, nonNull, mismatches, nullVsZero, atEventTime, flooredIn);
        return mismatches == 0 && rows == w.spine();
    }
}
