package dev.freshet.bench.lookup;

import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.config.OnlineStoreConfig;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.feature.FeatureStatus;
import dev.freshet.core.feature.FeatureVector;
import dev.freshet.online.OnlineStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * In-process lookup latency of the online store: {@code OnlineStore.read} of the 7 features of the
 * README's example view for 1 or 100 users, in microseconds per call, with JMH's percentiles
 * ({@link Mode#SampleTime}). One thread. Run from the repository root (the view is read from its
 * {@code freshet.yaml}). Workload: {@link LookupData} (10,000 users, 60 one-minute tiles each, the
 * lookup at the end of the data, so the 1-hour and 1-day windows and the lifetime count merge all 60
 * tiles).
 *
 * <p>Backends: {@code rocksdb} as configured by default (with its cache of decoded tiles,
 * {@code cache_tiles} 200,000: a third of the workload's 600,000 tiles, and of computed values,
 * {@code cache_values} 100,000 entities: every user), {@code rocksdb-tiles} (the tile cache alone,
 * {@code cache_values: 0}: every read merges the windows), {@code rocksdb-nocache}
 * ({@code cache_tiles: 0, cache_values: 0}: every read seeks RocksDB, decodes and merges), and {@code redis} (a
 * {@code redis-server} on 127.0.0.1 started for the run). Keys: {@code uniform} (the cache's worst
 * case: about a third of lookups hit it) or {@code zipf} (exponent 0.99, YCSB's default: most
 * lookups go to popular users), distinct within a request, drawn in advance (2^20 single-user or
 * 2^16 hundred-user requests, replayed in a ring).
 *
 * <p>Anchors, measured in the same run:
 * <ul>
 *   <li>{@code anchor_decodeEvaluate}: the same users' 60 encoded tiles, already in memory, decoded
 *       with the view's {@code ViewAggregator} and the 7 features evaluated at the same time: the CPU
 *       work of a read that finds no decoded tile in a cache, whatever the backend.</li>
 *   <li>{@code anchor_redisGet}: a plain {@code GET} of one key (a 1-tile value) per user through
 *       Lettuce on a redis-server like the store's (same binary and options, its own process), one
 *       command per user sent before any reply is awaited, as the store does: Redis' round trip.</li>
 *   <li>{@code anchor_redisHgetall}: {@code HGETALL} of the store's own hashes (the store fills them,
 *       then the raw bytes are read without decoding): the network and Redis part of a Redis read.</li>
 * </ul>
 * <pre>
 * java -jar bench/target/benchmarks.jar LookupRead
 * </pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class LookupReadBenchmark {

    /** Requests are drawn in advance, this many, and replayed in a ring. */
    static final int REQUESTS = 4_096;
    static final long SEED = 42;

    /** An online store filled with the workload. Benchmark threads: one. */
    @State(Scope.Benchmark)
    public static class Store {
        @Param({"rocksdb", "rocksdb-tiles", "rocksdb-nocache", "redis"})
        public String backend;
        @Param({"1", "100"})
        public int entities;
        @Param({"uniform", "zipf"})
        public String keys;

        LookupData data;
        OnlineStore store;
        private RedisProcess redis;
        private Path dir;
        private EntityKey[][] requests;
        private int next;

        @Setup(Level.Trial)
        public void open() throws Exception {
            String settings = switch (backend) {
                case "redis" -> {
                    redis = RedisProcess.start();
                    yield LookupData.redis(redis);
                }
                case "rocksdb" -> LookupData.rocksDb(dir = Files.createTempDirectory("freshet-bench-online-"));
                case "rocksdb-tiles" -> LookupData.rocksDbTilesOnly(dir = Files.createTempDirectory("freshet-bench-online-"));
                case "rocksdb-nocache" -> LookupData.rocksDbWithoutCache(dir = Files.createTempDirectory("freshet-bench-online-"));
                default -> throw new IllegalArgumentException("backend must be rocksdb, rocksdb-tiles, rocksdb-nocache or redis, not "
                        + backend);
            };
            data = LookupData.generate(LookupData.exampleConfig(settings), SEED);
            long start = System.nanoTime();
            store = OnlineStore.open(data.config);
            data.populate(store);
            if (dir != null) {
                // reopened, the store reads from SST files (the memtable is flushed on recovery), as a serving store does
                store.close();
                store = OnlineStore.open(data.config);
            }
            System.out.printf(Locale.ROOT, "%n%s: %,d tiles written in %.1f s%n", backend, LookupData.USERS * LookupData.TILES,
                    (System.nanoTime() - start) / 1e9);
            if (data.config.onlineStore() instanceof OnlineStoreConfig.RocksDb r && r.cacheTiles() > 0) {
                int cachedUsers = (int) (r.cacheTiles() / (LookupData.TILES + 1));
                System.out.printf(Locale.ROOT, "tile cache: %,d tiles = %,d of %,d users; %s keys send %.0f %% of lookups to the %,d most "
                                + "popular users (the hit ratio of a perfect LFU cache)%n", r.cacheTiles(), cachedUsers, LookupData.USERS, keys,
                        100 * LookupData.shareOfTop(keys, cachedUsers), cachedUsers);
            }
            // long enough that the ring's users follow the distribution, not the cache's capacity
            requests = new EntityKey[entities == 1 ? 1 << 20 : 1 << 16][];
            IntSupplier users = LookupData.users(keys, new SplittableRandom(SEED));
            for (int i = 0; i < requests.length; i++) {
                requests[i] = Arrays.stream(LookupData.sample(users, entities)).mapToObj(u -> data.users[u]).toArray(EntityKey[]::new);
            }
            for (int i = 0; i < 16; i++) {
                check(store.read(data.features, Arrays.asList(requests[i]), LookupData.NOW));
            }
        }

        List<EntityKey> nextRequest() {
            EntityKey[] r = requests[next];
            next = (next + 1) % requests.length;
            return Arrays.asList(r);
        }

        @TearDown(Level.Trial)
        public void close() {
            try {
                if (store != null) {
                    store.close();
                }
            } finally {
                if (redis != null) {
                    redis.close();
                }
                if (dir != null) {
                    LookupData.deleteTree(dir);
                }
            }
        }
    }

    /** The workload's encoded tiles in memory, for the decode-and-evaluate floor. */
    @State(Scope.Benchmark)
    public static class InMemory {
        @Param({"1", "100"})
        public int entities;

        LookupData data;
        private int[][] requests;
        private int next;
        final Tile[] buffer = new Tile[LookupData.TILES];

        @Setup(Level.Trial)
        public void generate() {
            data = LookupData.generate(LookupData.exampleConfig(LookupData.rocksDb(Path.of("unused"))), SEED);
            SplittableRandom random = new SplittableRandom(SEED);
            requests = new int[REQUESTS][];
            for (int i = 0; i < REQUESTS; i++) {
                requests[i] = LookupData.sample(random, entities);
            }
        }

        int[] nextRequest() {
            int[] r = requests[next];
            next = (next + 1) % REQUESTS;
            return r;
        }
    }

    /** A redis-server holding the store's hashes and one plain key per user, read with raw Lettuce. */
    @State(Scope.Benchmark)
    public static class RedisRaw {
        @Param({"1", "100"})
        public int entities;

        private RedisProcess redis;
        private RedisClient client;
        StatefulRedisConnection<byte[], byte[]> connection;
        private byte[][][] getKeys;
        private byte[][][] hashKeys;
        private int next;

        @Setup(Level.Trial)
        public void open() throws Exception {
            redis = RedisProcess.start();
            LookupData data = LookupData.generate(LookupData.exampleConfig(LookupData.redis(redis)), SEED);
            try (OnlineStore store = OnlineStore.open(data.config)) {
                data.populate(store);
            }
            client = RedisClient.create(redis.uri().toString());
            connection = client.connect(ByteArrayCodec.INSTANCE);
            String project = data.config.project();
            List<RedisFuture<String>> sets = new ArrayList<>(LookupData.USERS);
            for (int u = 0; u < LookupData.USERS; u++) {
                sets.add(connection.async().set(getKey(u), data.tiles[u][LookupData.TILES - 1]));
            }
            for (RedisFuture<String> f : sets) {
                f.get();
            }
            SplittableRandom random = new SplittableRandom(SEED);
            getKeys = new byte[REQUESTS][][];
            hashKeys = new byte[REQUESTS][][];
            for (int i = 0; i < REQUESTS; i++) {
                int[] users = LookupData.sample(random, entities);
                getKeys[i] = Arrays.stream(users).mapToObj(RedisRaw::getKey).toArray(byte[][]::new);
                // the store's key layout: freshet:<project>:tiles:<view>:<entity>
                hashKeys[i] = Arrays.stream(users).mapToObj(u -> ("freshet:" + project + ":tiles:" + LookupData.VIEW + ":" + data.users[u].value())
                        .getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
            }
            Map<byte[], byte[]> hash = connection.sync().hgetall(hashKeys[0][0]);
            if (hash.size() != 2 * LookupData.TILES) {
                throw new IllegalStateException("expected " + LookupData.TILES + " tiles and their versions in hash "
                        + new String(hashKeys[0][0], StandardCharsets.UTF_8) + ", found " + hash.size() + " fields");
            }
        }

        private static byte[] getKey(int user) {
            return ("bench:get:user-" + user).getBytes(StandardCharsets.UTF_8);
        }

        @TearDown(Level.Trial)
        public void close() {
            try {
                if (connection != null) {
                    connection.close();
                }
                if (client != null) {
                    client.shutdown();
                }
            } finally {
                redis.close();
            }
        }
    }

    @Benchmark
    public List<FeatureVector> read(Store s) {
        return s.store.read(s.data.features, s.nextRequest(), LookupData.NOW);
    }

    @Benchmark
    public void anchor_decodeEvaluate(InMemory m, Blackhole bh) {
        int features = m.data.features.size();
        for (int u : m.nextRequest()) {
            byte[][] encoded = m.data.tiles[u];
            for (int i = 0; i < encoded.length; i++) {
                m.buffer[i] = m.data.aggregator.decode(encoded[i]);
            }
            for (int f = 0; f < features; f++) {
                bh.consume(m.data.aggregator.evaluate(f, m.buffer, encoded.length, LookupData.NOW));
            }
        }
    }

    @Benchmark
    public void anchor_redisGet(RedisRaw r, Blackhole bh) throws InterruptedException, ExecutionException {
        byte[][] keys = r.getKeys[r.next];
        r.next = (r.next + 1) % REQUESTS;
        awaitAll(keys, k -> r.connection.async().get(k), bh);
    }

    @Benchmark
    public void anchor_redisHgetall(RedisRaw r, Blackhole bh) throws InterruptedException, ExecutionException {
        byte[][] keys = r.hashKeys[r.next];
        r.next = (r.next + 1) % REQUESTS;
        awaitAll(keys, k -> r.connection.async().hgetall(k), bh);
    }

    /** One command per key, every one sent before any reply is awaited: the store's read pattern. */
    private static <T> void awaitAll(byte[][] keys, java.util.function.Function<byte[], RedisFuture<T>> command, Blackhole bh)
            throws InterruptedException, ExecutionException {
        if (keys.length == 1) {
            bh.consume(command.apply(keys[0]).get());
            return;
        }
        List<RedisFuture<T>> futures = new ArrayList<>(keys.length);
        for (byte[] k : keys) {
            futures.add(command.apply(k));
        }
        for (RedisFuture<T> f : futures) {
            bh.consume(f.get());
        }
    }

    /** Every feature of the first request is PRESENT, or the workload is not what the figures claim. */
    static void check(List<FeatureVector> vectors) {
        for (FeatureVector v : vectors) {
            for (int i = 0; i < v.statuses().size(); i++) {
                if (v.statuses().get(i) != FeatureStatus.PRESENT) {
                    throw new IllegalStateException("lookup of " + v.entity() + ": " + v.features().get(i) + " is "
                            + v.statuses().get(i) + ", expected PRESENT (values " + v.values() + ")");
                }
            }
        }
    }
}
