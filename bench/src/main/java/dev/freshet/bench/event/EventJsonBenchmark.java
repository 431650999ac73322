package dev.freshet.bench.event;

import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.definition.Source;
import dev.freshet.core.definition.SourceFormat;
import dev.freshet.core.event.Event;
import dev.freshet.core.event.EventJson;
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
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Decoding events of the README's example source ({@code user_id, item_id, price, ts}), one thread,
 * events per second. Each event is decoded twice in the pipeline: the raw record by ingest, the
 * canonical event by every feature view. {@code canonical}: records as {@link EventJson#encode}
 * writes them (and as the pipeline benchmark's producer does: compact, fields in schema order);
 * {@code spaced}, the anchor: the same records with a space after each colon and comma, which only
 * a general JSON parser reads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EventJsonBenchmark {

    static final int EVENTS = 4096;
    static final Schema SCHEMA = Schema.of(new Field("user_id", FieldType.STRING), new Field("item_id", FieldType.STRING),
            new Field("price", FieldType.DOUBLE), new Field("ts", FieldType.TIMESTAMP));

    @Param({"canonical", "spaced"})
    public String shape;

    private EventJson json;
    private byte[][] records;

    @Setup(Level.Trial)
    public void setUp() {
        json = EventJson.of(new Source("clicks", "clicks", SourceFormat.JSON, "ts", SCHEMA), "user_id");
        SplittableRandom random = new SplittableRandom(42);
        records = new byte[EVENTS][];
        long ts = 1_795_000_000_000L;
        for (int i = 0; i < EVENTS; i++) {
            String user = "user-" + random.nextInt(10_000);
            Event e = Event.builder(SCHEMA).key(user).timestamp(ts + i * 7L)
                    .set("user_id", user).set("item_id", "item-" + random.nextInt(5_000))
                    .set("price", random.nextInt(100_000) / 100.0).set("ts", ts + i * 7L).build();
            byte[] canonical = json.encode(e);
            records[i] = shape.equals("canonical") ? canonical
                    : new String(canonical, StandardCharsets.UTF_8).replace(":", ": ").replace(",", ", ").getBytes(StandardCharsets.UTF_8);
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void decode(Blackhole bh) {
        for (byte[] r : records) {
            bh.consume(json.decode(r));
        }
    }
}
