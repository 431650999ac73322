package dev.freshet.bench.offline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 5: Freshet's point-in-time join against DuckDB on the same generated Parquet data, for a
 * lifetime {@code last} (DuckDB: {@code ASOF LEFT JOIN}) and a 1-hour {@code sum} (DuckDB: see
 * {@link DuckDbSide}). Generates the data unless it is there already, then measures each
 * (side, query) in a child JVM of its own, one after the other: a JVM that runs nothing (the
 * baseline), DuckDB last, DuckDB sum, Freshet last, Freshet sum. Each child reports its wall time,
 * peak RSS and peak heap. Then the two sides' results are compared row by row, and a Markdown table
 * row per query is printed (ratio = Freshet wall / DuckDB wall; goal: below 1.0).
 *
 * <pre>
 * java -Xmx2g [Arrow flags] -cp bench/target/benchmarks.jar dev.freshet.bench.offline.OfflineJoinBenchmark \
 *      [dir] [events] [entities] [days] [spine rows] [seed] [sides: both|duckdb|freshet] [Freshet memory budget MiB] [child -Xmx]
 *      [runs per warm child JVM] [cold child JVMs per side]
 * </pre>
 * Defaults: target/offline-bench 10000000 100000 7 1000000 42 both 1024 2g 8 3. Each (side, query) is measured cold, in
 * children that run it once (a fresh JVM, as a one-off {@code freshet training-set} is): the two sides' cold children
 * alternate, DuckDB then Freshet, round after round, so that a drift of the machine's speed meets both, and the median
 * child's time is reported, with the largest peak RSS and heap of them. Then warm, in one more child per side that runs
 * it that many times: the median of the second half of its runs (a process that has run the query a few times before,
 * as a running Freshet serving training sets over Flight has). Both are reported, with their ratios; 1 run per warm
 * child skips the warm children. The system property
 * {@code freshet.bench.duckdbSum} (range, the default, or prefix) picks DuckDB's plan for the sum; it is passed on to the children.
 */
public final class OfflineJoinBenchmark {

    private OfflineJoinBenchmark() {
    }

    /** What a child reported. */
    record Measurement(String side, JoinSide.Query query, double wallSeconds, double warmSeconds, String walls, double startupSeconds,
                       long rssPeakKib, long heapPeakBytes, double processSeconds, String coldWalls) {

        /** This cold measurement with the warm time (and runs) of another child. */
        Measurement withWarm(Measurement warm) {
            return new Measurement(side, query, wallSeconds, warm.warmSeconds(), warm.walls(), startupSeconds, rssPeakKib, heapPeakBytes,
                    processSeconds, coldWalls);
        }

        /** Cold children of one (side, query): the median child's times, the largest peaks, every child's wall time. */
        static Measurement median(List<Measurement> cold) {
            List<Measurement> byWall = cold.stream().sorted(java.util.Comparator.comparingDouble(Measurement::wallSeconds)).toList();
            Measurement mid = byWall.get((byWall.size() - 1) / 2);
            String walls = String.join(",", cold.stream().map(c -> String.format(Locale.ROOT, "%.3f", c.wallSeconds())).toList());
            return new Measurement(mid.side(), mid.query(), mid.wallSeconds(), Double.NaN, "", mid.startupSeconds(),
                    cold.stream().mapToLong(Measurement::rssPeakKib).max().orElseThrow(),
                    cold.stream().mapToLong(Measurement::heapPeakBytes).max().orElseThrow(), mid.processSeconds(), walls);
        }
    }

    public static void main(String[] args) throws Exception {
        OfflineWorkload w = OfflineWorkload.fromArgs(args, 0);
        String sides = args.length > 6 ? args[6] : "both";
        long budget = (args.length > 7 ? Long.parseLong(args[7]) : 1024) << 20;
        String xmx = args.length > 8 ? args[8] : "2g";
        int runs = args.length > 9 ? Integer.parseInt(args[9]) : 8;
        int coldChildren = args.length > 10 ? Integer.parseInt(args[10]) : 3;
        if (runs < 1 || coldChildren < 1) {
            throw new IllegalArgumentException("runs per warm child and cold children must be at least 1, not " + runs + " and " + coldChildren);
        }
        OfflineDataGenerator.generateIfMissing(w);
        Files.createDirectories(w.resultsDir());
        System.out.printf(Locale.ROOT, "workload: %s%nchildren: -Xmx%s, %d cold per side, %d runs per warm one, Freshet memory budget %d MiB,"
                + " DuckDB sum plan %s, %d cores%n", w, xmx, coldChildren, runs, budget >> 20, System.getProperty("freshet.bench.duckdbSum", "range"), Runtime.getRuntime().availableProcessors());

        Measurement baseline = measure("baseline", JoinSide.Query.LAST, w, budget, xmx, 1);
        Map<String, Measurement> m = new LinkedHashMap<>();
        List<String> measured = List.of("duckdb", "freshet").stream().filter(side -> sides.equals("both") || sides.equals(side)).toList();
        for (JoinSide.Query q : JoinSide.Query.values()) {
            Map<String, List<Measurement>> cold = new LinkedHashMap<>();
            for (int round = 0; round < coldChildren; round++) {
                for (String side : measured) {
                    if (cold.containsKey(side) && cold.get(side) == null) {
                        continue; // failed before
                    }
                    try {
                        cold.computeIfAbsent(side, k -> new ArrayList<>()).add(measure(side, q, w, budget, xmx, 1));
                    } catch (IllegalStateException e) {
                        System.out.println("  " + side + " " + q + " failed: " + e.getMessage());
                        cold.put(side, null);
                    }
                }
            }
            for (String side : measured) {
                if (cold.get(side) == null) {
                    continue;
                }
                try {
                    Measurement median = Measurement.median(cold.get(side));
                    m.put(side + q, runs > 1 ? median.withWarm(measure(side, q, w, budget, xmx, runs)) : median);
                } catch (IllegalStateException e) {
                    System.out.println("  " + side + " " + q + " warm failed: " + e.getMessage());
                }
            }
        }

        Map<JoinSide.Query, ResultComparison> agreement = new LinkedHashMap<>();
        for (JoinSide.Query q : JoinSide.Query.values()) {
            if (m.containsKey("duckdb" + q) && m.containsKey("freshet" + q)) {
                ResultComparison c = ResultComparison.compare(out(w, "freshet", q), out(w, "duckdb", q), q);
                agreement.put(q, c);
                System.out.printf(Locale.ROOT, "agreement %s (Freshet vs DuckDB): %s%n", q.feature, c);
            }
        }

        System.out.println();
        System.out.println("| query | Freshet cold | DuckDB cold | ratio cold | Freshet warm | DuckDB warm | ratio warm | Freshet peak RSS"
                + " | DuckDB peak RSS | Freshet peak heap | DuckDB peak heap | rows agree |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (JoinSide.Query q : JoinSide.Query.values()) {
            Measurement f = m.get("freshet" + q);
            Measurement d = m.get("duckdb" + q);
            ResultComparison c = agreement.get(q);
            System.out.printf(Locale.ROOT, "| %s (%s) | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    q.feature, q == JoinSide.Query.LAST ? "ASOF LEFT JOIN" : "1 h window",
                    seconds(f == null ? Double.NaN : f.wallSeconds()), seconds(d == null ? Double.NaN : d.wallSeconds()),
                    ratio(f == null ? Double.NaN : f.wallSeconds(), d == null ? Double.NaN : d.wallSeconds()),
                    seconds(f == null ? Double.NaN : f.warmSeconds()), seconds(d == null ? Double.NaN : d.warmSeconds()),
                    ratio(f == null ? Double.NaN : f.warmSeconds(), d == null ? Double.NaN : d.warmSeconds()),
                    f == null ? "—" : mib(f.rssPeakKib() << 10), d == null ? "—" : mib(d.rssPeakKib() << 10),
                    f == null ? "—" : mib(f.heapPeakBytes()), d == null ? "—" : mib(d.heapPeakBytes()),
                    c == null ? "—" : c.agree() ? "yes (" + c.nullVsZero() + " null-vs-0)" : "**no**: " + c.valueMismatch() + " values, "
                            + c.spineMismatch() + " spine, " + c.missing() + " missing");
        }
        System.out.printf(Locale.ROOT, "anchor, same run: a JVM that runs nothing: peak RSS %s, peak heap %s%n",
                mib(baseline.rssPeakKib() << 10), mib(baseline.heapPeakBytes()));
        System.out.println("raw:");
        for (Measurement x : m.values()) {
            System.out.println("  " + x);
        }
    }

    static Path out(OfflineWorkload w, String side, JoinSide.Query q) {
        return w.resultsDir().resolve(side + "-" + q.feature + ".parquet").toAbsolutePath();
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "—" : String.format(Locale.ROOT, "%.2f s", s);
    }

    private static String ratio(double freshet, double duckdb) {
        return Double.isNaN(freshet) || Double.isNaN(duckdb) ? "—" : String.format(Locale.ROOT, "**%.2f**", freshet / duckdb);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,d MiB", bytes >> 20);
    }

    /** Runs one measurement in a child JVM and parses its result line. */
    private static Measurement measure(String side, JoinSide.Query q, OfflineWorkload w, long budget, String xmx, int runs)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + xmx,
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        String plan = System.getProperty("freshet.bench.duckdbSum");
        if (plan != null) {
            cmd.add("-Dfreshet.bench.duckdbSum=" + plan);
        }
        cmd.add("-D" + MeasuredRun.RUNS + "=" + runs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), MeasuredRun.class.getName(), side, q.name(),
                out(w, side, q).toString(), Long.toString(budget)));
        cmd.addAll(w.toArgs());
        System.out.printf(Locale.ROOT, "%s %s: child JVM ...%n", side, side.equals("baseline") ? "" : q.feature);
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String result = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                System.out.println("    | " + line);
                if (line.startsWith(MeasuredRun.RESULT)) {
                    result = line;
                }
            }
        }
        int rc = p.waitFor();
        double process = (System.nanoTime() - start) / 1e9;
        if (rc != 0 || result == null) {
            throw new IllegalStateException("the child exited with " + rc + (result == null ? " and no result line" : ""));
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : result.substring(MeasuredRun.RESULT.length()).split(" ")) {
            String[] pair = part.split("=", 2);
            kv.put(pair[0], pair[1]);
        }
        Measurement x = new Measurement(side, q, Double.parseDouble(kv.get("wall_s")), Double.parseDouble(kv.get("warm_s")), kv.get("walls"),
                Double.parseDouble(kv.get("startup_s")), Long.parseLong(kv.get("rss_peak_kib")),
                Long.parseLong(kv.get("heap_peak_bytes")), process, kv.get("wall_s"));
        System.out.printf(Locale.ROOT, "  %s %s: cold %.2f s, warm %s (runs: %s), peak RSS %s, peak heap %s (process %.2f s)%n", side, q.feature,
                x.wallSeconds(), seconds(x.warmSeconds()), x.walls(), mib(x.rssPeakKib() << 10), mib(x.heapPeakBytes()), process);
        return x;
    }
}
