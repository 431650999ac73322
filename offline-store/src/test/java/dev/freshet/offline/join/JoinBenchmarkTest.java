package dev.freshet.offline.join;

import dev.freshet.core.definition.AggregationFunction;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Source;
import dev.freshet.core.event.Event;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.offline.archive.ArchivedFile;
import dev.freshet.offline.arrow.ArchiveSchema;
import dev.freshet.offline.arrow.EventAppender;
import dev.freshet.offline.arrow.ParquetFiles;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A rough throughput run, off by default: {@code -Dfreshet.join.bench=<events>} (spine rows: a tenth).
 * Events in log order (unsorted files), Zipf-ish entity keys. Prints the phases' wall time.
 */
@EnabledIfSystemProperty(named = "freshet.join.bench", matches = "\\d+")
class JoinBenchmarkTest {

    static final Definitions DEFS = Definitions.builder()
            .entity("user", "user_id")
            .source("clicks", s -> s.field("user_id", FieldType.STRING).field("price", FieldType.DOUBLE).field("ts", FieldType.TIMESTAMP))
            .featureView("activity", v -> v.entity("user").source("clicks").tile(Duration.ofMinutes(5))
                    .count("clicks_1h", Duration.ofHours(1)).aggregate("spend_1d", AggregationFunction.SUM, "price", Duration.ofDays(1))
                    .aggregate("last_price", AggregationFunction.LAST, "price", null))
            .build();

    @Test
    void run() throws Exception {
        int events = Integer.parseInt(System.getProperty("freshet.join.bench"));
        int spineRows = events / 10;
        int entities = Math.max(1, events / 100);
        Path dir = Files.createTempDirectory("freshet-join-bench");
        Source source = DEFS.source("clicks").orElseThrow();
        ArchiveSchema layout = ArchiveSchema.of(source);
        try (BufferAllocator allocator = new RootAllocator()) {
            SplittableRandom random = new SplittableRandom(1);
            long t0 = 1_700_000_000_000L;
            long span = 30L * 86_400_000L;
            List<ArchivedFile> files = new ArrayList<>();
            long started = System.nanoTime();
            int perFile = 1_000_000;
            for (int f = 0; f * perFile < events; f++) {
                int from = f * perFile;
                int to = Math.min(events, from + perFile);
                int[] at = {from};
                Path file = dir.resolve("part-" + f + ".parquet");
                Event.Builder b = Event.builder(source.schema());
                ParquetFiles.write(allocator, layout.arrowSchema(), root -> {
                    if (at[0] == to) {
                        return false;
                    }
                    EventAppender appender = EventAppender.over(layout, root);
                    for (int end = Math.min(to, at[0] + 65_536); at[0] < end; at[0]++) {
                        long ts = t0 + span * at[0] / events;
                        String user = "user-" + (int) (entities * Math.pow(random.nextDouble(), 2));
                        appender.append(b.key(user).timestamp(ts).set(0, user).set(1, random.nextDouble()).set(2, ts).build(), 0, at[0]);
                    }
                    appender.root();
                    return true;
                }, file);
                files.add(new ArchivedFile(file, to - from, t0, t0 + span, false));
            }
            Path spine = dir.resolve("spine.parquet");
            Schema schema = new Schema(List.of(Field.nullable("user_id", ArrowType.Utf8.INSTANCE),
                    Field.nullable("ts", new ArrowType.Int(64, true)), Field.nullable("label", new ArrowType.Int(64, true))));
            try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
                root.allocateNew();
                for (int r = 0; r < spineRows; r++) {
                    ((VarCharVector) root.getVector(0)).setSafe(r, ("user-" + random.nextInt(entities)).getBytes(StandardCharsets.UTF_8));
                    ((BigIntVector) root.getVector(1)).setSafe(r, t0 + random.nextLong(span));
                    ((BigIntVector) root.getVector(2)).setSafe(r, random.nextInt(2));
                }
                root.setRowCount(spineRows);
                ParquetFiles.write(allocator, root, spine);
            }
            System.out.printf("generated %,d events, %,d spine rows in %d ms%n", events, spineRows, (System.nanoTime() - started) / 1_000_000);
            long[] phaseStart = {System.nanoTime()};
            String[] phase = {"start"};
            JoinProgress progress = new JoinProgress() {
                @Override
                public void phase(String name, long total) {
                    long now = System.nanoTime();
                    System.out.printf("  %-28s %6d ms%n", phase[0], (now - phaseStart[0]) / 1_000_000);
                    phase[0] = name;
                    phaseStart[0] = now;
                }

                @Override
                public void advance(long units) {
                }
            };
            PointInTimeJoin join = PointInTimeJoin.builder().definitions(DEFS).allocator(allocator).archive(s -> files)
                    .progress(progress).spillDirectory(dir.resolve("spill"))
                    .memoryBudget(Long.getLong("freshet.join.budget", 512L << 20)).build();
            TrainingSetSummary summary = join.writeFile(new TrainingSetRequest(spine, "user_id", "ts",
                    List.of(FeatureRef.parse("activity:clicks_1h"), FeatureRef.parse("activity:spend_1d"), FeatureRef.parse("activity:last_price")),
                    false), dir.resolve("train.parquet"));
            progress.phase("end", 0);
            System.out.printf("join: %s, %.0f events/s, max heap %d MiB%n", summary, events / (summary.elapsed().toNanos() / 1e9),
                    Runtime.getRuntime().maxMemory() >> 20);
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
