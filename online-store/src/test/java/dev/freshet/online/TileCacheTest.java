package dev.freshet.online;

import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.config.OnlineStoreConfig;
import dev.freshet.core.event.EntityKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.ObjLongConsumer;
import java.util.function.Predicate;

import static dev.freshet.online.TileFixtures.MINUTE;
import static dev.freshet.online.TileFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The RocksDB store's decoded-tile cache follows the store's writes: random puts (newer and older
 * versions), removals, lifetime tiles and sweeps, interleaved with reads, give what a store without
 * the cache gives, tile for tile.
 */
class TileCacheTest {

    private final TileFixtures fx = new TileFixtures();

    @TempDir
    Path dir;

    @Test
    void aCachedStoreReadsWhatAnUncachedOneReads() {
        String view = "activity";
        ViewAggregator a = fx.aggregator(view);
        List<EntityKey> users = List.of(EntityKey.of("u0"), EntityKey.of("u1"), EntityKey.of("u2"), EntityKey.of("nobody"));
        try (OnlineStore cached = OnlineStore.open(fx.config(new OnlineStoreConfig.RocksDb(dir.resolve("cached"), 1_000)));
             OnlineStore plain = OnlineStore.open(fx.config(new OnlineStoreConfig.RocksDb(dir.resolve("plain"), 0)))) {
            SplittableRandom random = new SplittableRandom(11);
            for (int step = 0; step < 400; step++) {
                TileBatch.Builder batch = TileBatch.builder();
                for (int w = random.nextInt(4); w >= 0; w--) {
                    String user = "u" + random.nextInt(3);
                    long start = T0 + random.nextInt(90) * MINUTE;
                    int roll = random.nextInt(10);
                    if (roll == 0) {
                        batch.remove(new TileKey(view, EntityKey.of(user), start));
                    } else if (roll == 1) {
                        Tile life = fx.lifetime(view, tile(user, start, 1 + random.nextInt(6)));
                        batch.put(TileKey.lifetime(view, EntityKey.of(user)), a.encode(life));
                    } else {
                        // versions go up and down: the store keeps the highest
                        batch.put(new TileKey(view, EntityKey.of(user), start), a.encode(tile(user, start, 1 + random.nextInt(6))));
                    }
                }
                TileBatch b = batch.build();
                cached.putTiles(b);
                plain.putTiles(b);
                if (step % 50 == 49) {
                    long now = T0 + (30 + random.nextInt(120)) * MINUTE;
                    assertThat(cached.sweep(now)).isEqualTo(plain.sweep(now));
                }
                long from = random.nextBoolean() ? TileKey.LIFETIME : T0 + random.nextInt(90) * MINUTE;
                assertSame(a, cached.getTiles(view, users, from), plain.getTiles(view, users, from), step);
            }
        }
    }

    /**
     * A reader that loaded an entity before a write offers what it loaded while the write updates the cache: whatever
     * the interleaving, the cache ends without the stale entry (it is refused, or the write updates it); the same
     * against a clear (a sweep), after which nothing loaded before it may be cached. Each trial
     * releases the two at once on a new key, the writer a little later each time, so that some trials put the
     * reader's check before the write is counted and its insertion after the write looked for the key.
     */
    @Test
    void anOfferRacingAWriteOrAClearNeverLeavesAStaleEntry() throws Exception {
        ViewAggregator a = fx.aggregator("activity");
        TileCache cache = new TileCache(10_000_000, view -> a);
        long start = T0;
        byte[] written = a.encode(tile("u", start, 1));
        TileCache.Entry stale = new TileCache.Entry(null, new Tile[0], Long.MIN_VALUE);
        assertThat(race(5_000, (key, stamp) -> cache.offer(key, stale, stamp), cache::stamp,
                key -> cache.applied(Map.of(key, List.of(new TileCache.Change(start, written)))),
                key -> {
                    TileCache.Entry e = cache.get(key);
                    return e == null || e.tiles.length == 1;
                })).as("trials that left a stale entry").isZero();
        assertThat(race(2_000, (key, stamp) -> cache.offer(key, stale, stamp), cache::stamp, key -> cache.clear(),
                key -> cache.get(key) == null)).as("trials that left an entry loaded before a clear").isZero();
    }

    /**
     * Runs {@code trials} races on new keys: one thread takes a stamp, then (released with the other) offers; the
     * other writes; afterwards {@code fresh} says whether the cache is right. Returns how many trials left it wrong.
     */
    static int race(int trials, ObjLongConsumer<TileCache.Key> offer, LongSupplier stamp,
                    Consumer<TileCache.Key> write, Predicate<TileCache.Key> fresh)
            throws InterruptedException {
        AtomicInteger phase = new AtomicInteger();
        TileCache.Key[] keys = new TileCache.Key[trials];
        for (int i = 0; i < trials; i++) {
            keys[i] = new TileCache.Key("activity", EntityKey.of("race-" + i));
        }
        long[] stamps = new long[trials];
        Thread reader = new Thread(() -> {
            for (int i = 0; i < trials; i++) {
                stamps[i] = stamp.getAsLong();
                phase.incrementAndGet(); // 3i+1: ready
                while (phase.get() < 3 * i + 2) {
                    Thread.onSpinWait();
                }
                offer.accept(keys[i], stamps[i]);
                phase.incrementAndGet(); // 3i+3: done
            }
        });
        reader.start();
        int wrong = 0;
        try {
            for (int i = 0; i < trials; i++) {
                while (phase.get() < 3 * i + 1) {
                    Thread.onSpinWait();
                }
                phase.incrementAndGet(); // 3i+2: go
                for (int spin = i % 64; spin > 0; spin--) {
                    Thread.onSpinWait();
                }
                write.accept(keys[i]);
                while (phase.get() < 3 * i + 3) {
                    Thread.onSpinWait();
                }
                if (!fresh.test(keys[i])) {
                    wrong++;
                }
            }
        } finally {
            reader.join();
        }
        return wrong;
    }

    private Tile tile(String user, long start, int clicks) {
        long[] times = new long[clicks];
        for (int i = 0; i < clicks; i++) {
            times[i] = start + i * 1_000L;
        }
        return fx.tile("activity", user, times);
    }

    private static void assertSame(ViewAggregator a, List<EntityTiles> got, List<EntityTiles> expected, int step) {
        assertThat(got).hasSameSizeAs(expected);
        for (int i = 0; i < got.size(); i++) {
            EntityTiles g = got.get(i);
            EntityTiles e = expected.get(i);
            String where = "step " + step + ", " + e.entity();
            assertThat(g.latestEventTime()).as(where).isEqualTo(e.latestEventTime());
            assertThat(g.lifetime() == null ? null : a.encode(g.lifetime())).as(where).isEqualTo(e.lifetime() == null ? null : a.encode(e.lifetime()));
            assertThat(encoded(a, g.tiles())).as(where).containsExactlyElementsOf(encoded(a, e.tiles()));
        }
    }

    private static List<String> encoded(ViewAggregator a, List<Tile> tiles) {
        List<String> out = new ArrayList<>();
        for (Tile t : tiles) {
            out.add(java.util.HexFormat.of().formatHex(a.encode(t)));
        }
        return out;
    }
}
