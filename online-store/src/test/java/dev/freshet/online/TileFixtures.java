package dev.freshet.online;

import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.OnlineStoreConfig;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.event.Event;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The definitions the online-store tests run on, and tiles built with the aggregation library:
 * {@code activity} (windows only, no ttl), {@code recent} (a ttl longer than its window) and
 * {@code history} (lifetime features beside a window).
 */
final class TileFixtures {

    /** 2025-11-21T10:00:00Z: a whole hour, so whole minutes and hours line up with it. */
    static final long T0 = 1_763_719_200_000L;
    static final long MINUTE = 60_000;

    static final String YAML = """
            project: test
            entities:
              - {name: user, join_key: user_id}
            sources:
              - name: clicks
                timestamp_field: ts
                schema: {user_id: string, item_id: string, price: double, ts: timestamp}
            feature_views:
              - name: activity
                entity: user
                source: clicks
                tile: 1m
                features:
                  - {name: clicks_5m, function: count, window: 5m}
                  - {name: spend_1h, function: sum, field: price, window: 1h}
                  - {name: max_price_1h, function: max, field: price, window: 1h}
              - name: recent
                entity: user
                source: clicks
                tile: 1m
                ttl: 10m
                features:
                  - {name: clicks_5m, function: count, window: 5m}
              - name: history
                entity: user
                source: clicks
                tile: 1m
                features:
                  - {name: clicks_total, function: count}
                  - {name: last_item, function: last, field: item_id}
                  - {name: clicks_5m, function: count, window: 5m}
            """;

    private final FreshetConfig base = FreshetConfig.parse(YAML, "online-store-test.yaml");
    private final Map<String, ViewAggregator> aggregators = new LinkedHashMap<>();

    TileFixtures() {
        for (var view : base.definitions().featureViews()) {
            aggregators.put(view.name(), ViewAggregator.of(base.definitions(), view));
        }
    }

    /** The test definitions with the given store. */
    FreshetConfig config(OnlineStoreConfig store) {
        return base.withOnlineStore(store);
    }

    Definitions definitions() {
        return base.definitions();
    }

    ViewAggregator aggregator(String view) {
        return aggregators.get(view);
    }

    /** A click; the item and price are derived from the time so that tiles differ. */
    Event click(String user, long ts) {
        return click(user, ts, "item-" + (ts / 1000 % 7), (double) (ts / 1000 % 100));
    }

    Event click(String user, long ts, String item, Double price) {
        return Event.builder(base.definitions().source("clicks").orElseThrow().schema())
                .key(user).timestamp(ts)
                .set("user_id", user).set("item_id", item).set("price", price).set("ts", ts)
                .build();
    }

    /** The tile of {@code view} holding a click of {@code user} at each time (all in one tile); its version is their count. */
    Tile tile(String view, String user, long... times) {
        ViewAggregator a = aggregator(view);
        Tile t = a.newTile(a.tileStart(times[0]));
        for (long ts : times) {
            a.add(t, click(user, ts));
        }
        return t;
    }

    /** A tile of the given events, all of one tile. */
    Tile tile(String view, Event... events) {
        ViewAggregator a = aggregator(view);
        Tile t = a.newTile(a.tileStart(events[0].timestamp()));
        for (Event e : events) {
            a.add(t, e);
        }
        return t;
    }

    /** What the features topology does when tiles close: folds them into a lifetime tile that starts at the newest of them. */
    Tile lifetime(String view, Tile... folded) {
        ViewAggregator a = aggregator(view);
        long newest = Long.MIN_VALUE;
        for (Tile t : folded) {
            newest = Math.max(newest, t.start());
        }
        Tile life = a.newTile(newest);
        for (Tile t : folded) {
            a.merge(life, t);
        }
        return life;
    }

    byte[] encode(String view, Tile tile) {
        return aggregator(view).encode(tile);
    }

    static TileKey key(String view, String user, long start) {
        return new TileKey(view, EntityKey.of(user), start);
    }

    static TileKey key(String view, String user, Tile tile) {
        return key(view, user, tile.start());
    }

    /** A batch writing each tile under its own start. */
    TileBatch.Builder put(TileBatch.Builder batch, String view, String user, Tile... tiles) {
        for (Tile t : tiles) {
            batch.put(key(view, user, t), encode(view, t));
        }
        return batch;
    }
}
