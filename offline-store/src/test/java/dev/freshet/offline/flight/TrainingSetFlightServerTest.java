package dev.freshet.offline.flight;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Source;
import dev.freshet.core.error.ConfigException;
import dev.freshet.core.event.Event;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.offline.archive.ArchivedFile;
import dev.freshet.offline.arrow.ArchiveSchema;
import dev.freshet.offline.arrow.EventAppender;
import dev.freshet.offline.arrow.ParquetFiles;
import dev.freshet.offline.join.PointInTimeJoin;
import dev.freshet.offline.join.TrainingSetRequest;
import dev.freshet.offline.join.TrainingSetSink;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
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
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A training set pulled through Arrow Flight with the Java Flight client equals the one the join writes. */
class TrainingSetFlightServerTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final Definitions DEFINITIONS = FreshetConfig.parse("""
            project: flight
            entities: [{name: user, join_key: user_id}]
            sources:
              - {name: clicks, timestamp_field: ts, schema: {user_id: string, item_id: string, price: double, ts: timestamp}}
            feature_views:
              - name: activity
                entity: user
                source: clicks
                tile: 1m
                features:
                  - {name: clicks_5m, function: count, window: 5m}
                  - {name: spend_1h, function: sum, field: price, window: 1h}
                  - {name: last_item, function: last, field: item_id}
            """, "flight.yaml").definitions();
    private static final Source CLICKS = DEFINITIONS.source("clicks").orElseThrow();

    @TempDir
    Path dir;
    BufferAllocator allocator;
    TrainingSetFlightServer server;
    PointInTimeJoin join;
    Path spine;

    @BeforeEach
    void start() throws IOException {
        allocator = new RootAllocator();
        ArchivedFile file = archive(2_000);
        join = PointInTimeJoin.builder().definitions(DEFINITIONS).archive(source -> List.of(file)).allocator(allocator)
                .spillDirectory(dir).freshetVersion("test").build();
        StringBuilder csv = new StringBuilder("user_id,ts,label\n");
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 5_000; i++) {
            csv.append('u').append(random.nextInt(25)).append(',').append(T0 + random.nextLong(3_600_000)).append(',')
                    .append(random.nextInt(2)).append('\n');
        }
        spine = Files.writeString(dir.resolve("labels.csv"), csv);
        server = TrainingSetFlightServer.builder().join(join).allocator(allocator).host("127.0.0.1").port(0).start();
    }

    @AfterEach
    void stop() {
        server.close();
        server.close(); // idempotent
        allocator.close(); // a leaked batch fails the test
    }

    private ArchivedFile archive(int n) {
        SplittableRandom random = new SplittableRandom(1);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long ts = T0 + random.nextLong(3_600_000);
            String user = "u" + random.nextInt(20);
            events.add(Event.builder(CLICKS.schema()).key(user).timestamp(ts).set("user_id", user).set("ts", ts)
                    .set("item_id", "i" + random.nextInt(50)).set("price", random.nextDouble() * 10).build());
        }
        Path file = dir.resolve("events/clicks/date=2023-11-14/part-0.parquet");
        ArchiveSchema layout = ArchiveSchema.of(CLICKS);
        boolean[] done = {false};
        ParquetFiles.write(allocator, layout.arrowSchema(), root -> {
            if (done[0]) {
                return false;
            }
            done[0] = true;
            EventAppender appender = EventAppender.over(layout, root);
            for (int i = 0; i < events.size(); i++) {
                appender.append(events.get(i), 0, i);
            }
            appender.root();
            return true;
        }, file);
        return new ArchivedFile(file, n, T0, T0 + 3_600_000, false);
    }

    private TrainingSetRequest request(String... features) {
        return new TrainingSetRequest(spine, "user_id", "ts", java.util.Arrays.stream(features).map(FeatureRef::parse).toList(), false);
    }

    @Test
    void aClientPullsTheSameRowsTheJoinWrites() throws Exception {
        TrainingSetRequest request = request("activity:clicks_5m", "activity:spend_1h", "activity:last_item");
        List<List<Object>> expected = new ArrayList<>();
        join.run(request, new TrainingSetSink() {
            @Override
            public void start(Schema schema) {
            }

            @Override
            public void write(VectorSchemaRoot batch) {
                expected.addAll(rows(batch));
            }

            @Override
            public void finish() {
            }
        });

        List<List<Object>> pulled = new ArrayList<>();
        try (FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.port())).build();
             FlightStream stream = client.getStream(new Ticket(request.toJson()))) {
            assertThat(stream.getSchema().getFields()).extracting(f -> f.getName())
                    .containsExactly("user_id", "ts", "label", "clicks_5m", "spend_1h", "last_item");
            while (stream.next()) {
                pulled.addAll(rows(stream.getRoot()));
            }
        }
        assertThat(pulled).hasSize(5_000).isEqualTo(expected);
        assertThat(server.uri()).isEqualTo("grpc://127.0.0.1:" + server.port());
    }

    @Test
    void badTicketsAreInvalidArgumentsThatSayWhatToFix() throws Exception {
        try (FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.port())).build()) {
            assertThatThrownBy(() -> drain(client, "not json".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOfSatisfying(FlightRuntimeException.class,
                            e -> assertThat(e.status().code()).isEqualTo(CallStatus.INVALID_ARGUMENT.code()))
                    .hasMessageContaining("the ticket is not a training-set request");
            assertThatThrownBy(() -> drain(client, request("activity:clickz_5m").toJson()))
                    .isInstanceOfSatisfying(FlightRuntimeException.class,
                            e -> assertThat(e.status().code()).isEqualTo(CallStatus.INVALID_ARGUMENT.code()))
                    .hasMessageContaining("clickz_5m");
            // the server still serves after bad calls
            assertThat(drain(client, request("activity:clicks_5m").toJson())).isEqualTo(5_000);
        }
    }

    @Test
    void withSpineDirectoriesASpineElsewhereIsRefusedWithoutBeingRead() throws Exception {
        Path allowed = Files.createDirectories(dir.resolve("spines"));
        Path inside = Files.copy(spine, allowed.resolve("labels.csv"));
        Path linkOut = Files.createSymbolicLink(allowed.resolve("escape.csv"), spine);
        try (TrainingSetFlightServer guarded = TrainingSetFlightServer.builder().join(join).allocator(allocator).host("127.0.0.1").port(0)
                .spineDirectories(List.of(allowed)).start();
             FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", guarded.port())).build()) {
            assertThat(drain(client, requestFor(inside).toJson())).isEqualTo(5_000);
            // relative to the directory, through a symbolic link: still inside
            assertThat(drain(client, requestFor(allowed.resolve("./sub/../labels.csv")).toJson())).isEqualTo(5_000);
            for (Path outside : List.of(spine, dir.resolve("no-such.csv"), allowed.resolve("../labels.csv"), linkOut)) {
                assertThatThrownBy(() -> drain(client, requestFor(outside).toJson()))
                        .as(outside.toString())
                        .isInstanceOfSatisfying(FlightRuntimeException.class,
                                e -> assertThat(e.status().code()).isEqualTo(CallStatus.UNAUTHORIZED.code()))
                        .hasMessageContaining("is outside the directories this Flight server reads spines from")
                        .hasMessageContaining("offline_store.flight.spine_dirs");
            }
            // inside but missing: the join's own message
            assertThatThrownBy(() -> drain(client, requestFor(allowed.resolve("missing.csv")).toJson()))
                    .isInstanceOfSatisfying(FlightRuntimeException.class,
                            e -> assertThat(e.status().code()).isEqualTo(CallStatus.INVALID_ARGUMENT.code()))
                    .hasMessageContaining("does not exist");
            // "link/../secret.csv" reads as "secret.csv" inside, which is missing, but the system would follow the link out
            // of the directory and up to a file that exists: what is opened is what was checked
            Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
            Files.copy(spine, dir.resolve("secret.csv"));
            Files.createSymbolicLink(allowed.resolve("out"), elsewhere);
            assertThatThrownBy(() -> drain(client, requestFor(Path.of(allowed + "/out/../secret.csv")).toJson()))
                    .isInstanceOfSatisfying(FlightRuntimeException.class,
                            e -> assertThat(e.status().code()).isEqualTo(CallStatus.INVALID_ARGUMENT.code()))
                    .hasMessageContaining("does not exist");
        }
    }

    @Test
    void aSpineDirectoryThatIsNotThereFailsTheStartNamingTheSetting() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> TrainingSetFlightServer.builder().join(join).allocator(allocator).host("127.0.0.1").port(0)
                .spineDirectories(List.of(dir, dir.resolve("missing"), file)).start())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("offline_store.flight.spine_dirs[1]")
                .hasMessageContaining("offline_store.flight.spine_dirs[2]")
                .hasMessageNotContaining("spine_dirs[0]");
    }

    private TrainingSetRequest requestFor(Path spinePath) {
        return new TrainingSetRequest(spinePath, "user_id", "ts", List.of(FeatureRef.parse("activity:clicks_5m")), false);
    }

    private static long drain(FlightClient client, byte[] ticket) throws Exception {
        long rows = 0;
        try (FlightStream stream = client.getStream(new Ticket(ticket))) {
            while (stream.next()) {
                rows += stream.getRoot().getRowCount();
            }
        }
        return rows;
    }

    private static List<List<Object>> rows(VectorSchemaRoot root) {
        List<List<Object>> rows = new ArrayList<>();
        for (int r = 0; r < root.getRowCount(); r++) {
            List<Object> row = new ArrayList<>();
            for (var v : root.getFieldVectors()) {
                Object o = v.getObject(r);
                row.add(o == null ? null : o.toString());
            }
            rows.add(row);
        }
        return rows;
    }
}
