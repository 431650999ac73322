package dev.freshet.app.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Configurations for the command tests. */
final class Examples {

    /** The repository's example freshet.yaml, copied so that these tests do not move when the example does. */
    static final String SHOP = """
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

    private Examples() {
    }

    /** Writes {@code yaml} to {@code dir/name} and returns the file's path as a string, ready for --config. */
    static String write(Path dir, String name, String yaml) {
        try {
            return Files.writeString(dir.resolve(name), yaml).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
