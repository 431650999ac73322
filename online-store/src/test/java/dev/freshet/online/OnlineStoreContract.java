package dev.freshet.online;

import dev.freshet.core.aggregate.FeatureValue;
import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.OnlineStoreConfig;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.event.Event;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.core.feature.FeatureStatus;
import dev.freshet.core.feature.FeatureVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.freshet.online.TileFixtures.MINUTE;
import static dev.freshet.online.TileFixtures.T0;
import static dev.freshet.online.TileFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link OnlineStore} must do (see its contract), run against each backend by a
 * subclass that says where the store lives. Each test opens a fresh, empty store and closes it.
 */
abstract class OnlineStoreContract {

    static final TilePartition P0 = new TilePartition("freshet.tiles.activity", 0);
    static final TilePartition P1 = new TilePartition("freshet.tiles.activity", 1);

    final TileFixtures fx = new TileFixtures();
    FreshetConfig config;
    OnlineStore store;

    /** Where this test's store lives: a new, empty one. */
    abstract OnlineStoreConfig storeConfig();

    @BeforeEach
    void openStore() {
        config = fx.config(storeConfig());
        store = OnlineStore.open(config);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    // ---- writes and getTiles

    @Test
    void tilesReadBackAsTheyWereWritten() {
        Tile a = fx.tile("activity", "u1", T0 + 1_000, T0 + 2_000);
        Tile b = fx.tile("activity", "u1", T0 + MINUTE + 5_000);
        Tile c = fx.tile("activity", "u1", T0 + 3 * MINUTE, T0 + 3 * MINUTE + 59_999);
        // neighbours that share a prefix of the view or entity name must not leak in
        Tile other = fx.tile("activity", "u10", T0 + 2 * MINUTE);
        Tile otherView = fx.tile("history", "u1", T0 + 2 * MINUTE);
        TileBatch.Builder batch = fx.put(TileBatch.builder(), "activity", "u1", c, a, b);
        fx.put(batch, "activity", "u10", other);
        fx.put(batch, "history", "u1", otherView);
        store.putTiles(batch.build());

        EntityTiles got = get("activity", "u1", TileKey.LIFETIME);
        assertThat(got.entity()).isEqualTo(EntityKey.of("u1"));
        assertThat(got.lifetime()).isNull();
        assertSameTiles("activity", got.tiles(), a, b, c);
        assertThat(got.latestEventTime()).isEqualTo(T0 + 3 * MINUTE + 59_999);
        assertSameTiles("activity", get("activity", "u10", TileKey.LIFETIME).tiles(), other);
        assertSameTiles("history", get("history", "u1", TileKey.LIFETIME).tiles(), otherView);
    }

    @Test
    void aLowerOrEqualVersionNeverReplacesAHigherOneAcrossBatches() {
        Tile v3 = fx.tile("activity", clicks("u1", 1.0, 2.0, 3.0));
        Tile v2 = fx.tile("activity", clicks("u1", 50.0, 60.0));
        Tile otherV3 = fx.tile("activity", clicks("u1", 10.0, 20.0, 30.0));
        Tile v4 = fx.tile("activity", clicks("u1", 7.0, 8.0, 9.0, 10.0));
        store.putTiles(fx.put(TileBatch.builder(), "activity", "u1", v3).build());
        store.putTiles(fx.put(TileBatch.builder(), "activity", "u1", v2).build());
        assertSameTiles("activity", get("activity", "u1", T0).tiles(), v3);
        store.putTiles(fx.put(TileBatch.builder(), "activity", "u1", otherV3).build());
        assertSameTiles("activity", get("activity", "u1", T0).tiles(), v3);
        store.putTiles(fx.put(TileBatch.builder(), "activity", "u1", v4).build());
        assertSameTiles("activity", get("activity", "u1", T0).tiles(), v4);
    }

    @Test
    void withinOneBatchWritesApplyInOrderAndTheHighestVersionWins() {
        Tile v2 = fx.tile("activity", clicks("u1", 1.0, 2.0));
        Tile v4 = fx.tile("activity", clicks("u1", 1.0, 2.0, 3.0, 4.0));
        Tile v3 = fx.tile("activity", clicks("u1", 1.0, 2.0, 3.0));
        Tile first = fx.tile("activity", clicks("u2", 1.0, 2.0));
        Tile second = fx.tile("activity", clicks("u2", 5.0, 6.0));
        TileBatch.Builder batch = fx.put(TileBatch.builder(), "activity", "u1", v2, v4, v3);
        fx.put(batch, "activity", "u2", first, second);
        store.putTiles(batch.build());
        assertSameTiles("activity", get("activity", "u1", T0).tiles(), v4);
        assertSameTiles("activity", get("activity", "u2", T0).tiles(), first);
    }

    @Test
    void replayedBatchesChangeNothing() {
        Tile a1 = fx.tile("activity", "u1", T0 + 1_000);
        Tile a2 = fx.tile("activity", "u1", T0 + 1_000, T0 + 2_000);
        Tile b1 = fx.tile("activity", "u1", T0 + MINUTE);
        TileBatch first = fx.put(TileBatch.builder(), "activity", "u1", a1).offset(P0, 1).build();
        TileBatch second = fx.put(TileBatch.builder(), "activity", "u1", a2, b1).offset(P0, 3).build();
        TileBatch third = TileBatch.builder().remove(key("activity", "u1", b1)).offset(P0, 4).build();
        store.putTiles(first);
        store.putTiles(second);
        store.putTiles(third);
        List<FeatureVector> before = store.read(allOf("activity"), users("u1"), T0 + 2 * MINUTE);

        store.putTiles(first);
        store.putTiles(third);

        assertSameTiles("activity", get("activity", "u1", TileKey.LIFETIME).tiles(), a2);
        assertThat(store.offsets()).isEqualTo(Map.of(P0, 4L));
        assertThat(store.read(allOf("activity"), users("u1"), T0 + 2 * MINUTE)).isEqualTo(before);
    }

    @Test
    void aRemovalDeletesTheTile() {
        Tile a = fx.tile("activity", "u1", T0 + 1_000);
        Tile b = fx.tile("activity", "u1", T0 + MINUTE);
        store.putTiles(fx.put(TileBatch.builder(), "activity", "u1", a, b).build());
        store.putTiles(TileBatch.builder().remove(key("activity", "u1", a)).build());
        assertSameTiles("activity", get("activity", "u1", TileKey.LIFETIME).tiles(), b);
        store.putTiles(TileBatch.builder().remove(key("activity", "u1", b)).remove(key("activity", "u1", T0 + 9 * MINUTE)).build());
        assertThat(get("activity", "u1", TileKey.LIFETIME)).isEqualTo(EntityTiles.none(EntityKey.of("u1")));
    }

    @Test
    void withinOneBatchARemovalAfterAPutRemovesAndAPutAfterARemovalWrites() {
        Tile a = fx.tile("activity", "u1", T0 + 1_000);
        Tile b = fx.tile("activity", "u1", T0 + MINUTE);
        store.putTiles(fx.put(TileBatch.builder(), "activity", "u1", b).build());
        TileBatch.Builder batch = fx.put(TileBatch.builder(), "activity", "u1", a).remove(key("activity", "u1", a));
        batch.remove(key("activity", "u1", b));
        fx.put(batch, "activity", "u1", b);
        store.putTiles(batch.build());
        assertSameTiles("activity", get("activity", "u1", TileKey.LIFETIME).tiles(), b);
    }

    @Test
    void fromTileKeepsTheTilesThatStartAtOrAfterIt() {
        Tile a = fx.tile("activity", "u1", T0 + 1_000);
        Tile b = fx.tile("activity", "u1", T0 + MINUTE + 1_000);
        Tile c = fx.tile("activity", "u1", T0 + 2 * MINUTE + 1_000);
        store.putTiles(fx.put(TileBatch.builder(), "activity", "u1", a, b, c).build());
        assertSameTiles("activity", get("activity", "u1", T0 + MINUTE).tiles(), b, c);
        assertSameTiles("activity", get("activity", "u1", T0 + 2 * MINUTE).tiles(), c);
        assertSameTiles("activity", get("activity", "u1", T0 - 60 * MINUTE).tiles(), a, b, c);
        EntityTiles none = get("activity", "u1", T0 + 3 * MINUTE);
        assertThat(none.tiles()).isEmpty();
        assertThat(none.isKnown()).isTrue();
    }

    @Test
    void theLifetimeTileComesWhateverFromTile() {
        Tile a = fx.tile("history", "u1", T0 + 1_000, T0 + 2_000);
        Tile b = fx.tile("history", "u1", T0 + MINUTE + 10_000);
        Tile life = fx.lifetime("history", a, b);
        Tile c = fx.tile("history", "u1", T0 + 30 * MINUTE);
        store.putTiles(fx.put(TileBatch.builder(), "history", "u1", c)
                .put(TileKey.lifetime("history", EntityKey.of("u1")), fx.encode("history", life)).build());

        EntityTiles all = get("history", "u1", TileKey.LIFETIME);
        assertSameTile("history", all.lifetime(), life);
        assertSameTiles("history", all.tiles(), c);
        EntityTiles late = get("history", "u1", T0 + 90 * MINUTE);
        assertSameTile("history", late.lifetime(), life);
        assertThat(late.tiles()).isEmpty();
        assertThat(late.latestEventTime()).isEqualTo(T0 + 30 * MINUTE);
    }

    @Test
    void latestEventTimeCoversTheTilesBeforeFromTile() {
        Tile a = fx.tile("activity", "u1", T0 + 30_000);
        Tile b = fx.tile("activity", "u1", T0 + MINUTE + 20_000, T0 + MINUTE + 10_000);
        store.putTiles(fx.put(TileBatch.builder(), "activity", "u1", a, b).build());
        EntityTiles got = get("activity", "u1", T0 + 10 * MINUTE);
        assertThat(got.tiles()).isEmpty();
        assertThat(got.lifetime()).isNull();
        assertThat(got.latestEventTime()).isEqualTo(T0 + MINUTE + 20_000);
        assertThat(got.isKnown()).isTrue();

        Tile life = fx.lifetime("history", fx.tile("history", "u2", T0 + 5_000));
        store.putTiles(TileBatch.builder().put(TileKey.lifetime("history", EntityKey.of("u2")), fx.encode("history", life)).build());
        assertThat(get("history", "u2", T0 + 60 * MINUTE).latestEventTime()).isEqualTo(T0 + 5_000);
    }

    @Test
    void anEntityWithoutTilesIsNotKnown() {
        store.putTiles(fx.put(TileBatch.builder(), "activity", "u1", fx.tile("activity", "u1", T0)).build());
        assertThat(get("activity", "nobody", TileKey.LIFETIME)).isEqualTo(EntityTiles.none(EntityKey.of("nobody")));
        assertThat(get("recent", "u1", TileKey.LIFETIME).isKnown()).isFalse();
    }

    // ---- read

    @Test
    void readAgreesWithTheAggregationLibrary() {
        List<Tile> tiles = new ArrayList<>();
        TileBatch.Builder batch = TileBatch.builder();
        for (int m = 0; m < 150; m += 7) {
            long ts = T0 + m * MINUTE;
            Tile t = fx.tile("activity", "u1", ts + 1_000, ts + 17_000, ts + 42_000);
            tiles.add(t);
            fx.put(batch, "activity", "u1", t);
        }
        store.putTiles(batch.build());
        ViewAggregator agg = fx.aggregator("activity");
        List<FeatureRef> features = allOf("activity");
        for (long now : new long[]{T0 + 30 * MINUTE, T0 + 63 * MINUTE + 5_000, T0 + 120 * MINUTE, T0 + 150 * MINUTE, T0 + 207 * MINUTE}) {
            FeatureVector v = store.read(features, users("u1"), now).getFirst();
            for (int i = 0; i < features.size(); i++) {
                FeatureValue expected = agg.evaluate(agg.featureIndex(features.get(i).feature()), tiles, now);
                assertThat(v.values().get(i)).as("%s at %s", features.get(i), now).isEqualTo(expected.value());
                assertThat(v.statuses().get(i)).isEqualTo(expected.value() == null ? FeatureStatus.NULL_VALUE : FeatureStatus.PRESENT);
                assertThat(v.eventTimestamps().get(i)).isEqualTo(expected.hasEvents() ? expected.eventTime() : 0L);
            }
        }
        // an hour after the last tile (at 147m) the 5-minute window is empty
        FeatureVector late = store.read(features, users("u1"), T0 + 207 * MINUTE).getFirst();
        assertThat(late.values().get(0)).isEqualTo(0L);
        assertThat(late.statuses()).containsOnly(FeatureStatus.PRESENT);
        // a minute later every tile has expired (the view's horizon is its longest window, 1h): unknown again
        FeatureVector gone = store.read(features, users("u1"), T0 + 208 * MINUTE).getFirst();
        assertThat(gone.values()).containsOnlyNulls();
        assertThat(gone.statuses()).containsOnly(FeatureStatus.NOT_FOUND);
    }

    /**
     * Reads keep the plan of each feature list they saw: a list the caller changes afterwards, and more lists than
     * are kept, must still be read as they are at each read.
     */
    @Test
    void everyFeatureListIsReadAsItIsAtTheRead() {
        Tile t = fx.tile("activity", "u1", T0 + 1_000, T0 + 17_000);
        store.putTiles(fx.put(TileBatch.builder(), "activity", "u1", t).build());
        ViewAggregator agg = fx.aggregator("activity");
        long now = T0 + MINUTE;
        List<FeatureRef> all = allOf("activity");
        List<FeatureRef> features = new ArrayList<>(all.subList(0, 1));
        for (int n = 1; n <= all.size(); n++) {
            FeatureVector v = store.read(features, users("u1"), now).getFirst();
            assertThat(v.features()).isEqualTo(all.subList(0, n));
            for (int i = 0; i < n; i++) {
                assertThat(v.values().get(i)).as("%s of a %d-feature list", all.get(i), n)
                        .isEqualTo(agg.evaluate(agg.featureIndex(all.get(i).feature()), List.of(t), now).value());
            }
            if (n < all.size()) {
                features.add(all.get(n)); // the same list object, one feature longer
            }
        }
        // more distinct lists than the plan cache keeps (WindowReader.MAX_PLANS): sequences of the view's features
        List<List<FeatureRef>> lists = new ArrayList<>();
        orders(all, new ArrayList<>(), lists, WindowReader.MAX_PLANS + 100);
        assertThat(lists).hasSize(WindowReader.MAX_PLANS + 100);
        for (List<FeatureRef> list : lists) {
            FeatureVector v = store.read(list, users("u1"), now).getFirst();
            for (int i = 0; i < list.size(); i++) {
                assertThat(v.values().get(i)).as("%s in %s", list.get(i), list)
                        .isEqualTo(agg.evaluate(agg.featureIndex(list.get(i).feature()), List.of(t), now).value());
            }
        }
    }

    /** Adds to {@code out} sequences of features of {@code all} (a feature may repeat) of up to 7 features, until it holds {@code limit}. */
    private static void orders(List<FeatureRef> all, List<FeatureRef> prefix, List<List<FeatureRef>> out, int limit) {
        for (FeatureRef f : all) {
            if (out.size() == limit) {
                return;
            }
            prefix.add(f);
            out.add(List.copyOf(prefix));
            if (prefix.size() < 7) {
                orders(all, prefix, out, limit);
            }
            prefix.removeLast();
        }
    }

    @Test
    void readReportsEveryStatus() {
        Tile recent = fx.tile("recent", "u1", T0 + 10_000);
        Tile noPrice = fx.tile("activity", fx.click("u1", T0 + 10_000, "x", null));
        TileBatch.Builder batch = fx.put(TileBatch.builder(), "recent", "u1", recent);
        store.putTiles(fx.put(batch, "activity", "u1", noPrice).build());
        List<FeatureRef> features = List.of(ref("recent:clicks_5m"));

        List<FeatureVector> soon = store.read(features, users("u1", "ghost"), T0 + 2 * MINUTE);
        assertThat(soon.get(0).values()).containsExactly(1L);
        assertThat(soon.get(0).statuses()).containsExactly(FeatureStatus.PRESENT);
        assertThat(soon.get(0).eventTimestamps()).containsExactly(T0 + 10_000);
        assertThat(soon.get(1).values()).containsExactly((Object) null);
        assertThat(soon.get(1).statuses()).containsExactly(FeatureStatus.NOT_FOUND);

        // the ttl is 10 minutes: the latest event is older than that just after T0 + 10m10s
        FeatureVector stale = store.read(features, users("u1"), T0 + 10_000 + 10 * MINUTE + 1).getFirst();
        assertThat(stale.values()).containsExactly((Object) null);
        assertThat(stale.statuses()).containsExactly(FeatureStatus.OUTSIDE_MAX_AGE);
        assertThat(stale.eventTimestamps()).containsExactly(T0 + 10_000);

        FeatureVector nullPrice = store.read(List.of(ref("activity:max_price_1h"), ref("activity:clicks_5m")), users("u1"), T0 + MINUTE).getFirst();
        assertThat(nullPrice.values()).containsExactly(null, 1L);
        assertThat(nullPrice.statuses()).containsExactly(FeatureStatus.NULL_VALUE, FeatureStatus.PRESENT);
    }

    @Test
    void aWindowDecaysAsNowAdvances() {
        store.putTiles(fx.put(TileBatch.builder(), "activity", "u1", fx.tile("activity", "u1", T0 + 1_000, T0 + 2_000, T0 + 3_000)).build());
        List<FeatureRef> clicks = List.of(ref("activity:clicks_5m"));
        assertThat(store.read(clicks, users("u1"), T0 + 2_500).getFirst().values()).containsExactly(3L);
        assertThat(store.read(clicks, users("u1"), T0 + 4 * MINUTE).getFirst().values()).containsExactly(3L);
        assertThat(store.read(clicks, users("u1"), T0 + 5 * MINUTE + 59_999).getFirst().values()).containsExactly(3L);
        FeatureVector gone = store.read(clicks, users("u1"), T0 + 6 * MINUTE).getFirst();
        assertThat(gone.values()).containsExactly(0L);
        assertThat(gone.statuses()).containsExactly(FeatureStatus.PRESENT);
        assertThat(gone.eventTimestamps()).containsExactly(0L);
    }

    @Test
    void aLifetimeFeatureAddsTheLifetimeTileToTheTilesAfterIt() {
        Tile a = fx.tile("history", "u1", T0 + 1_000, T0 + 2_000);
        Tile b = fx.tile("history", "u1", T0 + MINUTE + 1_000, T0 + MINUTE + 2_000, T0 + MINUTE + 3_000);
        Tile life = fx.lifetime("history", a, b);
        Tile c = fx.tile("history", fx.click("u1", T0 + 30 * MINUTE + 5_000, "newest", 1.0));
        // b was folded into the lifetime tile and lingers until its tombstone: it must not count twice
        TileBatch.Builder batch = fx.put(TileBatch.builder(), "history", "u1", b, c);
        store.putTiles(batch.put(TileKey.lifetime("history", EntityKey.of("u1")), fx.encode("history", life)).build());

        long now = T0 + 31 * MINUTE;
        FeatureVector v = store.read(allOf("history"), users("u1"), now).getFirst();
        assertThat(v.values()).containsExactly(6L, "newest", 1L);
        ViewAggregator agg = fx.aggregator("history");
        assertThat(v.values().get(0)).isEqualTo(agg.evaluate(agg.featureIndex("clicks_total"), List.of(life, c), now).value());
        assertThat(v.eventTimestamps()).containsExactly(T0 + 30 * MINUTE + 5_000, T0 + 30 * MINUTE + 5_000, T0 + 30 * MINUTE + 5_000);

        // hours later the window is empty, the lifetime features are not
        FeatureVector later = store.read(allOf("history"), users("u1"), now + 600 * MINUTE).getFirst();
        assertThat(later.values()).containsExactly(6L, "newest", 0L);
    }

    @Test
    void severalEntitiesInOneCallKeepTheirOrder() {
        TileBatch.Builder batch = TileBatch.builder();
        fx.put(batch, "activity", "u1", fx.tile("activity", "u1", T0 + 1_000));
        fx.put(batch, "activity", "u2", fx.tile("activity", "u2", T0 + 1_000, T0 + 2_000));
        fx.put(batch, "activity", "u3", fx.tile("activity", "u3", T0 + 1_000, T0 + 2_000, T0 + 3_000));
        store.putTiles(batch.build());
        List<EntityKey> entities = users("u3", "ghost", "u1", "u2");
        List<FeatureVector> got = store.read(List.of(ref("activity:clicks_5m"), ref("recent:clicks_5m")), entities, T0 + MINUTE);
        assertThat(got).extracting(FeatureVector::entity).isEqualTo(entities);
        assertThat(got).extracting(v -> v.values().get(0)).containsExactly(3L, null, 1L, 2L);
        assertThat(got).extracting(v -> v.statuses().get(1)).containsOnly(FeatureStatus.NOT_FOUND);
        assertThat(store.getTiles("activity", entities, T0)).extracting(EntityTiles::entity).isEqualTo(entities);
    }

    // ---- offsets, sweep

    @Test
    void offsetsAreStoredWithTheTilesAndNeverMoveBack() {
        assertThat(store.offsets()).isEmpty();
        TileBatch.Builder batch = fx.put(TileBatch.builder(), "activity", "u1", fx.tile("activity", "u1", T0));
        store.putTiles(batch.offset(P0, 3).offset(P0, 5).offset(P1, 7).build());
        assertThat(store.offsets()).isEqualTo(Map.of(P0, 5L, P1, 7L));
        TilePartition history = new TilePartition("freshet.tiles.history", 2);
        store.putTiles(TileBatch.builder().offset(P0, 9).offset(P1, 2).offset(history, 0).build());
        assertThat(store.offsets()).isEqualTo(Map.of(P0, 9L, P1, 7L, history, 0L));
    }

    @Test
    void sweepRemovesExactlyTheExpiredTilesOfViewsWithoutLifetimeFeatures() {
        long now = T0 + 120 * MINUTE;
        // activity: longest window 1h, no ttl: tiles ending at or before T0 + 60m go
        Tile[] activity = {tileAt("activity", "u1", 0), tileAt("activity", "u1", 59), tileAt("activity", "u1", 60), tileAt("activity", "u1", 61)};
        // recent: window 5m, ttl 10m: tiles ending at or before T0 + 110m go
        Tile[] recent = {tileAt("recent", "u1", 100), tileAt("recent", "u1", 109), tileAt("recent", "u1", 110)};
        // history has lifetime features: nothing goes, however old
        Tile oldHistory = tileAt("history", "u1", 0);
        Tile life = fx.lifetime("history", fx.tile("history", "u1", T0 - 300 * MINUTE));
        TileBatch.Builder batch = fx.put(TileBatch.builder(), "activity", "u1", activity);
        fx.put(batch, "activity", "u2", tileAt("activity", "u2", 3));
        fx.put(batch, "recent", "u1", recent);
        fx.put(batch, "history", "u1", oldHistory);
        batch.put(TileKey.lifetime("history", EntityKey.of("u1")), fx.encode("history", life));
        store.putTiles(batch.build());

        assertThat(store.sweep(now)).isEqualTo(5);

        assertSameTiles("activity", get("activity", "u1", TileKey.LIFETIME).tiles(), activity[2], activity[3]);
        assertThat(get("activity", "u2", TileKey.LIFETIME).isKnown()).isFalse();
        assertSameTiles("recent", get("recent", "u1", TileKey.LIFETIME).tiles(), recent[2]);
        EntityTiles history = get("history", "u1", TileKey.LIFETIME);
        assertSameTile("history", history.lifetime(), life);
        assertSameTiles("history", history.tiles(), oldHistory);
        assertThat(store.sweep(now)).isZero();
        // a minute later the next tile of each swept view expires
        assertThat(store.sweep(now + MINUTE)).isEqualTo(2);
        assertSameTiles("activity", get("activity", "u1", TileKey.LIFETIME).tiles(), activity[3]);
    }

    @Test
    void anEntityWhoseTilesHaveAllExpiredIsNotFoundBeforeTheSweepAsAfterIt() {
        // recent: window 5m, ttl 10m, tile 1m; u1's newest tile starts at 109m: it expires at 120m
        TileBatch.Builder batch = fx.put(TileBatch.builder(), "recent", "u1", tileAt("recent", "u1", 100), tileAt("recent", "u1", 109));
        store.putTiles(batch.build());
        List<FeatureRef> refs = List.of(ref("recent:clicks_5m"));
        long lastKnown = T0 + 120 * MINUTE - 1;
        long expired = T0 + 120 * MINUTE;

        assertThat(store.read(refs, users("u1"), lastKnown).get(0).statuses()).containsExactly(FeatureStatus.OUTSIDE_MAX_AGE);
        assertThat(store.read(refs, users("u1"), expired).get(0).statuses()).as("before the sweep").containsExactly(FeatureStatus.NOT_FOUND);
        assertThat(store.sweep(expired)).isEqualTo(2);
        assertThat(store.read(refs, users("u1"), expired).get(0).statuses()).as("after the sweep").containsExactly(FeatureStatus.NOT_FOUND);
    }

    // ---- errors and lifecycle

    @Test
    void unknownViewsAndFeaturesAreRejectedByName() {
        assertThatThrownBy(() -> store.read(List.of(ref("nope:clicks_5m")), users("u1"), T0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'nope'");
        assertThatThrownBy(() -> store.read(List.of(ref("activity:no_such_feature")), users("u1"), T0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'no_such_feature'");
        assertThatThrownBy(() -> store.getTiles("activty", users("u1"), T0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'activty'").hasMessageContaining("activity");
    }

    @Test
    void tilesOfUnknownViewsAreSkippedAndCounted() {
        Tile known = fx.tile("activity", "u1", T0);
        TileBatch batch = fx.put(TileBatch.builder(), "activity", "u1", known)
                .put(key("removed_view", "u1", T0), fx.encode("activity", known))
                .remove(key("removed_view", "u1", T0 + MINUTE))
                .offset(P0, 2).build();
        store.putTiles(batch);
        assertSameTiles("activity", get("activity", "u1", T0).tiles(), known);
        assertThat(store.offsets()).isEqualTo(Map.of(P0, 2L));
        assertThat(skippedUnknownViews(store)).isEqualTo(2);
    }

    @Test
    void unreadableTileBytesAreRejectedWithTheirKey() {
        TileBatch batch = TileBatch.builder().put(key("activity", "u1", T0), new byte[]{9, 9, 9}).offset(P0, 1).build();
        assertThatThrownBy(() -> store.putTiles(batch))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("activity|" + T0 + "|u1");
        assertThat(store.offsets()).isEmpty();
    }

    @Test
    void everyCallAfterCloseThrowsAndCloseIsIdempotent() {
        store.close();
        store.close();
        TileBatch batch = TileBatch.builder().offset(P0, 1).build();
        List<Runnable> calls = List.of(
                () -> store.putTiles(batch),
                () -> store.getTiles("activity", users("u1"), T0),
                () -> store.read(List.of(ref("activity:clicks_5m")), users("u1"), T0),
                store::offsets,
                () -> store.sweep(T0));
        for (Runnable call : calls) {
            assertThatThrownBy(call::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
        }
    }

    @Test
    void reopeningKeepsTilesAndOffsets() {
        Tile a = fx.tile("activity", "u1", T0 + 1_000);
        Tile life = fx.lifetime("history", fx.tile("history", "u1", T0));
        store.putTiles(fx.put(TileBatch.builder(), "activity", "u1", a)
                .put(TileKey.lifetime("history", EntityKey.of("u1")), fx.encode("history", life))
                .offset(P0, 11).build());
        store.close();
        store = OnlineStore.open(config);
        assertSameTiles("activity", get("activity", "u1", TileKey.LIFETIME).tiles(), a);
        assertSameTile("history", get("history", "u1", T0).lifetime(), life);
        assertThat(store.offsets()).isEqualTo(Map.of(P0, 11L));
    }

    // ---- helpers

    static long skippedUnknownViews(OnlineStore store) {
        return switch (store) {
            case RocksDbOnlineStore s -> s.skippedUnknownViews();
            case RedisOnlineStore s -> s.skippedUnknownViews();
            default -> throw new IllegalArgumentException("unknown store " + store);
        };
    }

    EntityTiles get(String view, String user, long fromTile) {
        return store.getTiles(view, users(user), fromTile).getFirst();
    }

    /** A tile of one click, {@code minutes} after T0. */
    Tile tileAt(String view, String user, int minutes) {
        return fx.tile(view, user, T0 + minutes * MINUTE + 1_000);
    }

    /** Clicks of {@code user} in the tile at T0, one per price, a second apart. */
    Event[] clicks(String user, Double... prices) {
        Event[] out = new Event[prices.length];
        for (int i = 0; i < prices.length; i++) {
            out[i] = fx.click(user, T0 + 1_000L * (i + 1), "item-" + i, prices[i]);
        }
        return out;
    }

    List<FeatureRef> allOf(String view) {
        return fx.definitions().featureView(view).orElseThrow().features().stream().map(f -> new FeatureRef(view, f.name())).toList();
    }

    static FeatureRef ref(String text) {
        return FeatureRef.parse(text);
    }

    static List<EntityKey> users(String... names) {
        return java.util.Arrays.stream(names).map(EntityKey::of).toList();
    }

    void assertSameTiles(String view, List<Tile> actual, Tile... expected) {
        assertThat(actual).extracting(Tile::start).containsExactly(java.util.Arrays.stream(expected).map(Tile::start).toArray(Long[]::new));
        for (int i = 0; i < expected.length; i++) {
            assertSameTile(view, actual.get(i), expected[i]);
        }
    }

    /** Tiles have no equals: the same encoding means the same tile. */
    void assertSameTile(String view, Tile actual, Tile expected) {
        assertThat(actual).as("tile starting at %s", expected.start()).isNotNull();
        assertThat(fx.encode(view, actual)).as("tile starting at %s", expected.start()).isEqualTo(fx.encode(view, expected));
    }
}
