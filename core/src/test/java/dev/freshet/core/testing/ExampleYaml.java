package dev.freshet.core.testing;

/**
 * The README's example {@code freshet.yaml} (also the repository's), as test text. Kept as a
 * copy so that tests do not move when the file does; a core test checks the two are identical.
 * Other modules use it through the core test-jar.
 */
public final class ExampleYaml {

    public static final String SHOP = """
            project: shop
            kafka:
              # bootstrap_servers: broker:9092      # absent: an embedded single-node broker
              embedded: {port: 9092, data_dir: ./data/kafka}
            online_store: {type: rocksdb, path: ./data/online}   # or {type: redis, uri: redis://127.0.0.1:6379}
            offline_store: {path: ./data/offline}
            api: {port: 8080}
            entities:
              - {name: user, join_key: user_id}
            sources:
              - name: clicks
                topic: clicks
                format: json
                timestamp_field: ts            # epoch milliseconds or an ISO-8601 string
                schema: {user_id: string, item_id: string, price: double, ts: timestamp}
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
                  - {name: max_price_1h, function: max, field: price, window: 1h}
                  - {name: last_item, function: last, field: item_id}
                  - {name: items_1d, function: count_distinct, field: item_id, window: 1d}
                  - {name: clicks_total, function: count}
            """;

    private ExampleYaml() {
    }
}
