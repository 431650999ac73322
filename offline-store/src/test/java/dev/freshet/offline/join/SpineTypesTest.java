package dev.freshet.offline.join;

import dev.freshet.core.definition.AggregationFunction;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Source;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.event.Event;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.offline.archive.ArchivedFile;
import dev.freshet.offline.arrow.ParquetFiles;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Integer entity keys and every accepted timestamp column type, kept as they were in the output. */
class SpineTypesTest {

    static final long DAY = 86_400_000L;
    static final long D0 = 19_675 * DAY;   // 2023-11-14T00:00Z

    static final Definitions DEFS = Definitions.builder()
            .entity("account", "account_id")
            .source("payments", s -> s.field("account_id", FieldType.LONG).field("value", FieldType.DOUBLE).field("ts", FieldType.TIMESTAMP))
            .featureView("spend", v -> v.entity("account").source("payments").tile(Duration.ofHours(1))
                    .count("payments", null).aggregate("total", AggregationFunction.SUM, "value", null)
                    .count("payments_1d", Duration.ofDays(1)))
            .build();
    static final Source PAYMENTS = DEFS.source("payments").orElseThrow();
    static final List<FeatureRef> FEATURES = List.of(FeatureRef.parse("spend:payments"), FeatureRef.parse("spend:total"));

    @TempDir
    Path dir;
    BufferAllocator allocator;
    PointInTimeJoin join;

    @BeforeEach
    void setUp() {
        allocator = new RootAllocator();
        List<JoinFixtures.Logged> events = new ArrayList<>();
        long[] times = {D0 - 1, D0, D0 + 3_600_000, D0 + DAY};
        for (int i = 0; i < times.length; i++) {
            events.add(new JoinFixtures.Logged(Event.builder(PAYMENTS.schema()).key("42").timestamp(times[i]).set("account_id", 42L)
                    .set("value", 1.5 * (i + 1)).set("ts", times[i]).build(), 0, i));
        }
        ArchivedFile file = JoinFixtures.write(allocator, PAYMENTS, events, dir.resolve("payments.parquet"), false);
        join = PointInTimeJoin.builder().definitions(DEFS).allocator(allocator).archive(s -> List.of(file))
                .spillDirectory(dir.resolve("spill")).build();
    }

    @AfterEach
    void leaks() {
        allocator.close();
    }

    /** Spine rows at D0 (sees 1 payment), D0 + 1 day (sees 3) for account 42, and account 7 (none). */
    private Path spine(ArrowType tsType, BiConsumer<FieldVector, Integer> setTime) {
        Schema schema = new Schema(List.of(Field.nullable("account_id", new ArrowType.Int(64, true)), Field.nullable("at", tsType)));
        Path file = dir.resolve("spine-" + Math.abs(tsType.toString().hashCode()) + ".parquet");
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            root.allocateNew();
            long[] ids = {42, 42, 7};
            for (int r = 0; r < 3; r++) {
                ((BigIntVector) root.getVector(0)).setSafe(r, ids[r]);
                setTime.accept(root.getVector(1), r);
            }
            root.setRowCount(3);
            ParquetFiles.write(allocator, root, file);
        }
        return file;
    }

    private void expect(Path spine) {
        JoinFixtures.RowsSink sink = new JoinFixtures.RowsSink();
        join.run(new TrainingSetRequest(spine, "account_id", "at", FEATURES, false), sink);
        assertThat(sink.rows).hasSize(3);
        assertThat(sink.rows.get(0).subList(2, 4)).containsExactly(1L, 1.5);
        assertThat(sink.rows.get(1).subList(2, 4)).containsExactly(3L, 1.5 + 3.0 + 4.5);
        assertThat(sink.rows.get(2).subList(2, 4)).containsExactly(null, null);
        assertThat(sink.rows.get(0).get(0)).isEqualTo(42L);
    }

    @Test
    void epochMillisAsInt64() {
        long[] t = {D0, D0 + DAY, D0};
        expect(spine(new ArrowType.Int(64, true), (v, r) -> ((BigIntVector) v).setSafe(r, t[r])));
    }

    @Test
    void timestampsOfAnyUnitAndZoneKeepTheirType() {
        long[] t = {D0, D0 + DAY, D0};
        ArrowType micros = new ArrowType.Timestamp(TimeUnit.MICROSECOND, "America/New_York");
        Path spine = spine(micros, (v, r) -> ((TimeStampVector) v).setSafe(r, t[r] * 1000));
        expect(spine);
        JoinFixtures.RowsSink sink = new JoinFixtures.RowsSink();
        join.run(new TrainingSetRequest(spine, "account_id", "at", FEATURES, false), sink);
        // as the spine file holds it (Parquet keeps instants adjusted to UTC, not the zone's name)
        assertThat(sink.schema.getFields().get(1)).isEqualTo(ParquetFiles.schema(allocator, spine).getFields().get(1));
        assertThat(((ArrowType.Timestamp) sink.schema.getFields().get(1).getType()).getUnit()).isEqualTo(TimeUnit.MICROSECOND);
        expect(spine(new ArrowType.Timestamp(TimeUnit.SECOND, null), (v, r) -> ((TimeStampVector) v).setSafe(r, t[r] / 1000)));
    }

    @Test
    void datesAreTheirMidnightUtc() {
        int[] days = {19_675, 19_676, 19_675};
        expect(spine(new ArrowType.Date(DateUnit.DAY), (v, r) -> ((DateDayVector) v).setSafe(r, days[r])));
    }

    @Test
    void stringsOfEpochMillisOrIso() {
        String[] t = {Long.toString(D0), "2023-11-15T01:00:00+01:00", "2023-11-14T00:00:00.000Z"};
        expect(spine(ArrowType.Utf8.INSTANCE, (v, r) -> ((VarCharVector) v).setSafe(r, t[r].getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void isoStringsTakeTheFormsEventsMay() {
        // basic offsets and lower-case separators, as strftime("%z") producers write them, like event timestamps
        String[] t = {"2023-11-14t01:00:00+0100", "2023-11-15T00:00:00+00", "2023-11-14T00:00:00.000z"};
        expect(spine(ArrowType.Utf8.INSTANCE, (v, r) -> ((VarCharVector) v).setSafe(r, t[r].getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void anEmptySpineGivesAnEmptyArrowFileButNoParquetFile() throws Exception {
        Path spine = dir.resolve("empty.csv");
        Files.writeString(spine, "account_id,at\n");
        JoinFixtures.RowsSink sink = new JoinFixtures.RowsSink();
        TrainingSetRequest request = new TrainingSetRequest(spine, "account_id", "at", FEATURES, false);
        assertThat(join.run(request, sink).spineRows()).isZero();
        assertThat(sink.rows).isEmpty();
        assertThat(sink.finished).isTrue();
        assertThat(join.writeFile(request, dir.resolve("empty.arrow")).spineRows()).isZero();
        assertThatThrownBy(() -> join.writeFile(request, dir.resolve("empty.parquet"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no rows").hasMessageContaining(".arrow");
    }
}
