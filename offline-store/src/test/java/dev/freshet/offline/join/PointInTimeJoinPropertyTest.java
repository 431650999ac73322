package dev.freshet.offline.join;

import dev.freshet.core.definition.Source;
import dev.freshet.core.event.Event;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.offline.archive.ArchivedFile;
import dev.freshet.offline.arrow.ParquetFiles;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.freshet.offline.join.JoinFixtures.CLICKS;
import static dev.freshet.offline.join.JoinFixtures.DEFINITIONS;
import static dev.freshet.offline.join.JoinFixtures.Logged;
import static dev.freshet.offline.join.JoinFixtures.ORDERS;
import static dev.freshet.offline.join.JoinFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The join against a brute-force oracle on random archives and spines: every value equal (exactly,
 * floating point included) to evaluating tiles built from exactly the entity's events before the
 * spine time, in log order per tile; with a budget large enough to sort in memory and with one so
 * small that everything spills.
 */
class PointInTimeJoinPropertyTest {

    private static final String[] ENTITIES = {"u0", "u1", "u2", "u3", "u4"};

    @TempDir
    Path dir;
    BufferAllocator allocator;

    @BeforeEach
    void allocator() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void leaks() {
        allocator.close();
    }

    record SpineRow(double label, String entity, long t) {
    }

    record Scenario(List<Logged> clicks, List<Logged> orders, Map<Source, List<ArchivedFile>> files, Path spine, List<SpineRow> rows) {
    }

    @Test
    void everyValueMatchesTheOracle() {
        for (long seed = 1; seed <= 6; seed++) {
            Scenario s = scenario(seed);
            List<List<Object>> rows = join(s, JoinFixtures.allFeatures(), 64L << 20, dir.resolve("spill-" + seed)).rows;
            check(s, JoinFixtures.allFeatures(), rows, seed);
        }
    }

    /**
     * Only windowed features, so that no view requested keeps a lifetime tile: the join then passes
     * over the events older than every window (they are never added), which must not change a value.
     */
    @Test
    void onlyWindowedFeaturesMatchTheOracleWithAndWithoutSpilling() {
        List<FeatureRef> windowed = new ArrayList<>();
        for (var v : DEFINITIONS.featureViews()) {
            v.features().stream().filter(f -> !f.isLifetime()).forEach(f -> windowed.add(new FeatureRef(v.name(), f.name())));
        }
        assertThat(windowed).hasSizeGreaterThan(10);
        for (long seed = 21; seed <= 24; seed++) {
            Scenario s = scenario(seed);
            check(s, windowed, join(s, windowed, 64L << 20, dir.resolve("spill-" + seed)).rows, seed);
            JoinFixtures.RowsSink sink = new JoinFixtures.RowsSink();
            TrainingSetSummary summary = joiner(s, 4096, dir.resolve("tiny-" + seed)).run(request(s, windowed), sink);
            assertThat(summary.spillFiles()).as("spill files").isGreaterThan(3);
            check(s, windowed, sink.rows, seed);
        }
    }

    /**
     * Only lifetime features. The views whose requested aggregates are all exact under regrouping (counts, integer
     * sums, minimum, maximum, last, first) add their events straight to tiles folded into the lifetime one as they
     * come (in time order, not log order); the others (a double sum, a quantile) keep each tile's events in log
     * order. Both must match the oracle, which builds every tile in log order.
     */
    @Test
    void onlyLifetimeFeaturesMatchTheOracle() {
        List<FeatureRef> regroupable = List.of(new FeatureRef("activity", "clicks"), new FeatureRef("activity", "qty_sum"),
                new FeatureRef("activity", "max_price"), new FeatureRef("activity", "first_item"), new FeatureRef("activity", "last_qty"),
                new FeatureRef("purchases", "last_amount"));
        List<FeatureRef> rounding = List.of(new FeatureRef("activity", "last_qty"), new FeatureRef("activity", "p50_price"),
                new FeatureRef("recent", "spend"), new FeatureRef("purchases", "amount"), new FeatureRef("purchases", "last_amount"));
        for (long seed = 31; seed <= 36; seed++) {
            Scenario s = scenario(seed);
            JoinPlan direct = JoinPlan.of(DEFINITIONS, request(s, regroupable));
            assertThat(direct.sources()).flatMap(JoinPlan.SourcePlan::views)
                    .allMatch(v -> v.lifetime() && v.maxWindow() == 0 && v.aggregator().regroupable());
            assertThat(JoinPlan.of(DEFINITIONS, request(s, rounding)).sources()).flatMap(JoinPlan.SourcePlan::views)
                    .noneMatch(v -> v.aggregator().regroupable());
            check(s, regroupable, join(s, regroupable, 64L << 20, dir.resolve("spill-" + seed)).rows, seed);
            check(s, rounding, join(s, rounding, 64L << 20, dir.resolve("spill-r-" + seed)).rows, seed);
        }
    }

    @Test
    void aTinyBudgetSpillsEverythingAndGivesTheSameRows() throws IOException {
        for (long seed = 11; seed <= 13; seed++) {
            Scenario s = scenario(seed);
            Path spill = dir.resolve("spill-" + seed);
            List<List<Object>> inMemory = join(s, JoinFixtures.allFeatures(), 64L << 20, spill).rows;
            JoinFixtures.RowsSink sink = new JoinFixtures.RowsSink();
            TrainingSetSummary summary = joiner(s, 4096, spill).run(request(s, JoinFixtures.allFeatures()), sink);
            assertThat(summary.spillFiles()).as("spill files").isGreaterThan(3);
            assertThat(sink.rows).isEqualTo(inMemory);
            check(s, JoinFixtures.allFeatures(), sink.rows, seed);
            try (var files = Files.list(spill)) {
                assertThat(files.toList()).as("spill files left behind").isEmpty();
            }
        }
    }

    private void check(Scenario s, List<FeatureRef> features, List<List<Object>> rows, long seed) {
        assertThat(rows).hasSize(s.rows().size());
        long values = rows.stream().flatMap(r -> r.subList(3, r.size()).stream()).filter(java.util.Objects::nonNull).count();
        assertThat(values).as("non-null feature values (the scenario must not be trivial)").isGreaterThan(rows.size() * features.size() / 3L);
        for (int r = 0; r < rows.size(); r++) {
            SpineRow row = s.rows().get(r);
            List<Object> out = rows.get(r);
            assertThat(out.subList(0, 3)).as("seed %d row %d spine columns", seed, r).containsExactly(row.label(), row.entity(), row.t());
            for (int f = 0; f < features.size(); f++) {
                FeatureRef ref = features.get(f);
                List<Logged> events = DEFINITIONS.featureView(ref.view()).orElseThrow().source().equals("orders") ? s.orders() : s.clicks();
                Object expected = JoinFixtures.oracle(ref, events, row.entity(), row.t());
                assertThat(out.get(3 + f)).as("seed %d row %d (%s at %d) feature %s", seed, r, row.entity(), row.t(), ref).isEqualTo(expected);
            }
        }
    }

    private JoinFixtures.RowsSink join(Scenario s, List<FeatureRef> features, long budget, Path spill) {
        JoinFixtures.RowsSink sink = new JoinFixtures.RowsSink();
        TrainingSetSummary summary = joiner(s, budget, spill).run(request(s, features), sink);
        assertThat(sink.finished).isTrue();
        assertThat(summary.spineRows()).isEqualTo(s.rows().size());
        assertThat(summary.spillFiles()).isZero();
        return sink;
    }

    private PointInTimeJoin joiner(Scenario s, long budget, Path spill) {
        return PointInTimeJoin.builder().definitions(DEFINITIONS).allocator(allocator).archive(src -> s.files().get(src))
                .memoryBudget(budget).spillDirectory(spill).build();
    }

    private static TrainingSetRequest request(Scenario s, List<FeatureRef> features) {
        return new TrainingSetRequest(s.spine(), "user_id", "ts", features, true);
    }

    private Scenario scenario(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Logged> clicks = log(random, CLICKS, 300 + random.nextInt(400));
        List<Logged> orders = log(random, ORDERS, 50 + random.nextInt(100));
        Map<Source, List<ArchivedFile>> files = new HashMap<>();
        files.put(CLICKS, archive(random, CLICKS, clicks, "clicks-" + seed));
        files.put(ORDERS, archive(random, ORDERS, orders, "orders-" + seed));
        List<SpineRow> rows = new ArrayList<>();
        int n = 150 + random.nextInt(150);
        for (int i = 0; i < n; i++) {
            String entity = random.nextInt(12) == 0 ? "ghost" : ENTITIES[random.nextInt(ENTITIES.length)];
            long t;
            int kind = random.nextInt(10);
            List<Logged> pool = random.nextBoolean() ? clicks : orders;
            if (kind < 3) {
                t = pool.get(random.nextInt(pool.size())).event().timestamp();   // exactly at an event
            } else if (kind == 3) {
                t = T0 - random.nextLong(1, 600_000);                               // before every event
            } else {
                t = T0 + random.nextLong(-60_000, 150 * 60_000L);
            }
            rows.add(new SpineRow(random.nextDouble(), entity, t));
        }
        Path spine = dir.resolve("spine-" + seed + ".parquet");
        writeSpine(rows, spine);
        return new Scenario(clicks, orders, files, spine, rows);
    }

    /** Events in log order: time mostly advancing, some late, ties, nulls; offsets per partition. */
    private static List<Logged> log(SplittableRandom random, Source source, int n) {
        List<Logged> out = new ArrayList<>();
        long clock = T0;
        long[] offsets = new long[2];
        for (int i = 0; i < n; i++) {
            clock += random.nextInt(4) == 0 ? 0 : random.nextLong(0, 40_000);
            long ts = random.nextInt(7) == 0 ? clock - random.nextLong(0, 900_000) : clock;
            ts = ts / 1000 * 1000;   // whole seconds: ties in event time are common
            String entity = ENTITIES[random.nextInt(ENTITIES.length - 1)];   // u4 comes only with orders
            if (source == ORDERS) {
                entity = ENTITIES[random.nextInt(ENTITIES.length)];
            }
            Event.Builder b = Event.builder(source.schema()).key(entity).timestamp(ts).set("user_id", entity).set("ts", ts);
            if (source == CLICKS) {
                b.set("item", random.nextInt(8) == 0 ? null : "item-" + random.nextInt(12));
                b.set("price", random.nextInt(8) == 0 ? null : Math.round(random.nextDouble() * 10_000) / 100.0 + 0.1);
                b.set("qty", random.nextInt(8) == 0 ? null : (long) random.nextInt(-5, 50));
                b.set("promo", random.nextInt(8) == 0 ? null : random.nextBoolean());
                b.set("seen_at", random.nextInt(8) == 0 ? null : ts - random.nextLong(0, 100_000));
            } else {
                b.set("amount", random.nextInt(8) == 0 ? null : random.nextDouble() * 1000);
            }
            int partition = Math.floorMod(entity.hashCode(), 2);
            out.add(new Logged(b.build(), partition, offsets[partition]++));
        }
        return out;
    }

    /** Splits the log into files: sorted (with key runs or without), in log order, shuffled, and empty ones, in dated folders. */
    private List<ArchivedFile> archive(SplittableRandom random, Source source, List<Logged> log, String name) {
        List<ArchivedFile> files = new ArrayList<>();
        int at = 0;
        int part = 0;
        while (at < log.size() || part < 2) {
            int size = random.nextInt(5) == 0 ? 0 : random.nextInt(1, 200);
            List<Logged> chunk = new ArrayList<>(log.subList(at, Math.min(log.size(), at + size)));
            at += chunk.size();
            int kind = random.nextInt(3);
            if (kind == 0) {
                chunk.sort(JoinFixtures.SORTED);
            } else if (kind == 1) {
                Collections.shuffle(chunk, new java.util.Random(random.nextLong()));
            }
            Path file = dir.resolve(name).resolve("date=2023-11-" + (14 + part % 3)).resolve("part-" + part + ".parquet");
            files.add(kind == 0 && random.nextBoolean() ? JoinFixtures.writeWithKeyRuns(allocator, source, chunk, file)
                    : JoinFixtures.write(allocator, source, chunk, file, kind == 0));
            part++;
        }
        Collections.shuffle(files, new java.util.Random(random.nextLong()));
        return files;
    }

    private void writeSpine(List<SpineRow> rows, Path file) {
        Schema schema = new Schema(List.of(
                Field.nullable("label", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                Field.nullable("user_id", ArrowType.Utf8.INSTANCE),
                Field.nullable("ts", new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC"))));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            root.allocateNew();
            Float8Vector label = (Float8Vector) root.getVector(0);
            VarCharVector user = (VarCharVector) root.getVector(1);
            TimeStampMilliTZVector ts = (TimeStampMilliTZVector) root.getVector(2);
            for (int i = 0; i < rows.size(); i++) {
                label.setSafe(i, rows.get(i).label());
                user.setSafe(i, rows.get(i).entity().getBytes(StandardCharsets.UTF_8));
                ts.setSafe(i, rows.get(i).t());
            }
            root.setRowCount(rows.size());
            ParquetFiles.write(allocator, root, file);
        }
    }
}
