package dev.freshet.offline.join;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.freshet.core.event.Event;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.offline.archive.ArchivedFile;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.freshet.offline.join.JoinFixtures.CLICKS;
import static dev.freshet.offline.join.JoinFixtures.DEFINITIONS;
import static dev.freshet.offline.join.JoinFixtures.Logged;
import static dev.freshet.offline.join.JoinFixtures.ORDERS;
import static dev.freshet.offline.join.JoinFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** Hand-made cases: exact values at and around event times, time zones, CSV spines, output files and manifests. */
class TrainingSetEdgeCaseTest {

    // T0 = 2023-11-14T22:13:20Z
    static final List<FeatureRef> FEATURES = List.of(FeatureRef.parse("activity:clicks_5m"), FeatureRef.parse("activity:clicks"),
            FeatureRef.parse("activity:last_item_5m"), FeatureRef.parse("recent:clicks_15m"), FeatureRef.parse("activity:max_seen_5m"),
            FeatureRef.parse("activity:last_promo_5m"), FeatureRef.parse("purchases:amount"));

    @TempDir
    Path dir;
    BufferAllocator allocator;
    PointInTimeJoin join;

    @BeforeEach
    void setUp() {
        allocator = new RootAllocator();
        List<Logged> clicks = List.of(
                click("u1", T0, "a", null, 0),
                click("u1", T0 + 1_000, "b", true, 1),
                click("u1", T0 + 1_000, null, false, 2),      // a tie in time, later in the log, item null
                click("u2", T0 + 2_000, "c", true, 0));
        Logged order = new Logged(Event.builder(ORDERS.schema()).key("u1").timestamp(T0 + 500).set("user_id", "u1")
                .set("amount", 2.5).set("ts", T0 + 500).build(), 0, 7);
        Map<String, List<ArchivedFile>> files = new HashMap<>();
        files.put("clicks", List.of(JoinFixtures.write(allocator, CLICKS, clicks, dir.resolve("archive/clicks/date=2023-11-14/p.parquet"), true),
                JoinFixtures.write(allocator, CLICKS, List.of(), dir.resolve("archive/clicks/date=2023-11-15/p.parquet"), false)));
        files.put("orders", List.of(JoinFixtures.write(allocator, ORDERS, List.of(order), dir.resolve("archive/orders/o.parquet"), false)));
        join = PointInTimeJoin.builder().definitions(DEFINITIONS).allocator(allocator).archive(s -> files.get(s.name()))
                .spillDirectory(dir.resolve("spill")).freshetVersion("0.1.0-test").build();
    }

    @AfterEach
    void leaks() {
        allocator.close();
    }

    private static Logged click(String user, long ts, String item, Boolean promo, long offset) {
        return new Logged(Event.builder(CLICKS.schema()).key(user).timestamp(ts).set("user_id", user).set("ts", ts)
                .set("item", item).set("promo", promo).set("seen_at", ts - 10).build(), 0, offset);
    }

    /** A CSV spine: timestamps in several zones and forms, out of order; labels and a comment column kept. */
    private Path csvSpine() throws IOException {
        Path spine = dir.resolve("spine.csv");
        Files.writeString(spine, String.join("\n",
                "label,user_id,event_at,note",
                "1,u1,2023-11-14T22:13:21.001Z,after the tie",             // T0 + 1001
                "0,u1,2023-11-14T23:13:20+01:00,exactly at the first",     // T0, in +01:00
                "1,u1,2023-11-14T17:13:21-05:00,exactly at the tie",       // T0 + 1000, in -05:00
                "0,u3,2023-11-14T22:20:00Z,no events",
                "1,u2,2023-11-14T22:13:19Z,before any event",
                "0,u1,2023-11-14T22:35:00Z,past the ttl of recent",
                "") );
        return spine;
    }

    private static List<Object> row(Object... values) {
        List<Object> out = new ArrayList<>();
        for (Object v : values) {
            out.add(v);
        }
        return out;
    }

    /** The features of the CSV spine's rows, as the online store would give them. */
    private static final List<List<Object>> FEATURE_ROWS = List.of(
            row(3L, 3L, "b", 3L, T0 + 990, false, 2.5),       // last_item skips the null item; last promo is the tie's later one
            row(null, null, null, null, null, null, null),   // no event before T0: NOT_FOUND
            row(1L, 1L, "a", 1L, T0 - 10, null, 2.5),
            row(null, null, null, null, null, null, null),
            row(null, null, null, null, null, null, null),
            row(0L, 3L, null, null, null, null, 2.5));      // windows passed; recent's ttl (20m) passed, purchases' (30m) not

    @Test
    void aCsvSpineWithZonesGivesTheOnlineValuesInSpineOrder() throws IOException {
        JoinFixtures.RowsSink sink = new JoinFixtures.RowsSink();
        TrainingSetSummary summary = join.run(new TrainingSetRequest(csvSpine(), "user_id", "event_at", FEATURES, false), sink);
        assertThat(sink.schema.getFields().stream().map(Field::getName)).containsExactly("label", "user_id", "event_at", "note",
                "clicks_5m", "clicks", "last_item_5m", "clicks_15m", "max_seen_5m", "last_promo_5m", "amount");
        assertThat(sink.rows).hasSize(6);
        for (int r = 0; r < 6; r++) {
            assertThat(sink.rows.get(r).subList(4, 11)).as("row %d", r).isEqualTo(FEATURE_ROWS.get(r));
        }
        assertThat(sink.rows.get(0).get(3)).isEqualTo("after the tie");
        assertThat(summary.spineRows()).isEqualTo(6);
        assertThat(summary.eventsRead()).isEqualTo(5);
        assertThat(summary.filesRead()).isEqualTo(3);
        assertThat(summary.minTimestamp()).isEqualTo(T0 - 1_000);
        assertThat(summary.maxTimestamp()).isEqualTo(Instant("2023-11-14T22:35:00Z"));
    }

    private static long Instant(String iso) {
        return java.time.Instant.parse(iso).toEpochMilli();
    }

    @Test
    void arrowOutputReadsBackWithTheSameRows() throws IOException {
        Path spine = csvSpine();
        JoinFixtures.RowsSink sink = new JoinFixtures.RowsSink();
        TrainingSetRequest request = new TrainingSetRequest(spine, "user_id", "event_at", FEATURES, true);
        join.run(request, sink);
        Path out = dir.resolve("out/train.arrow");
        TrainingSetSummary summary = join.writeFile(request, out);
        assertThat(summary.output()).contains(out);
        List<List<Object>> back = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(out); ArrowFileReader reader = new ArrowFileReader(ch, allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            assertThat(root.getSchema()).isEqualTo(sink.schema);
            assertThat(root.getSchema().getFields().get(4).getName()).isEqualTo("activity__clicks_5m");
            while (reader.loadNextBatch()) {
                for (int r = 0; r < root.getRowCount(); r++) {
                    List<Object> row = new ArrayList<>();
                    for (FieldVector v : root.getFieldVectors()) {
                        row.add(JoinFixtures.value(v, r));
                    }
                    back.add(row);
                }
            }
        }
        assertThat(back).isEqualTo(sink.rows);
        try (var files = Files.list(out.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("train.arrow", "train.arrow.manifest.json");
        }
    }

    @Test
    void parquetOutputReadsBackInDuckDbWithItsManifest() throws IOException, SQLException {
        Path out = dir.resolve("train.parquet");
        TrainingSetRequest request = new TrainingSetRequest(csvSpine(), "user_id", "event_at", FEATURES, false);
        join.writeFile(request, out);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select note, clicks_5m, last_item_5m, typeof(max_seen_5m), epoch_ms(max_seen_5m), amount,"
                     + " last_promo_5m from read_parquet('" + out + "')")) {
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(row(rs.getString(1), rs.getObject(2), rs.getString(3), rs.getString(4), rs.getObject(5), rs.getObject(6), rs.getObject(7)));
            }
            assertThat(rows).hasSize(6);
            assertThat(rows.get(0)).containsExactly("after the tie", 3L, "b", "TIMESTAMP WITH TIME ZONE", T0 + 990, 2.5, false);
            assertThat(rows.get(1)).containsExactly("exactly at the first", null, null, "TIMESTAMP WITH TIME ZONE", null, null, null);
        }
        String manifest = Files.readString(dir.resolve("train.parquet.manifest.json"));
        Map<String, String> top = topLevelScalars(manifest);
        assertThat(top).containsEntry("manifest_version", "1").containsEntry("freshet_version", "0.1.0-test")
                .containsEntry("definitions_fingerprint", DEFINITIONS.fingerprint()).containsEntry("events_read", "5");
        assertThat(manifest).contains("\"sha256\"", "\"rows\" : 6", "\"min\" : \"2023-11-14T22:13:19Z\"", "\"max\" : \"2023-11-14T22:35:00Z\"",
                "date=2023-11-14/p.parquet", "date=2023-11-15/p.parquet", "\"format\" : \"parquet\"", "activity:clicks_5m");
    }

    /** The scalar members of the manifest's top-level object, as text. */
    private static Map<String, String> topLevelScalars(String json) throws IOException {
        Map<String, String> out = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (t.isStructStart()) {
                    p.skipChildren();
                } else {
                    out.put(name, p.getText());
                }
            }
        }
        return out;
    }
}
