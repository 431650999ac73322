package dev.freshet.bench.offline;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One measurement, in a JVM of its own (started by {@link OfflineJoinBenchmark}): runs one side's
 * query and prints, on its last line, its wall time (the query, after {@link JoinSide#prepare};
 * the start-up is printed apart), its peak resident set ({@code VmHWM}: the
 * whole process, JVM and native memory of Arrow or DuckDB together) and its peak heap.
 *
 * <p>With {@code -Dfreshet.bench.runs=N} (default 1) the query runs N times in the same JVM, each
 * writing the output afresh: {@code wall_s} is still the first, cold run (a fresh JVM, as a one-off
 * {@code freshet training-set} is), {@code warm_s} the median of the second half of the runs (a process
 * that has served the query a few times before, its JIT done, as a running Freshet serving training sets
 * over Flight is), {@code walls} every run.
 * Peak RSS and heap are the process's, over all runs.
 *
 * <pre>
 * java -Xmx2g [Arrow flags] -cp bench/target/benchmarks.jar dev.freshet.bench.offline.MeasuredRun
 *      duckdb|freshet|baseline last|sum out.parquet memory-budget-bytes [workload arguments]
 * </pre>
 * {@code baseline} runs nothing: the footprint of the JVM alone, to read the others against.
 */
public final class MeasuredRun {

    /** The prefix of the result line the driver parses. */
    static final String RESULT = "RESULT ";
    /** The system property of the number of runs in the JVM. */
    static final String RUNS = "freshet.bench.runs";

    private MeasuredRun() {
    }

    public static void main(String[] args) throws Exception {
        String side = args[0];
        JoinSide.Query query = JoinSide.Query.valueOf(args[1].toUpperCase(Locale.ROOT));
        Path out = Path.of(args[2]);
        long memoryBudget = Long.parseLong(args[3]);
        OfflineWorkload workload = OfflineWorkload.fromArgs(args, 4);
        Files.deleteIfExists(out);
        Files.createDirectories(out.toAbsolutePath().getParent());
        JoinSide join = switch (side) {
            case "duckdb" -> new DuckDbSide();
            case "freshet" -> freshet();
            case "baseline" -> null;
            default -> throw new IllegalArgumentException("side must be duckdb, freshet or baseline, not " + side);
        };
        int runs = Integer.getInteger(RUNS, 1);
        if (runs < 1) {
            throw new IllegalArgumentException(RUNS + " must be at least 1, not " + runs);
        }
        long start = System.nanoTime();
        if (join != null) {
            join.prepare(workload);
        }
        long prepared = System.nanoTime();
        double[] walls = new double[runs];
        for (int i = 0; i < runs; i++) {
            Files.deleteIfExists(out);
            long begin = System.nanoTime();
            if (join != null) {
                join.run(workload, query, out, memoryBudget);
            }
            walls[i] = (System.nanoTime() - begin) / 1e9;
            if (runs > 1) {
                System.out.printf(Locale.ROOT, "run %d of %d: %.3f s%n", i + 1, runs, walls[i]);
            }
        }
        StringBuilder all = new StringBuilder();
        for (double x : walls) {
            all.append(all.isEmpty() ? "" : ",").append(String.format(Locale.ROOT, "%.3f", x));
        }
        System.out.printf(Locale.ROOT, RESULT + "side=%s query=%s wall_s=%.3f warm_s=%.3f walls=%s startup_s=%.3f rss_peak_kib=%d heap_peak_bytes=%d%n",
                side, query.name().toLowerCase(Locale.ROOT), walls[0], warm(walls), all, (prepared - start) / 1e9, peakRssKib(), peakHeapBytes());
    }

    /** The median of the second half of the runs (the later one of two); NaN when there is only one. */
    static double warm(double[] walls) {
        if (walls.length < 2) {
            return Double.NaN;
        }
        double[] later = java.util.Arrays.copyOfRange(walls, walls.length / 2, walls.length);
        java.util.Arrays.sort(later);
        int n = later.length;
        return n % 2 == 1 ? later[n / 2] : (later[n / 2 - 1] + later[n / 2]) / 2;
    }

    private static JoinSide freshet() {
        return new FreshetJoinSide();
    }

    /** {@code VmHWM} of this process, KiB; -1 where /proc is not there. */
    static long peakRssKib() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    /** The sum of the heap pools' peak usage: an upper bound of the peak heap used at one instant. */
    static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
