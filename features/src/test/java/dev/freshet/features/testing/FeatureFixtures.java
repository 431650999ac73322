package dev.freshet.features.testing;

import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.event.Event;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A configuration that exercises every aggregate function and a view of a second entity over the
 * same source (re-keyed), over the schema of {@link dev.freshet.core.testing.RandomEvents}; and the
 * reference tiles that the topology must publish, computed with the aggregation library alone.
 */
public final class FeatureFixtures {

    public static final String YAML = """
            project: test
            streams: {grace: 10m}
            entities:
              - {name: user, join_key: user_id}
              - {name: item, join_key: item_id}
            sources:
              - name: clicks
                timestamp_field: ts
                schema: {user_id: string, item_id: string, price: double, qty: long, flag: boolean, ts: timestamp}
            feature_views:
              - name: activity
                entity: user
                source: clicks
                tile: 1m
                features:
                  - {name: n_5m, function: count, window: 5m}
                  - {name: spend_1h, function: sum, field: price, window: 1h}
                  - {name: qty_1h, function: sum, field: qty, window: 1h}
                  - {name: min_price_1h, function: min, field: price, window: 1h}
                  - {name: max_qty_1h, function: max, field: qty, window: 1h}
                  - {name: avg_price_1h, function: avg, field: price, window: 1h}
                  - {name: last_item, function: last, field: item_id}
                  - {name: first_flag, function: first, field: flag, window: 1h}
                  - {name: items_1h, function: count_distinct, field: item_id, window: 1h}
                  - {name: p90_price_1h, function: quantile, field: price, quantile: 0.9, window: 1h}
                  - {name: n_total, function: count}
              - name: item_popularity
                entity: item
                source: clicks
                tile: 5m
                features:
                  - {name: n_1h, function: count, window: 1h}
            """;

    private FeatureFixtures() {
    }

    public static FreshetConfig config() {
        return FreshetConfig.parse(YAML, "features-test.yaml");
    }

    /**
     * The tiles of a view built from events in log order, as the topology must publish them last
     * (no expiry): events whose entity field is null or empty are skipped, as the topology skips them.
     */
    public static Map<TileKey, Tile> reference(Definitions defs, FeatureView view, List<Event> events) {
        ViewAggregator agg = ViewAggregator.of(defs, view);
        String joinKey = defs.entityOf(view).joinKey();
        Map<TileKey, Tile> tiles = new LinkedHashMap<>();
        for (Event e : events) {
            Object entity = e.get(joinKey);
            if (entity == null || entity.toString().isEmpty()) {
                continue;
            }
            long start = agg.tileStart(e.timestamp());
            Tile t = tiles.computeIfAbsent(new TileKey(view.name(), new EntityKey(entity.toString()), start), k -> agg.newTile(start));
            agg.add(t, e);
        }
        return tiles;
    }

    /** The final state of a compacted tiles topic: the last value of each key, deleted keys removed. */
    public static Map<TileKey, byte[]> latest(List<Map.Entry<byte[], byte[]>> records) {
        Map<TileKey, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<byte[], byte[]> r : records) {
            TileKey key = TileKey.parse(r.getKey());
            if (r.getValue() == null) {
                out.remove(key);
            } else {
                out.put(key, r.getValue());
            }
        }
        return out;
    }
}
