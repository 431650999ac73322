package dev.freshet.bench.aggregate;

import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.definition.AggregationFunction;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.event.Event;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Tile update throughput: events added to the tile of their minute, one thread (so per core).
 * Reported in operations (events) per second. {@code anchor_rawLoop} reads the same fields of the
 * same events into two local accumulators: the floor any tile update can approach.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TileUpdateBenchmark {

    static final int EVENTS = 4096;
    static final Schema SCHEMA = Schema.of(new Field("user_id", FieldType.STRING), new Field("item_id", FieldType.STRING),
            new Field("price", FieldType.DOUBLE), new Field("ts", FieldType.TIMESTAMP));

    /** count_sum: the target (count and sum); all: every function of the README's example view plus a quantile. */
    @Param({"count_sum", "all"})
    public String features;

    private ViewAggregator aggregator;
    private Event[] events;
    private Tile tile;
    private int price;

    @Setup(Level.Trial)
    public void setUp() {
        List<FeatureDefinition> fs = new ArrayList<>();
        fs.add(new FeatureDefinition("clicks_5m", AggregationFunction.COUNT, null, Duration.ofMinutes(5)));
        fs.add(new FeatureDefinition("spend_1h", AggregationFunction.SUM, "price", Duration.ofHours(1)));
        if (features.equals("all")) {
            fs.add(new FeatureDefinition("avg_price_1d", AggregationFunction.AVG, "price", Duration.ofDays(1)));
            fs.add(new FeatureDefinition("max_price_1h", AggregationFunction.MAX, "price", Duration.ofHours(1)));
            fs.add(new FeatureDefinition("last_item", AggregationFunction.LAST, "item_id", null));
            fs.add(new FeatureDefinition("items_1d", AggregationFunction.COUNT_DISTINCT, "item_id", Duration.ofDays(1)));
            fs.add(new FeatureDefinition("p95_price_1h", AggregationFunction.QUANTILE, "price", Duration.ofHours(1), 0.95));
        }
        FeatureView view = new FeatureView("user_activity", "user", "clicks", Duration.ofMinutes(1), Duration.ofDays(7), fs);
        aggregator = ViewAggregator.of(view, SCHEMA);
        SplittableRandom r = new SplittableRandom(42);
        long minute = 1_700_000_040_000L;
        events = new Event[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            events[i] = Event.builder(SCHEMA).key("u1").timestamp(minute + r.nextLong(60_000))
                    .set("user_id", "u1").set("item_id", "item-" + r.nextInt(50))
                    .set("price", r.nextDouble(1, 100)).set("ts", minute).build();
        }
        tile = aggregator.newTile(minute);
        price = SCHEMA.indexOf("price");
    }

    @Setup(Level.Iteration)
    public void freshTile() {
        tile = aggregator.newTile(tile.start());
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public Tile tileUpdate() {
        Tile t = tile;
        ViewAggregator a = aggregator;
        for (Event e : events) {
            a.add(t, e);
        }
        return t;
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public double anchor_rawLoop() {
        long count = 0;
        double sum = 0;
        for (Event e : events) {
            count++;
            if (!e.isNull(price)) {
                sum += e.getDouble(price);
            }
        }
        return sum + count;
    }
}
