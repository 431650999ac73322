package dev.freshet.core.aggregate;

import dev.freshet.core.definition.AggregationFunction;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.event.Event;
import dev.freshet.core.testing.RandomEvents;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The central property of the aggregation library: for random event streams (late events, ties in
 * time, nulls, empty windows, extreme values) every feature merged from tiles equals the brute-force
 * computation over the raw events at random query times. Tiles are built the three ways the system
 * builds them: event by event, from partial tiles merged together, and after an encode/decode round trip.
 */
class AggregationPropertyTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 60);
    }

    private static List<FeatureDefinition> features(long tileMillis, SplittableRandom r) {
        List<FeatureDefinition> fs = new ArrayList<>();
        String[] numeric = {"price", "qty", "ts"};
        String[] any = {"item_id", "price", "qty", "flag", "ts"};
        int n = 0;
        for (AggregationFunction fn : AggregationFunction.values()) {
            String[] fields = fn.accepts(FieldType.STRING) ? any : numeric;
            for (String field : fields) {
                for (int w = 0; w < 2; w++) {
                    Duration window = w == 0 ? null : Duration.ofMillis(tileMillis * r.nextInt(1, 12));
                    String f = fn == AggregationFunction.COUNT && r.nextBoolean() ? null : field;
                    double q = fn == AggregationFunction.QUANTILE ? new double[]{0.01, 0.25, 0.5, 0.9, 0.99}[r.nextInt(5)] : Double.NaN;
                    fs.add(new FeatureDefinition("f" + n++, fn, f, window, q));
                }
            }
        }
        return fs;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void tilesMergedAtReadTimeEqualBruteForce(long seed) {
        RandomEvents gen = new RandomEvents(seed, 3, 1 + (int) (seed % 40));
        SplittableRandom r = gen.random();
        long tileMillis = new long[]{1_000, 7_000, 60_000}[r.nextInt(3)];
        FeatureView view = new FeatureView("v", "user", "s", Duration.ofMillis(tileMillis), null, features(tileMillis, r));
        ViewAggregator agg = ViewAggregator.of(view, RandomEvents.SCHEMA);
        long origin = r.nextBoolean() ? 1_700_000_000_000L : -5 * tileMillis - 123; // also negative times
        long span = tileMillis * r.nextInt(2, 40);
        List<Event> log = gen.stream(r.nextInt(0, 400), origin, span);

        Map<String, List<Event>> byEntity = new HashMap<>();
        for (Event e : log) {
            byEntity.computeIfAbsent(e.key().value(), k -> new ArrayList<>()).add(e);
        }
        for (List<Event> entityLog : byEntity.values()) {
            for (int q = 0; q < 25; q++) {
                long t = queryTime(r, entityLog, origin, span, tileMillis);
                List<Tile> tiles = tilesBefore(agg, entityLog, t, r);
                for (int i = 0; i < view.features().size(); i++) {
                    FeatureDefinition f = view.features().get(i);
                    FeatureValue got = agg.evaluate(i, tiles, t);
                    List<Event> window = BruteForce.window(entityLog, f, tileMillis, t);
                    String where = "seed " + seed + ", feature " + f + ", t " + t + ", " + window.size() + " events in window";
                    check(got, window, f, where);
                    assertThat(got.eventTime()).as(where).isEqualTo(BruteForce.latest(window));
                }
            }
        }
    }

    private static long queryTime(SplittableRandom r, List<Event> log, long origin, long span, long tileMillis) {
        return switch (r.nextInt(5)) {
            case 0 -> log.get(r.nextInt(log.size())).timestamp();                      // exactly at an event
            case 1 -> Math.floorDiv(origin + r.nextLong(0, span), tileMillis) * tileMillis; // on a tile boundary
            case 2 -> origin - r.nextLong(0, 3 * tileMillis);                          // before every event
            case 3 -> origin + span + r.nextLong(0, 20 * tileMillis);                  // after, windows emptying
            default -> origin + r.nextLong(0, span);
        };
    }

    /**
     * The tiles a lookup at {@code t} sees, built from the events before {@code t} (so the head
     * tile holds only events before t). Each tile is built one of three ways at random.
     */
    private static List<Tile> tilesBefore(ViewAggregator agg, List<Event> log, long t, SplittableRandom r) {
        TreeMap<Long, List<Event>> byTile = new TreeMap<>();
        for (Event e : log) {
            if (e.timestamp() < t) {
                byTile.computeIfAbsent(agg.tileStart(e.timestamp()), k -> new ArrayList<>()).add(e);
            }
        }
        List<Tile> tiles = new ArrayList<>();
        for (Map.Entry<Long, List<Event>> entry : byTile.entrySet()) {
            List<Event> events = entry.getValue();
            Tile tile;
            switch (r.nextInt(3)) {
                case 0 -> {
                    tile = agg.newTile(entry.getKey());
                    events.forEach(e -> agg.add(tile, e));
                }
                case 1 -> {
                    // two partial tiles of the same range, the second holding the later part of the log
                    int cut = r.nextInt(events.size() + 1);
                    Tile a = agg.newTile(entry.getKey());
                    Tile b = agg.newTile(entry.getKey());
                    events.subList(0, cut).forEach(e -> agg.add(a, e));
                    events.subList(cut, events.size()).forEach(e -> agg.add(b, e));
                    agg.merge(a, b);
                    tile = a;
                }
                default -> {
                    Tile built = agg.newTile(entry.getKey());
                    events.forEach(e -> agg.add(built, e));
                    tile = agg.decode(agg.encode(built));
                    assertThat(tile.version()).isEqualTo(built.version());
                }
            }
            assertThat(tile.version()).isEqualTo(events.size());
            tiles.add(tile);
        }
        // tiles may be passed in any order
        java.util.Collections.shuffle(tiles, new java.util.Random(r.nextLong()));
        return tiles;
    }

    private static void check(FeatureValue got, List<Event> window, FeatureDefinition f, String where) {
        switch (f.function()) {
            case COUNT_DISTINCT -> {
                long truth = (Long) BruteForce.value(window, f, RandomEvents.SCHEMA);
                long est = (Long) got.value();
                // 3 standard errors of HLL at lgK 12 (1.04 / sqrt(4096) ~ 1.63 %); exact at these sizes in practice
                assertThat((double) Math.abs(est - truth)).as(where).isLessThanOrEqualTo(3 * 0.0163 * truth + 1e-9);
            }
            case QUANTILE -> {
                List<Object> vs = BruteForce.values(window, f);
                if (vs.isEmpty()) {
                    assertThat(got.value()).as(where).isNull();
                    return;
                }
                double v = (Double) got.value();
                long below = vs.stream().filter(x -> ((Number) x).doubleValue() < v).count();
                long atOrBelow = vs.stream().filter(x -> ((Number) x).doubleValue() <= v).count();
                double eps = vs.size() <= QuantileAggregate.K ? 0 : 0.0133 * 2;
                assertThat(vs.stream().anyMatch(x -> ((Number) x).doubleValue() == v)).as(where + ": a value of the data").isTrue();
                assertThat((double) below / vs.size()).as(where).isLessThanOrEqualTo(f.quantile() + eps);
                assertThat((double) atOrBelow / vs.size()).as(where).isGreaterThanOrEqualTo(f.quantile() - eps);
            }
            case SUM, AVG -> {
                Object truth = BruteForce.value(window, f, RandomEvents.SCHEMA);
                if (truth instanceof Double d) {
                    double scale = BruteForce.values(window, f).stream().mapToDouble(x -> Math.abs(((Number) x).doubleValue())).sum();
                    // double sums depend on addition order in their last bits only
                    assertThat((Double) got.value()).as(where).isCloseTo(d, org.assertj.core.data.Offset.offset(1e-12 * scale + 1e-300));
                } else {
                    assertThat(got.value()).as(where).isEqualTo(truth);
                }
            }
            default -> {
                Object truth = BruteForce.value(window, f, RandomEvents.SCHEMA);
                if (!java.util.Objects.equals(truth, got.value())) {
                    fail(where + ": expected " + truth + " but tiles gave " + got.value());
                }
            }
        }
    }
}
