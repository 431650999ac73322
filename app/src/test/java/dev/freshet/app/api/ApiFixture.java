package dev.freshet.app.api;

import dev.freshet.core.aggregate.FeatureValue;
import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.Source;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.event.Event;
import dev.freshet.core.event.EventJson;
import dev.freshet.online.OnlineStore;
import dev.freshet.online.TileBatch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A running API over a real online store, for tests: the configuration, the store, a clock the
 * test moves, tiles written from events exactly as the pipeline would aggregate them, and an
 * HTTP/1.1 client. Closing it closes the server, then the store.
 */
final class ApiFixture implements AutoCloseable {

    /** 2026-11-21T10:00:00Z. */
    static final long T0 = Instant.parse("2026-11-21T10:00:00Z").toEpochMilli();
    static final long MINUTE = 60_000;

    /** The README's example plus a second entity (item) with a view of its own over the same source. */
    static final String DEFINITIONS = """
            entities:
              - {name: user, join_key: user_id}
              - {name: item, join_key: item_id}
            sources:
              - name: clicks
                topic: clicks
                format: json
                timestamp_field: ts
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
              - name: item_stats
                entity: item
                source: clicks
                tile: 1m
                features:
                  - {name: clicks_1h, function: count, window: 1h}
                  - {name: revenue_1h, function: sum, field: price, window: 1h}
                  - {name: p90_price_1h, function: quantile, field: price, window: 1h, quantile: 0.9}
                  - {name: clicks_total, function: count}
            """;

    final FreshetConfig config;
    final OnlineStore store;
    final MutableClock clock = new MutableClock(T0);
    final ApiServer server;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Definitions definitions;
    private final Map<TileKey, Tile> tiles = new LinkedHashMap<>();
    private final Map<String, ViewAggregator> aggregators = new HashMap<>();

    private ApiFixture(FreshetConfig config, Consumer<ApiServer.Builder> customize) {
        this.config = config;
        this.definitions = config.definitions();
        for (FeatureView v : definitions.featureViews()) {
            aggregators.put(v.name(), ViewAggregator.of(definitions, v));
        }
        this.store = OnlineStore.open(config);
        try {
            ApiServer.Builder b = ApiServer.builder().config(config).store(store).clock(clock).eventLoops(2);
            customize.accept(b);
            this.server = b.build().start();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * The YAML of a test configuration (on port 8080; {@link #start} moves it to any free port).
     *
     * @param onlineStore the {@code online_store} mapping, e.g. {@code {type: rocksdb, path: "/tmp/x"}}
     * @param extra       more top-level lines (kafka), or ""
     */
    static String yaml(String onlineStore, String extra, int maxEntities, int maxRequestBytes) {
        return "project: shop\n" + extra + "online_store: " + onlineStore + "\n"
                + "api: {port: 8080, max_entities: " + maxEntities + ", max_request_bytes: " + maxRequestBytes + "}\n" + DEFINITIONS;
    }

    static ApiFixture start(String yaml) {
        return start(yaml, b -> { });
    }

    static ApiFixture start(String yaml, Consumer<ApiServer.Builder> customize) {
        return new ApiFixture(onPort(FreshetConfig.parse(yaml, "test.yaml"), 0), customize);
    }

    /** The configuration with another api.port; 0, which freshet.yaml does not allow, is any free port to the server. */
    static FreshetConfig onPort(FreshetConfig c, int port) {
        return c.withApi(c.api().withPort(port));
    }

    /** Aggregates events (JSON objects of source clicks) into every view's tiles and writes the tiles they touched. */
    void write(String... events) {
        Source clicks = definitions.source("clicks").orElseThrow();
        EventJson json = EventJson.of(definitions, clicks);
        TileBatch.Builder batch = TileBatch.builder();
        Map<TileKey, Tile> touched = new LinkedHashMap<>();
        for (String text : events) {
            Event e = json.decode(text.getBytes(StandardCharsets.UTF_8));
            for (FeatureView v : definitions.viewsOf(clicks)) {
                ViewAggregator a = aggregators.get(v.name());
                String joinKey = definitions.entityOf(v).joinKey();
                TileKey key = new TileKey(v.name(), EntityKey.of(String.valueOf(e.get(joinKey))), a.tileStart(e.timestamp()));
                Tile t = tiles.computeIfAbsent(key, k -> a.newTile(k.tileStart()));
                a.add(t, e);
                touched.put(key, t);
            }
        }
        touched.forEach((k, t) -> batch.put(k, aggregators.get(k.view()).encode(t)));
        store.putTiles(batch.build());
    }

    /** An event of clicks as JSON. */
    static String click(String user, String item, double price, long ts) {
        return "{\"user_id\": \"" + user + "\", \"item_id\": \"" + item + "\", \"price\": " + price + ", \"ts\": " + ts + "}";
    }

    /** What the aggregation library says a feature is at {@code now}, from the tiles written; null when the entity has none. */
    FeatureValue expected(String view, String feature, String entity, long now) {
        ViewAggregator a = aggregators.get(view);
        List<Tile> of = new ArrayList<>();
        tiles.forEach((k, t) -> {
            if (k.view().equals(view) && k.entity().value().equals(entity)) {
                of.add(t);
            }
        });
        return of.isEmpty() ? null : a.evaluate(a.featureIndex(feature), of, now);
    }

    HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    URI uri(String path) {
        return URI.create(server.url() + path);
    }

    /** A lookup body. */
    static String lookup(String features, String entities) {
        return "{\"features\": [" + features + "], \"entities\": {" + entities + "}}";
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            store.close();
            http.close();
        }
    }
}
