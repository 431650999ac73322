package dev.freshet.online;

import dev.freshet.core.aggregate.FeatureValue;
import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.config.OnlineStoreConfig;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.core.feature.FeatureStatus;
import dev.freshet.core.feature.FeatureVector;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static dev.freshet.online.TileFixtures.MINUTE;
import static dev.freshet.online.TileFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The RocksDB store's cache of computed values answers exactly as a store without caches: random puts,
 * removals, lifetime tiles and sweeps, interleaved with lookups of random features at random times
 * (repeated, on and off the tile grid, past a ttl within one tile), value for value and status for status.
 */
class ValueCacheTest {

    private static final List<FeatureRef> FEATURES = List.of(FeatureRef.parse("activity:clicks_5m"),
            FeatureRef.parse("activity:spend_1h"), FeatureRef.parse("activity:max_price_1h"));
    private static final List<FeatureRef> RECENT = List.of(FeatureRef.parse("recent:clicks_5m"));
    private static final List<FeatureRef> HISTORY = List.of(FeatureRef.parse("history:clicks_total"),
            FeatureRef.parse("history:last_item"), FeatureRef.parse("history:clicks_5m"));

    private final TileFixtures fx = new TileFixtures();

    @TempDir
    Path dir;

    @Test
    void aStoreWithTheValueCacheReadsWhatOneWithoutCachesReads() {
        List<EntityKey> users = List.of(EntityKey.of("u0"), EntityKey.of("u1"), EntityKey.of("u2"), EntityKey.of("nobody"));
        try (RocksDbOnlineStore cached = (RocksDbOnlineStore) OnlineStore.open(fx.config(
                     new OnlineStoreConfig.RocksDb(dir.resolve("cached"), 1_000, 1_000)));
             OnlineStore valuesOnly = OnlineStore.open(fx.config(new OnlineStoreConfig.RocksDb(dir.resolve("values"), 0, 1_000)));
             OnlineStore plain = OnlineStore.open(fx.config(new OnlineStoreConfig.RocksDb(dir.resolve("plain"), 0, 0)))) {
            SplittableRandom random = new SplittableRandom(17);
            long now = T0 + 60 * MINUTE;
            for (int step = 0; step < 600; step++) {
                if (random.nextInt(3) == 0) {
                    TileBatch b = batch(random);
                    cached.putTiles(b);
                    valuesOnly.putTiles(b);
                    plain.putTiles(b);
                }
                if (step % 100 == 99) {
                    long at = T0 + (60 + random.nextInt(120)) * MINUTE;
                    assertThat(cached.sweep(at)).isEqualTo(plain.sweep(at));
                    valuesOnly.sweep(at);
                }
                // mostly the same time again (the cache's case), sometimes the tile grid, a few seconds on, or further
                switch (random.nextInt(6)) {
                    case 0 -> now = T0 + (30 + random.nextInt(120)) * MINUTE;          // on the grid
                    case 1 -> now += 1 + random.nextInt(5_000);                           // within a tile, mostly
                    case 2 -> now += random.nextInt(12) * MINUTE;                         // a ttl (10m) may pass
                    default -> {
                    }
                }
                List<FeatureRef> features = switch (random.nextInt(4)) {
                    case 0 -> RECENT;
                    case 1 -> HISTORY;
                    case 2 -> FEATURES.subList(0, 1 + random.nextInt(FEATURES.size()));
                    default -> FEATURES;
                };
                List<FeatureVector> expected = plain.read(features, users, now);
                String where = "step " + step + ", t = T0 + " + (now - T0) + " ms, " + features;
                assertThat(cached.read(features, users, now)).as(where).isEqualTo(expected);
                assertThat(valuesOnly.read(features, users, now)).as(where).isEqualTo(expected);
            }
            assertThat(cached.cachedValues()).as("the cache was used").isPositive();
        }
    }

    @Test
    void aWriteToAnEntityReplacesItsCachedValuesAndAnotherTileRecomputesThem() {
        try (OnlineStore store = OnlineStore.open(fx.config(new OnlineStoreConfig.RocksDb(dir.resolve("s"), 1_000, 1_000)))) {
            EntityKey u = EntityKey.of("u1");
            long start = T0 + 10 * MINUTE;
            store.putTiles(TileBatch.builder().put(new TileKey("activity", u, start),
                    fx.aggregator("activity").encode(tile("u1", start, 2))).build());
            long now = start + 30_000;
            assertThat(clicks(store, u, now)).isEqualTo(2L);
            assertThat(clicks(store, u, now)).isEqualTo(2L);

            store.putTiles(TileBatch.builder().put(new TileKey("activity", u, start),
                    fx.aggregator("activity").encode(tile("u1", start, 3))).build());
            assertThat(clicks(store, u, now)).as("after a write").isEqualTo(3L);

            assertThat(clicks(store, u, start + 5 * MINUTE)).as("the window has moved on from the tile").isEqualTo(3L);
            assertThat(clicks(store, u, start + 6 * MINUTE)).as("the window has moved past the tile").isEqualTo(0L);
            assertThat(store.read(RECENT, List.of(u), start + 30 * MINUTE).getFirst().statuses())
                    .containsExactly(FeatureStatus.NOT_FOUND); // recent has no tile of u1
        }
    }

    @Test
    void anEntryCachedPastItsTtlStillServesAnEarlierTimeInTheSameTile() {
        try (OnlineStore store = OnlineStore.open(fx.config(new OnlineStoreConfig.RocksDb(dir.resolve("s"), 1_000, 1_000)))) {
            EntityKey u = EntityKey.of("u1");
            long start = T0 + 10 * MINUTE;
            store.putTiles(TileBatch.builder().put(new TileKey("recent", u, start),
                    fx.aggregator("recent").encode(fx.tile("recent", "u1", times(start, 2)))).build());
            long tile = start + 10 * MINUTE; // recent's ttl is 10m: the latest event (start + 1 s) is past it at tile + 1 s
            FeatureVector late = store.read(RECENT, List.of(u), tile + 50_000).getFirst();
            FeatureVector early = store.read(RECENT, List.of(u), tile + 500).getFirst();

            assertThat(late.statuses()).containsExactly(FeatureStatus.OUTSIDE_MAX_AGE);
            assertThat(early.statuses()).containsExactly(FeatureStatus.PRESENT);
            assertThat(early.values()).containsExactly(0L); // the 5-minute window no longer holds the tile
        }
    }

    /** As {@link TileCacheTest#anOfferRacingAWriteOrAClearNeverLeavesAStaleEntry}, for the values computed before a write. */
    @Test
    void anOfferRacingAnInvalidationOrAClearNeverLeavesAStaleEntry() throws Exception {
        ValueCache cache = new ValueCache(10_000_000);
        ValueCache.Position position = ValueCache.Position.of(T0 + 1, T0);
        ValueCache.Entry stale = new ValueCache.Entry(position, false, Long.MIN_VALUE, new FeatureValue[0]);
        assertThat(TileCacheTest.race(5_000, (key, stamp) -> cache.offer(key, stale, stamp), cache::stamp,
                key -> cache.invalidate(List.of(key)), key -> cache.get(key, position) == null))
                .as("trials that left values computed before an invalidation").isZero();
        assertThat(TileCacheTest.race(2_000, (key, stamp) -> cache.offer(key, stale, stamp), cache::stamp, key -> cache.clear(),
                key -> cache.get(key, position) == null)).as("trials that left values computed before a clear").isZero();
    }

    // a race: each repetition has a few percent chance of catching a stale entry in a cache that lets one through
    @RepeatedTest(10)
    void readersRacingAWriterNeverLeaveAStaleValueBehind() throws Exception {
        readersRaceAWriter(new OnlineStoreConfig.RocksDb(dir.resolve("s"), 1_000, 1_000));
    }

    @RepeatedTest(10)
    void readersRacingAWriterNeverLeaveAStaleTileBehind() throws Exception {
        readersRaceAWriter(new OnlineStoreConfig.RocksDb(dir.resolve("s"), 1_000, 0));
    }

    private void readersRaceAWriter(OnlineStoreConfig.RocksDb config) throws Exception {
        try (OnlineStore store = OnlineStore.open(fx.config(config))) {
            EntityKey u = EntityKey.of("u1");
            long start = T0 + 10 * MINUTE;
            long now = start + 59_000;
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.ConcurrentLinkedQueue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
            List<Thread> readers = new java.util.ArrayList<>();
            for (int r = 0; r < 3; r++) {
                Thread t = new Thread(() -> {
                    try {
                        while (!done.get()) {
                            clicks(store, u, now);
                        }
                    } catch (Throwable x) {
                        failures.add(x);
                    }
                });
                t.start();
                readers.add(t);
            }
            for (int clicks = 1; clicks <= 50; clicks++) {
                // one more click each time, at most one a second within the minute
                store.putTiles(TileBatch.builder().put(new TileKey("activity", u, start),
                        fx.aggregator("activity").encode(tile("u1", start, Math.min(clicks, 59)))).build());
                Object read = clicks(store, u, now);
                if (!Long.valueOf(Math.min(clicks, 59)).equals(read)) {
                    // (seen once in CI, not reproduced since): whether the stale value stays says which cache kept it
                    Object again = clicks(store, u, now);
                    // at the next tile's start the same clicks count, from another entry of the value cache
                    Object next = store.read(FEATURES.subList(0, 1), List.of(u), start + MINUTE).getFirst().values().getFirst();
                    assertThat(read).as("right after write %d (read again: %s; at the next tile's start: %s)", clicks, again, next)
                            .isEqualTo((long) Math.min(clicks, 59));
                }
            }
            done.set(true);
            for (Thread t : readers) {
                t.join();
            }
            assertThat(failures).isEmpty();
            assertThat(clicks(store, u, now)).isEqualTo(50L);
        }
    }

    private static Object clicks(OnlineStore store, EntityKey user, long now) {
        return store.read(FEATURES.subList(0, 1), List.of(user), now).getFirst().values().getFirst();
    }

    private TileBatch batch(SplittableRandom random) {
        TileBatch.Builder batch = TileBatch.builder();
        for (int w = random.nextInt(4); w >= 0; w--) {
            String user = "u" + random.nextInt(3);
            String view = List.of("activity", "recent", "history").get(random.nextInt(3));
            long start = T0 + random.nextInt(150) * MINUTE;
            int roll = random.nextInt(10);
            if (roll == 0) {
                batch.remove(new TileKey(view, EntityKey.of(user), start));
            } else if (roll == 1 && view.equals("history")) {
                Tile life = fx.lifetime(view, fx.tile(view, user, times(start, 1 + random.nextInt(6))));
                batch.put(TileKey.lifetime(view, EntityKey.of(user)), fx.aggregator(view).encode(life));
            } else {
                batch.put(new TileKey(view, EntityKey.of(user), start),
                        fx.aggregator(view).encode(fx.tile(view, user, times(start, 1 + random.nextInt(6)))));
            }
        }
        return batch.build();
    }

    private Tile tile(String user, long start, int clicks) {
        return fx.tile("activity", user, times(start, clicks));
    }

    private static long[] times(long start, int clicks) {
        long[] times = new long[clicks];
        for (int i = 0; i < clicks; i++) {
            times[i] = start + i * 1_000L;
        }
        return times;
    }
}
