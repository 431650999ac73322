package dev.freshet.offline.arrow;

import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.definition.Source;
import dev.freshet.core.definition.SourceFormat;
import dev.freshet.core.event.Event;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParquetFilesTest {

    static final Source CLICKS = new Source("clicks", "clicks", SourceFormat.JSON, "ts", Schema.of(
            new Field("user_id", FieldType.STRING), new Field("item_id", FieldType.STRING), new Field("price", FieldType.DOUBLE),
            new Field("qty", FieldType.LONG), new Field("promo", FieldType.BOOLEAN), new Field("ts", FieldType.TIMESTAMP)));
    static final ArchiveSchema LAYOUT = ArchiveSchema.of(CLICKS);

    @TempDir
    Path dir;
    BufferAllocator allocator;

    @BeforeEach
    void allocator() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void leaks() {
        allocator.close(); // fails on a leaked buffer
    }

    static List<Event> events(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long ts = 1_700_000_000_000L + i * 37L;
            Event.Builder b = Event.builder(CLICKS.schema()).key("u" + random.nextInt(100)).timestamp(ts);
            b.set("user_id", b.build().key().value()).set("ts", ts);
            b.set("item_id", random.nextInt(10) == 0 ? null : "item-" + random.nextInt(1000) + (i % 97 == 0 ? " é ✓" : ""));
            b.set("price", random.nextInt(10) == 0 ? null : random.nextDouble() * 100);
            b.set("qty", random.nextInt(10) == 0 ? null : (long) random.nextInt(-5, 50));
            b.set("promo", random.nextInt(10) == 0 ? null : random.nextBoolean());
            out.add(b.build());
        }
        return out;
    }

    Path write(List<Event> events, int batch) {
        Path file = dir.resolve("events/clicks/date=2023-11-14/part-1.parquet");
        int[] at = {0};
        ParquetFiles.write(allocator, LAYOUT.arrowSchema(), root -> {
            if (at[0] == events.size()) {
                return false;
            }
            EventAppender appender = EventAppender.over(LAYOUT, root);
            for (int end = Math.min(events.size(), at[0] + batch); at[0] < end; at[0]++) {
                appender.append(events.get(at[0]), at[0] % 3, 1000L + at[0]);
            }
            appender.root();
            return true;
        }, file);
        return file;
    }

    @Test
    void eventsComeBackInFileOrderWithEveryValueAndNull() {
        List<Event> events = events(100_000, 1);
        Path file = write(events, 7_000);

        List<Event> back = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        EventColumns columns = new EventColumns(LAYOUT, "user_id");
        try (ParquetFiles.Scan scan = ParquetFiles.scan(allocator, List.of(file), Optional.empty(), 4096)) {
            while (scan.next()) {
                columns.bind(scan.root());
                for (int r = 0; r < columns.rowCount(); r++) {
                    back.add(columns.event(r));
                    offsets.add(columns.offset(r));
                    assertThat(columns.eventTime(r)).isEqualTo(back.get(back.size() - 1).timestamp());
                }
            }
        }
        assertThat(back).hasSize(events.size());
        for (int i = 0; i < events.size(); i++) {
            assertThat(back.get(i).toMap()).as("row %d", i).isEqualTo(events.get(i).toMap());
            assertThat(back.get(i).key()).isEqualTo(events.get(i).key());
            assertThat(offsets.get(i)).isEqualTo(1000L + i);
        }
        assertThat(dir.resolve("events/clicks/date=2023-11-14")).isDirectoryContaining(p -> p.getFileName().toString().equals("part-1.parquet"));
        try (var s = Files.list(file.getParent())) {
            assertThat(s.toList()).as("no staging left behind").containsExactly(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aProjectedScanReadsTheOtherFieldsAsNull() {
        Path file = write(events(1000, 2), 1000);
        EventColumns columns = new EventColumns(LAYOUT, "user_id");
        try (ParquetFiles.Scan scan = ParquetFiles.scan(allocator, List.of(file),
                Optional.of(new String[]{"user_id", "price", ArchiveSchema.EVENT_TIME, ArchiveSchema.PARTITION, ArchiveSchema.OFFSET}), 100)) {
            assertThat(scan.next()).isTrue();
            Event e = columns.bind(scan.root()).event(0);
            assertThat(e.isNull(CLICKS.schema().indexOf("item_id"))).isTrue();
            assertThat(e.get("user_id")).isNotNull();
        }
    }

    @Test
    void duckDbReadsTheFileAsIs() throws SQLException {
        List<Event> events = events(5000, 3);
        Path file = write(events, 5000);
        double sum = events.stream().filter(e -> !e.isNull(2)).mapToDouble(e -> e.getDouble(2)).sum();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*), sum(price), count(distinct user_id), typeof(min(_freshet_event_time)),"
                     + " max(_freshet_offset) from read_parquet('" + dir + "/events/clicks/*/*.parquet')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(5000);
            assertThat(rs.getDouble(2)).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(rs.getLong(3)).isEqualTo(events.stream().map(Event::key).distinct().count());
            assertThat(rs.getString(4)).isEqualTo("TIMESTAMP WITH TIME ZONE");
            assertThat(rs.getLong(5)).isEqualTo(1000L + 4999);
        }
    }

    @Test
    void aFailingSourceLeavesNoFile() {
        Path file = dir.resolve("x/part.parquet");
        assertThatThrownBy(() -> ParquetFiles.write(allocator, LAYOUT.arrowSchema(), root -> {
            throw new IOException("disk on fire");
        }, file)).isInstanceOf(UncheckedIOException.class).hasMessageContaining("disk on fire").hasMessageContaining(file.toString());
        assertThat(file).doesNotExist();
        try (var s = Files.list(file.getParent())) {
            assertThat(s.toList()).isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
