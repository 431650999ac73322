package dev.freshet.bench.lookup;

import dev.freshet.app.api.ApiServer;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.online.OnlineStore;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Lookup throughput and latency over HTTP: {@code POST /get-online-features} (Feast's request shape)
 * of the 7 features of the README's example view for 1 and for 100 users, served by the API server
 * started in this JVM on RocksDB (as configured by default, with its cache of decoded tiles) and on
 * Redis, filled with the {@link LookupData} workload and looking up at the end of the data (a fixed
 * clock). Users are drawn uniformly, afresh for every request (so about a third of RocksDB lookups
 * find their user in the cache). Run from the repository root.
 *
 * <p>For each backend: {@code wrk -t2 -c32 --latency} (closed loop: 32 requests in flight) for 1
 * and 100 users, each after a 5-second wrk warm-up that is not counted; then single-user lookups at
 * a fixed rate ({@link FixedRateLoad}, open loop, latency from the scheduled send time, after a
 * 10-second warm-up) at half the anchor's rate (when the server can go that fast at all) and at half
 * the server's own wrk rate. The anchor, in the same run against the same redis-server that holds
 * the Redis backend's tiles: {@code redis-benchmark -t get -c 32 -P 1} (non-pipelined GETs of a
 * 3-byte value), the median of three runs. Each run also reports the cores used by this JVM, the
 * load generator and redis-server, and this JVM's garbage-collection pauses and allocation per lookup.
 *
 * <p>The load generators, the API server (2 event loops by default), the store and redis-server
 * all share the machine's cores; on a 2-core VM the generator takes a large share of them, so the
 * throughputs are lower bounds of what the server alone would do.
 *
 * <pre>
 * java -Xmx2g -cp bench/target/benchmarks.jar dev.freshet.bench.lookup.LookupHttpBenchmark [seconds per run, default 20] [backends, default rocksdb,redis] [all|goals]
 * </pre>
 *
 * <p>{@code goals} runs only what the goals are measured by (single-user wrk, then the fixed rate at half the
 * anchor's), a minute shorter per backend, for alternating runs of two builds. {@code -Dfreshet.bench.eventLoops=N}
 * gives the server N event loops instead of one per core.
 */
public final class LookupHttpBenchmark {

    static final int WRK_THREADS = 2;
    static final int CONNECTIONS = 32;
    static final int WARMUP_SECONDS = 5;
    static final int FIXED_RATE_WARMUP_SECONDS = 10;
    static final long SEED = 42;

    private LookupHttpBenchmark() {
    }

    /**
     * One load run: what the generator measured; the cores (CPU seconds per second of the run) used
     * by this JVM (API server and store), the load generator and redis-server; this JVM's garbage
     * collections (count, pause time) and bytes allocated per lookup; or why it was not run.
     */
    private record Row(String backend, String load, LoadTools.Result result, double serverCores, double generatorCores,
                       double redisCores, long gcs, long gcMillis, double bytesPerLookup, String note) {

        String gc() {
            return gcs == 0 ? "none" : String.format(Locale.ROOT, "%d, avg %.0f ms; %.0f KB/lookup", gcs, (double) gcMillis / gcs,
                    bytesPerLookup / 1024);
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        List<String> backends = args.length > 1 ? List.of(args[1].split(",")) : List.of("rocksdb", "redis");
        boolean all = args.length <= 2 || switch (args[2]) {
            case "all" -> true;
            case "goals" -> false;
            default -> throw new IllegalArgumentException("the third argument is all or goals, not " + args[2]);
        };
        Path dir = Files.createTempDirectory("freshet-bench-http-");
        List<Row> rows = new ArrayList<>();
        double redisGet;
        try (RedisProcess redis = RedisProcess.start()) {
            LookupData data = LookupData.generate(LookupData.exampleConfig(LookupData.rocksDb(dir.resolve("online"))), SEED);
            String prefix = data.requestPrefix();
            Path prefixFile = Files.writeString(dir.resolve("request-prefix.json"), prefix);
            Path script1 = LoadTools.wrkScript(dir, prefix, 1);
            Path script100 = LoadTools.wrkScript(dir, prefix, 100);
            SplittableRandom random = new SplittableRandom(SEED);

            double[] gets = new double[3];
            for (int i = 0; i < gets.length; i++) {
                gets[i] = LoadTools.redisBenchmarkGet(redis.port(), 200_000, CONNECTIONS);
            }
            Arrays.sort(gets);
            redisGet = gets[1];
            System.out.printf(Locale.ROOT, "anchor: redis-benchmark -t get -c %d -P 1: %,.0f GET/s (runs: %s)%n", CONNECTIONS, redisGet,
                    Arrays.stream(gets).mapToObj(g -> String.format(Locale.ROOT, "%,.0f", g)).collect(Collectors.joining(", ")));

            for (String backend : backends) {
                String settings = backend.equals("redis") ? LookupData.redis(redis) : LookupData.rocksDb(dir.resolve("online"));
                FreshetConfig example = LookupData.exampleConfig(settings);
                FreshetConfig config = example.withApi(example.api().withPort(0));
                OnlineStore store = OnlineStore.open(config);
                try {
                    long start = System.nanoTime();
                    data.populate(store);
                    if (backend.equals("rocksdb")) {
                        // reopened, the store reads from SST files, as a serving store does
                        store.close();
                        store = OnlineStore.open(config);
                    }
                    System.out.printf(Locale.ROOT, "%s: %,d tiles written in %.1f s%n", backend, LookupData.USERS * LookupData.TILES,
                            (System.nanoTime() - start) / 1e9);
                    ApiServer.Builder builder = ApiServer.builder().config(config).store(store)
                            .clock(Clock.fixed(Instant.ofEpochMilli(LookupData.NOW), ZoneOffset.UTC));
                    Integer loops = Integer.getInteger("freshet.bench.eventLoops");
                    if (loops != null) {
                        builder.eventLoops(loops);
                    }
                    try (ApiServer api = builder.build().start()) {
                        String url = api.url() + "/get-online-features";
                        check(url, LookupData.requestBody(prefix, LookupData.sample(random, 1)));
                        check(url, LookupData.requestBody(prefix, LookupData.sample(random, 100)));
                        LoadTools.Result single = measure(backend, "wrk, 1 user", url, script1, seconds, redis, rows);
                        if (all) {
                            measure(backend, "wrk, 100 users", url, script100, seconds, redis, rows);
                        }
                        int half = (int) (redisGet / 2);
                        String load = String.format(Locale.ROOT, "1 user at %,d/s (half the redis-benchmark GET rate)", half);
                        if (half > 1.1 * single.requestsPerSecond()) {
                            // open loop above the closed-loop maximum: the queue, and so every percentile, grows for as long as it runs
                            String note = String.format(Locale.ROOT, "not run: above this server's wrk maximum of %,.0f/s", single.requestsPerSecond());
                            System.out.printf(Locale.ROOT, "%s, %s: %s%n", backend, load, note);
                            rows.add(new Row(backend, load, null, Double.NaN, Double.NaN, Double.NaN, 0, 0, Double.NaN, note));
                        } else {
                            fixedRate(backend, url, half, load, seconds, prefixFile, redis, rows);
                        }
                        int own = (int) (single.requestsPerSecond() / 2);
                        if (all) {
                            fixedRate(backend, url, own, String.format(Locale.ROOT, "1 user at %,d/s (half its own wrk rate)", own),
                                    seconds, prefixFile, redis, rows);
                        }
                    }
                } finally {
                    store.close();
                }
            }
        } finally {
            LookupData.deleteTree(dir);
        }
        print(rows, redisGet);
    }

    private static LoadTools.Result measure(String backend, String load, String url, Path script, int seconds, RedisProcess redis,
                                            List<Row> rows) throws IOException, InterruptedException {
        LoadTools.wrk(url, script, WRK_THREADS, CONNECTIONS, WARMUP_SECONDS);
        Cpu before = Cpu.now(redis);
        LoadTools.Result r = LoadTools.wrk(url, script, WRK_THREADS, CONNECTIONS, seconds);
        Row row = before.row(backend, load, r, Cpu.now(redis), r.requestsPerSecond() * seconds);
        System.out.printf(Locale.ROOT, "%s, %s: %,.0f lookups/s, p50 %s, p99 %s, errors %d; cores: server %.2f, wrk %.2f, redis %.2f; "
                        + "server GCs: %s%n", backend, load, r.requestsPerSecond(), LoadTools.micros(r.p50()), LoadTools.micros(r.p99()),
                r.errors(), row.serverCores(), row.generatorCores(), row.redisCores(), row.gc());
        rows.add(row);
        return r;
    }

    private static void fixedRate(String backend, String url, int rate, String load, int seconds, Path requestPrefix, RedisProcess redis,
                                  List<Row> rows) throws IOException, InterruptedException {
        Cpu before = Cpu.now(redis);
        LoadTools.Result r = LoadTools.fixedRate(url, rate, seconds, FIXED_RATE_WARMUP_SECONDS, CONNECTIONS, 1, requestPrefix);
        Row row = before.row(backend, load, r, Cpu.now(redis),
                new FixedRateLoad.Schedule(rate, FIXED_RATE_WARMUP_SECONDS, seconds).totalRequests());
        System.out.printf(Locale.ROOT, "%s, %s: achieved %,.0f/s, p50 %s, p99 %s, p99.9 %s, max %s, errors %d; cores: server %.2f, "
                        + "generator %.2f, redis %.2f; server GCs: %s%n", backend, load, r.requestsPerSecond(), LoadTools.micros(r.p50()),
                LoadTools.micros(r.p99()), LoadTools.micros(r.p999()), LoadTools.micros(r.max()), r.errors(), row.serverCores(),
                row.generatorCores(), row.redisCores(), row.gc());
        rows.add(row);
    }

    /** CPU seconds used so far by this JVM and by redis-server, and this JVM's collections and allocation, at a wall-clock instant. */
    private record Cpu(long wallNanos, double jvm, double redis, long gcs, long gcMillis, long allocated) {
        static Cpu now(RedisProcess redis) {
            double jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
            long gcs = 0;
            long gcMillis = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                // G1's "Young" and "Old" collectors count pauses; its "Concurrent" ones run beside the application
                if (!gc.getName().contains("Concurrent")) {
                    gcs += gc.getCollectionCount();
                    gcMillis += gc.getCollectionTime();
                }
            }
            long allocated = ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
            return new Cpu(System.nanoTime(), jvm, redis.cpuSeconds(), gcs, gcMillis, allocated);
        }

        /** The run's row; the generator's CPU time is spread over the same wall time (its start-up and warm-up included). */
        Row row(String backend, String load, LoadTools.Result r, Cpu after, double lookups) {
            double wall = (after.wallNanos - wallNanos) / 1e9;
            return new Row(backend, load, r, (after.jvm - jvm) / wall, r.generatorCpu() / wall, (after.redis - redis) / wall,
                    after.gcs - gcs, after.gcMillis - gcMillis, (after.allocated - allocated) / lookups, null);
        }
    }

    /** One lookup answers 200 with every value PRESENT, or the figures would not be of real lookups. */
    private static void check(String url, String body) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 || response.body().contains("NOT_FOUND") || response.body().contains("NULL_VALUE")
                    || response.body().contains("OUTSIDE_MAX_AGE")) {
                throw new IllegalStateException("lookup " + body + " answered " + response.statusCode() + ": " + response.body());
            }
        }
    }

    private static void print(List<Row> rows, double redisGet) {
        System.out.printf(Locale.ROOT, "%n| backend | load | lookups/s | p50 | p90 | p99 | p99.9 | max | errors | cores: server / generator / redis "
                + "| server GC pauses |%n|---|---|---|---|---|---|---|---|---|---|---|%n");
        for (Row r : rows) {
            LoadTools.Result x = r.result();
            if (x == null) {
                System.out.printf(Locale.ROOT, "| %s | %s | %s | | | | | | | | |%n", r.backend(), r.load(), r.note());
                continue;
            }
            System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %s | %s | %s | %s | %s | %d | %.2f / %.2f / %.2f | %s |%n", r.backend(), r.load(),
                    x.requestsPerSecond(), LoadTools.micros(x.p50()), LoadTools.micros(x.p90()), LoadTools.micros(x.p99()),
                    LoadTools.micros(x.p999()), LoadTools.micros(x.max()), x.errors(), r.serverCores(), r.generatorCores(), r.redisCores(), r.gc());
        }
        System.out.printf(Locale.ROOT, "| anchor | redis-benchmark -t get -c %d -P 1 (median of 3) | %,.0f | | | | | | | | |%n", CONNECTIONS, redisGet);
    }
}
