package dev.freshet.bench.lookup;

import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.event.Event;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.online.OnlineStore;
import dev.freshet.online.TileBatch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The lookup benchmarks' workload on the README's example view ({@code user_activity} of the
 * repository's {@code freshet.yaml}: run from its root): {@value #USERS} users, each with one
 * 1-minute tile for every minute of the hour before {@link #NOW} ({@value #TILES} tiles per user),
 * 1 to 5 events per tile over 5,000 items with prices of 1 to 100, built and encoded with the
 * view's {@link ViewAggregator} as the features topology would publish them. No lifetime tile: with
 * a 1-day longest window, tiles are folded into the lifetime tile only after a day, so an hour-old
 * store has none. Deterministic for a seed. The encoded tiles stay in memory (about 100 MB), for the
 * in-memory anchors.
 */
final class LookupData {

    static final int USERS = 10_000;
    static final int TILES = 60;
    static final int BATCH_USERS = 50;
    static final String VIEW = "user_activity";
    /** The exponent of the {@code zipf} key distribution: YCSB's default. */
    static final double ZIPF_EXPONENT = 0.99;
    /** The lookup time: the end of the data (events are strictly before it). */
    static final long NOW = Instant.parse("2026-11-21T12:00:00Z").toEpochMilli();

    /** The README's example configuration, read from the working directory (the repository root). */
    static final Path EXAMPLE = Path.of("freshet.yaml");

    final FreshetConfig config;
    final ViewAggregator aggregator;
    /** The view's features, in the view's order: what every lookup asks for. */
    final List<FeatureRef> features;
    final EntityKey[] users = new EntityKey[USERS];
    /** {@code tiles[user][i]}: the encoded tile starting {@code TILES - i} minutes before {@link #NOW}. */
    final byte[][][] tiles = new byte[USERS][TILES][];

    private LookupData(FreshetConfig config, long seed) {
        this.config = config;
        FeatureView view = config.definitions().featureView(VIEW).orElseThrow(
                () -> new IllegalStateException(EXAMPLE.toAbsolutePath() + " has no feature view '" + VIEW + "'"));
        this.aggregator = ViewAggregator.of(config.definitions(), view);
        this.features = view.features().stream().map(f -> new FeatureRef(VIEW, f.name())).toList();
        Schema schema = config.definitions().sourceOf(view).schema();
        SplittableRandom random = new SplittableRandom(seed);
        long first = NOW - TILES * aggregator.tileMillis();
        for (int u = 0; u < USERS; u++) {
            String user = "user-" + u;
            users[u] = EntityKey.of(user);
            for (int i = 0; i < TILES; i++) {
                long start = first + i * aggregator.tileMillis();
                Tile tile = aggregator.newTile(start);
                int events = 1 + random.nextInt(5);
                for (int e = 0; e < events; e++) {
                    long ts = start + random.nextLong(aggregator.tileMillis());
                    aggregator.add(tile, Event.builder(schema).key(user).timestamp(ts)
                            .set("user_id", user).set("item_id", "item-" + random.nextInt(5_000))
                            .set("price", random.nextInt(100, 10_001) / 100.0).set("ts", ts).build());
                }
                tiles[u][i] = aggregator.encode(tile);
            }
        }
    }

    /** Generates the workload for a configuration whose only change from the example is its online store. */
    static LookupData generate(FreshetConfig config, long seed) {
        return new LookupData(config, seed);
    }

    /**
     * The example configuration with {@code online_store} replaced by the given YAML flow mapping,
     * e.g. {@code {type: redis, uri: redis://127.0.0.1:6379}}: the rest is parsed as the file says.
     */
    static FreshetConfig exampleConfig(String onlineStore) {
        if (!Files.isRegularFile(EXAMPLE)) {
            throw new IllegalStateException("run this from the repository root: it reads the example " + EXAMPLE.toAbsolutePath());
        }
        try {
            String yaml = Files.readString(EXAMPLE);
            String rewritten = yaml.replaceFirst("(?m)^online_store:.*$", Matcher.quoteReplacement("online_store: " + onlineStore));
            if (rewritten.equals(yaml)) {
                throw new IllegalStateException(EXAMPLE.toAbsolutePath() + " has no top-level online_store line to rewrite");
            }
            return FreshetConfig.parse(rewritten, EXAMPLE.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + EXAMPLE.toAbsolutePath(), e);
        }
    }

    /** RocksDB with the default cache of decoded tiles ({@code cache_tiles}: 200,000 tiles, a third of the workload's). */
    static String rocksDb(Path dir) {
        return "{type: rocksdb, path: '" + dir.toAbsolutePath() + "'}";
    }

    /** RocksDB with the cache of decoded tiles but not of computed values: every read merges the windows' tiles. */
    static String rocksDbTilesOnly(Path dir) {
        return "{type: rocksdb, path: '" + dir.toAbsolutePath() + "', cache_values: 0}";
    }

    /** RocksDB without its caches (decoded tiles, computed values): every read seeks the database, decodes and merges. */
    static String rocksDbWithoutCache(Path dir) {
        return "{type: rocksdb, path: '" + dir.toAbsolutePath() + "', cache_tiles: 0, cache_values: 0}";
    }

    static String redis(RedisProcess redis) {
        return "{type: redis, uri: '" + redis.uri() + "'}";
    }

    /** Writes every tile, {@value #BATCH_USERS} users ({@code BATCH_USERS * TILES} tiles) per {@code putTiles}. */
    void populate(OnlineStore store) {
        for (int from = 0; from < USERS; from += BATCH_USERS) {
            TileBatch.Builder batch = TileBatch.builder();
            for (int u = from; u < Math.min(USERS, from + BATCH_USERS); u++) {
                for (int i = 0; i < TILES; i++) {
                    batch.put(new TileKey(VIEW, users[u], ViewAggregator.header(tiles[u][i]).start()), tiles[u][i]);
                }
            }
            store.putTiles(batch.build());
        }
    }

    /**
     * The start of a {@code POST /get-online-features} body (Feast's shape) for the view's 7 features,
     * up to the user ids: {@code {"features":["user_activity:clicks_5m",...],"entities":{"user_id":[}.
     */
    String requestPrefix() {
        String names = features.stream().map(f -> "\"" + f + "\"").collect(Collectors.joining(","));
        String joinKey = config.definitions().entityOf(aggregator.view()).joinKey();
        return "{\"features\":[" + names + "],\"entities\":{\"" + joinKey + "\":[";
    }

    /** A whole request body: the prefix, the users' ids, the closing brackets. */
    static String requestBody(String prefix, int[] users) {
        StringBuilder b = new StringBuilder(prefix);
        for (int i = 0; i < users.length; i++) {
            b.append(i == 0 ? "\"user-" : ",\"user-").append(users[i]).append('"');
        }
        return b.append("]}}").toString();
    }

    /** {@code count} distinct users, uniformly at random. */
    static int[] sample(SplittableRandom random, int count) {
        return random.ints(0, USERS).distinct().limit(count).toArray();
    }

    /** {@code count} distinct users drawn from {@code users} (a request never names a user twice). */
    static int[] sample(IntSupplier users, int count) {
        return IntStream.generate(users).distinct().limit(count).toArray();
    }

    /**
     * Users drawn by a key distribution: {@code uniform}, or {@code zipf}: Zipf's law with exponent
     * {@value #ZIPF_EXPONENT} (YCSB's default) over the users' popularity ranks, the ranks assigned to
     * users by a fixed random permutation so that popular users are spread over the key space.
     */
    static IntSupplier users(String distribution, SplittableRandom random) {
        return switch (distribution) {
            case "uniform" -> () -> random.nextInt(USERS);
            case "zipf" -> {
                double[] cdf = zipfCdf();
                int[] userOfRank = permutation(new SplittableRandom(random.nextLong()));
                yield () -> {
                    int rank = Arrays.binarySearch(cdf, random.nextDouble());
                    return userOfRank[Math.min(USERS - 1, rank < 0 ? -rank - 1 : rank)];
                };
            }
            default -> throw new IllegalArgumentException("key distribution must be uniform or zipf, not " + distribution);
        };
    }

    /** The share of lookups that go to the {@code top} most popular users under a distribution. */
    static double shareOfTop(String distribution, int top) {
        if (distribution.equals("uniform")) {
            return (double) top / USERS;
        }
        return zipfCdf()[top - 1];
    }

    private static double[] zipfCdf() {
        double[] cdf = new double[USERS];
        double sum = 0;
        for (int rank = 0; rank < USERS; rank++) {
            sum += 1 / Math.pow(rank + 1, ZIPF_EXPONENT);
            cdf[rank] = sum;
        }
        for (int rank = 0; rank < USERS; rank++) {
            cdf[rank] /= sum;
        }
        return cdf;
    }

    private static int[] permutation(SplittableRandom random) {
        int[] p = IntStream.range(0, USERS).toArray();
        for (int i = USERS - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
