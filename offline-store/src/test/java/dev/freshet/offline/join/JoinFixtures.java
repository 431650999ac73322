package dev.freshet.offline.join;

import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Source;
import dev.freshet.core.event.Event;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.offline.archive.ArchivedFile;
import dev.freshet.offline.archive.KeyRuns;
import dev.freshet.offline.arrow.ArchiveSchema;
import dev.freshet.offline.arrow.EventAppender;
import dev.freshet.offline.arrow.ParquetFiles;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.freshet.core.definition.AggregationFunction.AVG;
import static dev.freshet.core.definition.AggregationFunction.COUNT_DISTINCT;
import static dev.freshet.core.definition.AggregationFunction.FIRST;
import static dev.freshet.core.definition.AggregationFunction.LAST;
import static dev.freshet.core.definition.AggregationFunction.MAX;
import static dev.freshet.core.definition.AggregationFunction.MIN;
import static dev.freshet.core.definition.AggregationFunction.SUM;

/** Definitions, archived events, spines and a brute-force oracle shared by the join tests. */
final class JoinFixtures {

    static final long T0 = 1_700_000_000_000L;
    static final Duration NONE = null;

    static final Definitions DEFINITIONS = Definitions.builder()
            .entity("user", "user_id")
            .source("clicks", s -> s.field("user_id", FieldType.STRING).field("item", FieldType.STRING)
                    .field("price", FieldType.DOUBLE).field("qty", FieldType.LONG).field("promo", FieldType.BOOLEAN)
                    .field("seen_at", FieldType.TIMESTAMP).field("ts", FieldType.TIMESTAMP))
            .source("orders", s -> s.field("user_id", FieldType.STRING).field("amount", FieldType.DOUBLE).field("ts", FieldType.TIMESTAMP))
            .featureView("activity", v -> v.entity("user").source("clicks").tile(Duration.ofMinutes(1))
                    .count("clicks_5m", Duration.ofMinutes(5))
                    .count("clicks", NONE)
                    .aggregate("spend_10m", SUM, "price", Duration.ofMinutes(10))
                    .aggregate("qty_sum", SUM, "qty", NONE)
                    .aggregate("min_qty_5m", MIN, "qty", Duration.ofMinutes(5))
                    .aggregate("max_price", MAX, "price", NONE)
                    .aggregate("avg_price_3m", AVG, "price", Duration.ofMinutes(3))
                    .aggregate("last_item_5m", LAST, "item", Duration.ofMinutes(5))
                    .aggregate("first_item", FIRST, "item", NONE)
                    .aggregate("items_10m", COUNT_DISTINCT, "item", Duration.ofMinutes(10))
                    .quantile("p50_price", "price", 0.5, NONE)
                    .aggregate("last_promo_5m", LAST, "promo", Duration.ofMinutes(5))
                    .aggregate("last_qty", LAST, "qty", NONE)
                    .aggregate("first_price_5m", FIRST, "price", Duration.ofMinutes(5))
                    .aggregate("last_seen_10m", LAST, "seen_at", Duration.ofMinutes(10))
                    .aggregate("max_seen_5m", MAX, "seen_at", Duration.ofMinutes(5)))
            .featureView("recent", v -> v.entity("user").source("clicks").tile(Duration.ofMinutes(5)).ttl(Duration.ofMinutes(20))
                    .count("clicks_15m", Duration.ofMinutes(15))
                    .aggregate("spend", SUM, "price", NONE)
                    .quantile("p90_price_15m", "price", 0.9, Duration.ofMinutes(15))
                    .aggregate("last_price_15m", LAST, "price", Duration.ofMinutes(15)))
            .featureView("purchases", v -> v.entity("user").source("orders").tile(Duration.ofMinutes(2)).ttl(Duration.ofMinutes(30))
                    .count("orders_6m", Duration.ofMinutes(6))
                    .aggregate("amount", SUM, "amount", NONE)
                    .aggregate("last_amount", LAST, "amount", NONE)
                    .aggregate("min_amount_6m", MIN, "amount", Duration.ofMinutes(6)))
            // no lifetime feature: its tiles expire 4 minutes (its longest window) after they end, as online
            .featureView("brief", v -> v.entity("user").source("clicks").tile(Duration.ofMinutes(1))
                    .count("clicks_3m", Duration.ofMinutes(3))
                    .aggregate("spend_4m", SUM, "price", Duration.ofMinutes(4))
                    .aggregate("max_qty_2m", MAX, "qty", Duration.ofMinutes(2)))
            .build();

    static final Source CLICKS = DEFINITIONS.source("clicks").orElseThrow();
    static final Source ORDERS = DEFINITIONS.source("orders").orElseThrow();

    /** Every feature of every view. */
    static List<FeatureRef> allFeatures() {
        List<FeatureRef> refs = new ArrayList<>();
        for (FeatureView v : DEFINITIONS.featureViews()) {
            v.features().forEach(f -> refs.add(new FeatureRef(v.name(), f.name())));
        }
        return refs;
    }

    /** An archived event: the event and its place in the log. */
    record Logged(Event event, int partition, long offset) {
        String entity() {
            return event.key().value();
        }
    }

    static final Comparator<Logged> SORTED = Comparator.comparing(Logged::entity).thenComparingLong(l -> l.event().timestamp())
            .thenComparingInt(Logged::partition).thenComparingLong(Logged::offset);

    /**
     * Writes one archive file of the events in the given order; {@code sorted} says whether they are.
     * No events: no file (Arrow Dataset writes none for zero rows), listed with 0 rows as a manifest would.
     */
    static ArchivedFile write(BufferAllocator allocator, Source source, List<Logged> events, Path file, boolean sorted) {
        if (events.isEmpty()) {
            return new ArchivedFile(file, 0, 0, 0, sorted);
        }
        ArchiveSchema layout = ArchiveSchema.of(source);
        int[] at = {0};
        boolean[] started = {false};
        ParquetFiles.write(allocator, layout.arrowSchema(), root -> {
            if (at[0] == events.size() && started[0]) {
                return false;
            }
            started[0] = true;
            EventAppender appender = EventAppender.over(layout, root);
            for (int end = Math.min(events.size(), at[0] + 97); at[0] < end; at[0]++) {
                Logged l = events.get(at[0]);
                appender.append(l.event(), l.partition(), l.offset());
            }
            appender.root();
            return true;
        }, file);
        long min = events.stream().mapToLong(l -> l.event().timestamp()).min().orElse(0);
        long max = events.stream().mapToLong(l -> l.event().timestamp()).max().orElse(0);
        return new ArchivedFile(file, events.size(), min, max, sorted);
    }

    /** As {@link #write}, for sorted events, with the file's key runs beside it as compaction writes them. */
    static ArchivedFile writeWithKeyRuns(BufferAllocator allocator, Source source, List<Logged> events, Path file) {
        ArchivedFile f = write(allocator, source, events, file, true);
        if (events.isEmpty()) {
            return f;
        }
        KeyRuns.Builder runs = new KeyRuns.Builder();
        events.forEach(l -> runs.add(l.entity(), 1));
        runs.write(file);
        return new ArchivedFile(f.path(), f.rows(), f.minEventTime(), f.maxEventTime(), true, true);
    }

    /** The value at {@code t} the online store would give, from every event of the entity (brute force). */
    static Object oracle(FeatureRef ref, List<Logged> events, String entity, long t) {
        FeatureView view = DEFINITIONS.featureView(ref.view()).orElseThrow();
        ViewAggregator a = ViewAggregator.of(DEFINITIONS, view);
        List<Logged> before = events.stream().filter(l -> l.entity().equals(entity) && l.event().timestamp() < t).toList();
        if (before.isEmpty()) {
            return null;
        }
        long latest = before.stream().mapToLong(l -> l.event().timestamp()).max().orElseThrow();
        if (view.ttl() != null && latest < t - view.ttl().toMillis()) {
            return null;
        }
        // the online store's expiry: in a view without lifetime features, every tile has expired
        if (a.tilesExpire() && a.tileStart(latest) <= a.lastExpiredStart(t)) {
            return null;
        }
        Map<Long, List<Logged>> byTile = new TreeMap<>();
        for (Logged l : before) {
            byTile.computeIfAbsent(a.tileStart(l.event().timestamp()), k -> new ArrayList<>()).add(l);
        }
        List<Tile> tiles = new ArrayList<>();
        for (Map.Entry<Long, List<Logged>> e : byTile.entrySet()) {
            Tile tile = a.newTile(e.getKey());
            e.getValue().stream().sorted(Comparator.comparingInt(Logged::partition).thenComparingLong(Logged::offset))
                    .forEach(l -> a.add(tile, l.event()));
            tiles.add(tile);
        }
        return a.evaluate(a.featureIndex(ref.feature()), tiles, t).value();
    }

    /** A vector's value at a row as the aggregates return it (timestamps as epoch-ms Longs). */
    static Object value(FieldVector v, int row) {
        if (v.isNull(row)) {
            return null;
        }
        return switch (v) {
            case BigIntVector b -> b.get(row);
            case Float8Vector f -> f.get(row);
            case VarCharVector s -> new String(s.get(row), StandardCharsets.UTF_8);
            case BitVector b -> b.get(row) != 0;
            case TimeStampVector ts -> ts.get(row);
            default -> v.getObject(row);
        };
    }

    /** A sink that keeps every row (as values) and checks the calls' order. */
    static final class RowsSink implements TrainingSetSink {
        Schema schema;
        final List<List<Object>> rows = new ArrayList<>();
        boolean finished;
        int batches;

        @Override
        public void start(Schema s) {
            if (schema != null) {
                throw new AssertionError("start twice");
            }
            schema = s;
        }

        @Override
        public void write(VectorSchemaRoot batch) {
            if (schema == null || finished) {
                throw new AssertionError("write outside start/finish");
            }
            if (!batch.getSchema().equals(schema)) {
                throw new AssertionError("batch schema " + batch.getSchema() + " is not " + schema);
            }
            batches++;
            for (int r = 0; r < batch.getRowCount(); r++) {
                List<Object> row = new ArrayList<>();
                for (FieldVector v : batch.getFieldVectors()) {
                    row.add(value(v, r));
                }
                rows.add(row);
            }
        }

        @Override
        public void finish() {
            finished = true;
        }
    }

    private JoinFixtures() {
    }
}
