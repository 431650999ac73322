package dev.freshet.bench.aggregate;

import dev.freshet.core.aggregate.FeatureValue;
import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.definition.AggregationFunction;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.event.Event;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Read-time window merge: the value of a 1-day feature from 1,440 one-minute tiles already in
 * memory (decoded, as a store read returns them), in nanoseconds per lookup. Store reads and
 * decoding are not included: they belong to the online store's benchmarks.
 * {@code anchor_sumArray} sums 1,440 doubles from a flat array: the memory-bound floor.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class WindowMergeBenchmark {

    static final int TILES = 1440;

    @Param({"count", "sum", "avg", "max", "last", "count_distinct"})
    public String function;

    private ViewAggregator aggregator;
    private Tile[] tiles;
    private double[] flat;
    private long now;

    @Setup
    public void setUp() {
        AggregationFunction fn = AggregationFunction.parse(function).orElseThrow();
        String field = switch (fn) {
            case COUNT -> null;
            case LAST, COUNT_DISTINCT -> "item_id";
            default -> "price";
        };
        FeatureView view = new FeatureView("user_activity", "user", "clicks", Duration.ofMinutes(1), null,
                List.of(new FeatureDefinition("f_1d", fn, field, Duration.ofDays(1))));
        aggregator = ViewAggregator.of(view, TileUpdateBenchmark.SCHEMA);
        SplittableRandom r = new SplittableRandom(7);
        long start = 1_700_006_400_000L;
        tiles = new Tile[TILES];
        flat = new double[TILES];
        for (int i = 0; i < TILES; i++) {
            long ts = start + i * 60_000L;
            tiles[i] = aggregator.newTile(ts);
            int n = 1 + r.nextInt(5);
            for (int j = 0; j < n; j++) {
                double price = r.nextDouble(1, 100);
                Event e = Event.builder(TileUpdateBenchmark.SCHEMA).key("u1").timestamp(ts + r.nextLong(60_000))
                        .set("user_id", "u1").set("item_id", "item-" + r.nextInt(200)).set("price", price).set("ts", ts).build();
                aggregator.add(tiles[i], e);
                flat[i] += price;
            }
        }
        // A lookup gets its tiles from a store read, which decodes them one after another: do the same,
        // so that the tiles sit in memory as they would in a real lookup (not interleaved with the events above).
        for (int i = 0; i < TILES; i++) {
            tiles[i] = aggregator.decode(aggregator.encode(tiles[i]));
        }
        // the lookup at the end of the last tile: the 1-day window covers all 1,440 tiles
        now = start + TILES * 60_000L - 1;
    }

    @Benchmark
    public FeatureValue windowMerge1440() {
        return aggregator.evaluate(0, tiles, TILES, now);
    }

    @Benchmark
    public double anchor_sumArray() {
        double s = 0;
        for (double v : flat) {
            s += v;
        }
        return s;
    }
}
