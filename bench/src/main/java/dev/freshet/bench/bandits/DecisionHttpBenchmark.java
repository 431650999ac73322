package dev.freshet.bench.bandits;

import dev.freshet.app.api.ApiServer;
import dev.freshet.app.api.DecisionLog;
import dev.freshet.bandits.Policies;
import dev.freshet.bandits.stream.DecisionRecord;
import dev.freshet.bandits.stream.ServingPolicy;
import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.event.Event;
import dev.freshet.learners.Example;
import dev.freshet.online.OnlineStore;
import dev.freshet.online.TileBatch;

import java.io.IOException;
import java.net.InetAddress;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * {@code POST /decide} latency over HTTP, against the API server started in this JVM on a RocksDB online
 * store, with two {@code lin_ucb} (per_action) bandits of 10 actions, each warmed with
 * {@value DecisionLatencyBenchmark#WARM_OUTCOMES} learnt outcomes and published as a snapshot:
 * {@code request_only}, whose context is 10 request fields sent in the body (6 numbers, 4 categories), and
 * {@code with_features}, whose context adds 4 features of the {@code user_activity} view read from the online
 * store for the request's user ({@value #USERS} users with an hour of 1-minute tiles, as the lookup benchmarks
 * build them). Anchors, against the same server in the same run: {@code GET /health} and a
 * {@code POST /get-online-features} of the same 4 features for one user.
 *
 * <p>Each endpoint in turn: {@code clients} threads, each with its own {@link HttpClient} (so its own
 * connection), send requests back to back (closed loop) for the warm-up count, then for the measured count;
 * latency is from send to the whole answer read, as this client sees it. Decisions are logged to a counting
 * {@link DecisionLog} that keeps nothing (no Kafka), so the figures leave out the decision log's cost. Clients
 * and server share the machine's cores.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar dev.freshet.bench.bandits.DecisionHttpBenchmark \
 *     [measured requests per endpoint, default 50000] [clients, default 4] [warm-up requests, default 20000]
 * </pre>
 */
public final class DecisionHttpBenchmark {

    static final int USERS = 1_000;
    static final int TILES = 60;
    static final long NOW = Instant.parse("2026-11-21T12:00:00Z").toEpochMilli();
    static final List<String> FEATURES = List.of("clicks_5m", "spend_1h", "avg_price_1d", "last_item");

    /** Counts decisions and rewards and drops them: the benchmark measures deciding, not Kafka. */
    private static final class CountingLog implements DecisionLog {
        final AtomicLong decisions = new AtomicLong();
        /** Decisions whose context held every store feature: checks the features were read, not missing. */
        final AtomicLong withAllFeatures = new AtomicLong();

        @Override
        public void log(DecisionRecord decision) {
            decisions.incrementAndGet();
            if (FEATURES.stream().allMatch(f -> decision.inputs().get("user_activity:" + f) != null)) {
                withAllFeatures.incrementAndGet();
            }
        }

        @Override
        public void reward(String decisionId, double reward, long timestamp) {
        }
    }

    /** Latencies of one endpoint, in nanoseconds, sorted. */
    private record Row(String endpoint, long[] nanos, double seconds, long errors) {
        String micros(double q) {
            return String.format(Locale.ROOT, "%.0f µs", nanos[Math.min(nanos.length - 1, (int) Math.floor(q * nanos.length))] / 1e3);
        }
    }

    private DecisionHttpBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        System.out.printf(Locale.ROOT, "machine: %s, %d cores, Java %s; date %s%n", InetAddress.getLocalHost().getHostName(),
                Runtime.getRuntime().availableProcessors(), Runtime.version(), Instant.now());
        System.out.printf(Locale.ROOT, "settings: %,d measured requests per endpoint after %,d warm-up, %d closed-loop clients "
                + "(java.net.http, HTTP/1.1, one connection each); lin_ucb per_action alpha 1, 10 actions, hash_buckets 16; "
                + "%,d users x %d tiles in RocksDB; server: default event loops and lookup threads; endpoints measured in turn, two rounds%n", requests, warmup, clients, USERS, TILES);

        Path dir = Files.createTempDirectory("freshet-bench-decide-");
        FreshetConfig parsed = FreshetConfig.parse(yaml(dir), dir.resolve("freshet.yaml").toString());
        FreshetConfig config = parsed.withApi(parsed.api().withPort(0));
        SplittableRandom random = new SplittableRandom(42);
        List<Row> rows = new ArrayList<>();
        CountingLog log = new CountingLog();
        Map<String, ServingPolicy> serving = new LinkedHashMap<>();
        try (OnlineStore store = OnlineStore.open(config)) {
            populate(config, store, random);
            for (BanditDefinition b : config.bandits()) {
                Example[] contexts = DecisionLatencyBenchmark.contexts(Policies.layout(b), 4096, random);
                serving.put(b.name(), DecisionLatencyBenchmark.trained(b, contexts, DecisionLatencyBenchmark.WARM_OUTCOMES, 7));
            }
            try (ApiServer api = ApiServer.builder().config(config).store(store)
                    .clock(Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC)).bandits(serving, log).build().start()) {
                String url = api.url();
                String features = String.join(",", FEATURES.stream().map(f -> "\"user_activity:" + f + "\"").toList());
                // the endpoints in turn, twice: the first round also warms the server's shared code paths for the later endpoints
                for (String round : List.of("round 1", "round 2")) {
                    rows.add(measure(round + ": GET /health", url + "/health", null, requests, clients, warmup));
                    rows.add(measure(round + ": POST /get-online-features (1 user, 4 features)", url + "/get-online-features",
                            bodies(random, r -> "{\"features\":[" + features + "],\"entities\":{\"user_id\":[\"user-" + r.nextInt(USERS) + "\"]}}"),
                            requests, clients, warmup));
                    rows.add(measure(round + ": POST /decide request_only (10 request fields)", url + "/decide",
                            bodies(random, r -> "{\"bandit\":\"request_only\",\"context\":" + requestContext(r) + "}"), requests, clients, warmup));
                    rows.add(measure(round + ": POST /decide with_features (4 store features + 10 request fields)", url + "/decide",
                            bodies(random, r -> "{\"bandit\":\"with_features\",\"entities\":{\"user_id\":\"user-" + r.nextInt(USERS)
                                    + "\"},\"context\":" + requestContext(r) + "}"), requests, clients, warmup));
                }
            }
        } finally {
            serving.values().forEach(ServingPolicy::close);
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.printf(Locale.ROOT, "%ndecisions logged (counted, not kept): %,d, of which %,d with all 4 store features present (all the with_features ones)%n",
                log.decisions.get(), log.withAllFeatures.get());
        System.out.printf(Locale.ROOT, "%n| endpoint | requests/s | p50 | p90 | p99 | p99.9 | max | errors |%n|---|---|---|---|---|---|---|---|%n");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %s | %s | %s | %s | %s | %d |%n", r.endpoint(), r.nanos().length / r.seconds(),
                    r.micros(0.50), r.micros(0.90), r.micros(0.99), r.micros(0.999), r.micros(1.0), r.errors());
        }
    }

    private static String yaml(Path dir) {
        String fields = "[n0, n1, n2, n3, n4, n5, c0, c1, c2, c3]";
        String actions = "[" + String.join(", ", IntStream.range(0, 10).mapToObj(i -> "action_" + i).toList()) + "]";
        String features = String.join(", ", FEATURES.stream().map(f -> "user_activity:" + f).toList());
        return """
                project: decide_bench
                kafka: {embedded: {port: 9092, data_dir: "%1$s/kafka"}}
                online_store: {type: rocksdb, path: "%1$s/online"}
                offline_store: {path: "%1$s/offline"}
                api: {port: 8080}
                entities:
                  - {name: user, join_key: user_id}
                sources:
                  - name: clicks
                    timestamp_field: ts
                    schema: {user_id: string, item_id: string, price: double, ts: timestamp}
                  - name: rewards
                    timestamp_field: ts
                    schema: {decision_id: string, reward: double, ts: timestamp}
                feature_views:
                  - name: user_activity
                    entity: user
                    source: clicks
                    tile: 1m
                    ttl: 7d
                    features:
                      - {name: clicks_5m, function: count, window: 5m}
                      - {name: spend_1h, function: sum, field: price, window: 1h}
                      - {name: avg_price_1d, function: avg, field: price, window: 1d}
                      - {name: last_item, function: last, field: item_id}
                bandits:
                  - name: request_only
                    policy: lin_ucb
                    actions: %2$s
                    context: %3$s
                    reward: {source: rewards, join_key: decision_id, field: reward, window: 1m, default: 0}
                  - name: with_features
                    policy: lin_ucb
                    actions: %2$s
                    context_features: [%4$s]
                    context: %3$s
                    reward: {source: rewards, join_key: decision_id, field: reward, window: 1m, default: 0}
                """.formatted(dir.toAbsolutePath(), actions, fields, features);
    }

    /** An hour of 1-minute tiles for each user, 1 to 5 clicks each, built with the view's aggregator as the topology does. */
    private static void populate(FreshetConfig config, OnlineStore store, SplittableRandom random) {
        FeatureView view = config.definitions().featureView("user_activity").orElseThrow();
        ViewAggregator aggregator = ViewAggregator.of(config.definitions(), view);
        Schema schema = config.definitions().sourceOf(view).schema();
        long first = NOW - TILES * aggregator.tileMillis();
        for (int u = 0; u < USERS; u++) {
            String user = "user-" + u;
            TileBatch.Builder batch = TileBatch.builder();
            for (int i = 0; i < TILES; i++) {
                long start = first + i * aggregator.tileMillis();
                Tile tile = aggregator.newTile(start);
                int events = 1 + random.nextInt(5);
                for (int e = 0; e < events; e++) {
                    long ts = start + random.nextLong(aggregator.tileMillis());
                    aggregator.add(tile, Event.builder(schema).key(user).timestamp(ts).set("user_id", user)
                            .set("item_id", "item-" + random.nextInt(5_000)).set("price", random.nextInt(100, 10_001) / 100.0)
                            .set("ts", ts).build());
                }
                batch.put(new TileKey("user_activity", EntityKey.of(user), start), aggregator.encode(tile));
            }
            store.putTiles(batch.build());
        }
    }

    /** The 10 request context fields, as {@link DecisionLatencyBenchmark#contexts} draws them. */
    private static String requestContext(SplittableRandom r) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < DecisionLatencyBenchmark.NUMERIC; i++) {
            b.append(i == 0 ? "" : ",").append("\"n").append(i).append("\":").append(String.format(Locale.ROOT, "%.4f", r.nextGaussian()));
        }
        for (int i = 0; i < DecisionLatencyBenchmark.CATEGORICAL; i++) {
            b.append(",\"c").append(i).append("\":\"v").append(r.nextInt((int) (5 * Math.pow(6, i)))).append('"');
        }
        return b.append('}').toString();
    }

    private static String[] bodies(SplittableRandom random, Function<SplittableRandom, String> body) {
        String[] out = new String[1024];
        for (int i = 0; i < out.length; i++) {
            out[i] = body.apply(random);
        }
        return out;
    }

    /** Warms up, then measures {@code requests} requests spread over {@code clients} closed-loop clients; checks every answer is 200. */
    private static Row measure(String endpoint, String url, String[] bodies, int requests, int clients, int warmup) throws Exception {
        run(url, bodies, warmup, clients);
        long start = System.nanoTime();
        long[][] perClient = run(url, bodies, requests, clients);
        double seconds = (System.nanoTime() - start) / 1e9;
        long errors = 0;
        long[] merged = Arrays.stream(perClient).flatMapToLong(Arrays::stream).toArray();
        for (long x : merged) {
            if (x < 0) {
                errors++;
            }
        }
        long[] ok = Arrays.stream(merged).filter(x -> x >= 0).sorted().toArray();
        if (ok.length == 0) {
            throw new IllegalStateException(endpoint + ": no request answered 200");
        }
        Row row = new Row(endpoint, ok, seconds, errors);
        System.out.printf(Locale.ROOT, "%s: %,.0f requests/s, p50 %s, p99 %s, p99.9 %s, errors %d%n", endpoint, ok.length / seconds,
                row.micros(0.5), row.micros(0.99), row.micros(0.999), errors);
        return row;
    }

    /** Each client's latencies (nanoseconds; -1 for an answer other than 200). */
    private static long[][] run(String url, String[] bodies, int requests, int clients) throws Exception {
        long[][] out = new long[clients][];
        Thread[] threads = new Thread[clients];
        Exception[] failure = new Exception[1];
        for (int c = 0; c < clients; c++) {
            int client = c;
            int count = requests / clients + (c < requests % clients ? 1 : 0);
            threads[c] = Thread.ofPlatform().name("client-" + c).start(() -> {
                long[] nanos = new long[count];
                try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                    URI uri = URI.create(url);
                    for (int i = 0; i < count; i++) {
                        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
                        HttpRequest request = bodies == null ? b.GET().build()
                                : b.header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(bodies[(i * clients + client) & (bodies.length - 1)])).build();
                        long t0 = System.nanoTime();
                        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        long t = System.nanoTime() - t0;
                        if (response.statusCode() != 200) {
                            if (i == 0) {
                                System.err.println(url + " answered " + response.statusCode() + ": " + new String(response.body()));
                            }
                            t = -1;
                        }
                        nanos[i] = t;
                    }
                } catch (IOException | InterruptedException e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
                out[client] = nanos;
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return out;
    }
}
