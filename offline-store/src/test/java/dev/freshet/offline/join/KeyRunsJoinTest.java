package dev.freshet.offline.join;

import dev.freshet.core.definition.AggregationFunction;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.event.Event;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.offline.archive.ArchivedFile;
import dev.freshet.offline.archive.KeyRuns;
import dev.freshet.offline.arrow.ArchiveSchema;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

import static dev.freshet.offline.join.JoinFixtures.CLICKS;
import static dev.freshet.offline.join.JoinFixtures.DEFINITIONS;
import static dev.freshet.offline.join.JoinFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Sorted files read through their {@link KeyRuns} instead of their key column: the same rows, a fallback to the key
 * column when the runs cannot be used, and the order still checked.
 */
class KeyRunsJoinTest {

    @TempDir
    Path dir;
    BufferAllocator allocator;
    List<JoinFixtures.Logged> events;
    Path spine;

    @BeforeEach
    void setUp() throws IOException {
        allocator = new RootAllocator();
        SplittableRandom random = new SplittableRandom(5);
        events = new ArrayList<>();
        long[] offsets = new long[2];
        for (int i = 0; i < 3_000; i++) {
            String user = "u" + random.nextInt(30);
            long ts = T0 + random.nextLong(3_600_000);
            Event.Builder b = Event.builder(CLICKS.schema()).key(user).timestamp(ts).set("user_id", user).set("ts", ts)
                    .set("item", random.nextInt(6) == 0 ? null : "item-" + random.nextInt(9))
                    .set("price", random.nextInt(6) == 0 ? null : random.nextInt(1, 10_000) / 100.0)
                    .set("qty", (long) random.nextInt(20));
            int partition = random.nextInt(2);
            events.add(new JoinFixtures.Logged(b.build(), partition, offsets[partition]++));
        }
        events.sort(JoinFixtures.SORTED);
        StringBuilder csv = new StringBuilder("user_id,ts\n");
        for (int i = 0; i < 400; i++) {
            csv.append("u").append(random.nextInt(32)).append(',').append(T0 + random.nextLong(4_000_000)).append('\n');
        }
        spine = dir.resolve("spine.csv");
        Files.writeString(spine, csv);
    }

    @AfterEach
    void leaks() {
        allocator.close();
    }

    private List<List<Object>> join(List<ArchivedFile> files) {
        return join(DEFINITIONS, JoinFixtures.allFeatures(), files);
    }

    private List<List<Object>> join(Definitions definitions, List<FeatureRef> features, List<ArchivedFile> files) {
        return join(definitions, features, files, 512L << 20);
    }

    private List<List<Object>> join(Definitions definitions, List<FeatureRef> features, List<ArchivedFile> files, long budget) {
        PointInTimeJoin join = PointInTimeJoin.builder().definitions(definitions).allocator(allocator).memoryBudget(budget)
                .archive(s -> s.name().equals("clicks") ? files : List.of()).spillDirectory(dir.resolve("spill")).build();
        JoinFixtures.RowsSink sink = new JoinFixtures.RowsSink();
        join.run(new TrainingSetRequest(spine, "user_id", "ts", features, false), sink);
        return sink.rows;
    }

    /** Two sorted files of the events, split at {@code at}, each with key runs or without. */
    private List<ArchivedFile> files(int at, boolean keyRuns) {
        List<ArchivedFile> files = new ArrayList<>();
        for (int part = 0; part < 2; part++) {
            List<JoinFixtures.Logged> chunk = part == 0 ? events.subList(0, at) : events.subList(at, events.size());
            Path file = dir.resolve("archive").resolve("date=2023-11-" + (14 + part)).resolve("part-" + part + ".parquet");
            files.add(keyRuns ? JoinFixtures.writeWithKeyRuns(allocator, CLICKS, new ArrayList<>(chunk), file)
                    : JoinFixtures.write(allocator, CLICKS, new ArrayList<>(chunk), file, true));
        }
        return files;
    }

    /** Rewrites a file's key runs from its events, each key mapped. */
    private static void rewriteKeyRuns(ArchivedFile file, List<JoinFixtures.Logged> rows, UnaryOperator<String> key) {
        KeyRuns.Builder runs = new KeyRuns.Builder();
        rows.forEach(l -> runs.add(key.apply(l.entity()), 1));
        runs.write(file.path());
    }

    @Test
    void theSameRowsWithKeyRunsWithoutThemAndWithUnusableOnes() throws IOException {
        List<List<Object>> withoutRuns = join(files(1_234, false));
        assertThat(withoutRuns).hasSize(400);
        List<ArchivedFile> files = files(1_234, true);
        assertThat(files).allMatch(ArchivedFile::keyRuns).allMatch(f -> Files.isRegularFile(KeyRuns.sidecar(f.path())));
        assertThat(join(files)).isEqualTo(withoutRuns);

        // damaged: the key column is read instead, with the same rows
        Path sidecar = KeyRuns.sidecar(files.get(0).path());
        byte[] bytes = Files.readAllBytes(sidecar);
        bytes[bytes.length / 2] ^= 1;
        Files.write(sidecar, bytes);
        assertThat(join(files)).isEqualTo(withoutRuns);
        // gone
        Files.delete(sidecar);
        assertThat(join(files)).isEqualTo(withoutRuns);
    }

    @Test
    void withKeyRunsTheKeyColumnIsNotRead() {
        List<ArchivedFile> files = files(1_000, true);
        // key runs that name every entity "v…" instead of "u…", in the same order: the join now knows the v's only
        rewriteKeyRuns(files.get(0), events.subList(0, 1_000), k -> "v" + k.substring(1));
        rewriteKeyRuns(files.get(1), events.subList(1_000, events.size()), k -> "v" + k.substring(1));
        List<List<Object>> rows = join(files);
        int clicks = JoinFixtures.allFeatures().indexOf(new FeatureRef("activity", "clicks")) + 2;
        assertThat(rows).allMatch(r -> r.get(clicks) == null || ((Number) r.get(clicks)).longValue() == 0);
    }

    @Test
    void aViewOfTheKeyFieldItselfStillReadsTheKeyColumn() {
        Definitions definitions = Definitions.builder()
                .entity("user", "user_id")
                .source("clicks", s -> s.field("user_id", FieldType.STRING).field("item", FieldType.STRING)
                        .field("price", FieldType.DOUBLE).field("qty", FieldType.LONG).field("promo", FieldType.BOOLEAN)
                        .field("seen_at", FieldType.TIMESTAMP).field("ts", FieldType.TIMESTAMP))
                .featureView("who", v -> v.entity("user").source("clicks").tile(Duration.ofMinutes(1))
                        .aggregate("users_10m", AggregationFunction.COUNT_DISTINCT, "user_id", Duration.ofMinutes(10))
                        .aggregate("last_user", AggregationFunction.LAST, "user_id", null))
                .build();
        assertThat(ArchiveSchema.of(definitions.source("clicks").orElseThrow()).arrowSchema())
                .isEqualTo(ArchiveSchema.of(CLICKS).arrowSchema());
        List<FeatureRef> features = List.of(new FeatureRef("who", "users_10m"), new FeatureRef("who", "last_user"));
        List<List<Object>> rows = join(definitions, features, files(1_500, true));
        assertThat(rows).isEqualTo(join(definitions, features, files(1_500, false)));
        // the key column's values: each row's own user, once it has an event before its time
        assertThat(rows).filteredOn(r -> r.get(3) != null).isNotEmpty().allMatch(r -> r.get(3).equals(r.get(0)));
    }

    @Test
    void keyRunsAsLargeAsTheKeyColumnAreNotHeld() throws IOException {
        // one event per entity: the key runs hold about what the key column does
        List<JoinFixtures.Logged> single = new ArrayList<>();
        StringBuilder csv = new StringBuilder("user_id,ts\n");
        for (int i = 0; i < 20_000; i++) {
            String user = String.format("w%05d", i);
            single.add(new JoinFixtures.Logged(Event.builder(CLICKS.schema()).key(user).timestamp(T0 + i).set("user_id", user)
                    .set("ts", T0 + i).set("qty", (long) i).build(), 0, i));
            if (i % 100 == 0) {
                csv.append(user).append(',').append(T0 + 30_000).append('\n');
            }
        }
        spine = dir.resolve("spine-w.csv");
        Files.writeString(spine, csv);
        events = single;
        List<ArchivedFile> files = files(20_000, true);
        // renamed keys would find no spine entity: the key column must be what is read
        rewriteKeyRuns(files.get(0), single, k -> "v" + k.substring(1));
        assertThat(Files.size(KeyRuns.sidecar(files.get(0).path())))
                .isGreaterThan(JoinRun.KEY_RUN_BYTES_ALWAYS_HELD).isGreaterThan(JoinRun.MAX_KEY_RUN_BYTES_PER_ROW * 20_000);
        List<FeatureRef> features = List.of(new FeatureRef("activity", "clicks"));
        List<List<Object>> rows = join(DEFINITIONS, features, files);
        assertThat(rows).hasSize(200).allMatch(r -> ((Number) r.get(2)).longValue() == 1);
    }

    @Test
    void keyRunsBeyondAnEighthOfTheMemoryBudgetAreNotHeld() throws IOException {
        List<ArchivedFile> files = files(1_500, true);
        List<List<Object>> expected = join(files);
        rewriteKeyRuns(files.get(0), events.subList(0, 1_500), k -> "v" + k.substring(1));
        rewriteKeyRuns(files.get(1), events.subList(1_500, events.size()), k -> "v" + k.substring(1));
        long first = Files.size(KeyRuns.sidecar(files.get(0).path()));
        long second = Files.size(KeyRuns.sidecar(files.get(1).path()));
        // room for the first file's key runs only: the second file's key column is read
        List<List<Object>> rows = join(DEFINITIONS, JoinFixtures.allFeatures(), files, 8 * (first + second - 1));
        ArchivedFile f = files.get(1);
        List<ArchivedFile> firstOnly = List.of(files.get(0), new ArchivedFile(f.path(), f.rows(), f.minEventTime(), f.maxEventTime(), true));
        assertThat(rows).isNotEqualTo(expected).isEqualTo(join(firstOnly));
        // room for none: both key columns are read, and the renamed key runs are not seen at all
        assertThat(join(DEFINITIONS, JoinFixtures.allFeatures(), files, 8 * (Math.min(first, second) - 1))).isEqualTo(expected);
    }

    @Test
    void keyRunsOutOfOrderAreReported() {
        List<ArchivedFile> files = files(3_000, true);
        // runs whose keys descend (and come before the spine's, so that the join reads them): not sorted as the file says
        rewriteKeyRuns(files.get(0), events, k -> "a" + (99 - Integer.parseInt(k.substring(1))));
        assertThatThrownBy(() -> join(files)).isInstanceOf(CorruptDataException.class).hasMessageContaining("part-0.parquet")
                .hasMessageContaining("marked sorted");
    }

    @Test
    void timesGoingBackWithinARunAreReported() {
        List<JoinFixtures.Logged> descending = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long ts = T0 - i * 1000L;
            descending.add(new JoinFixtures.Logged(Event.builder(CLICKS.schema()).key("u1").timestamp(ts).set("user_id", "u1").set("ts", ts)
                    .build(), 0, i));
        }
        events = descending;
        List<ArchivedFile> files = files(3, true);
        assertThatThrownBy(() -> join(files)).isInstanceOf(CorruptDataException.class).hasMessageContaining("part-0.parquet")
                .hasMessageContaining("marked sorted");
    }

    @Test
    void aFileWithMoreOrFewerRowsThanItsKeyRunsIsReported() {
        List<ArchivedFile> files = files(3_000, true);
        ArchivedFile f = files.get(0);
        // the listing and the key runs agree with each other (2,999 rows), not with the file (3,000)
        rewriteKeyRuns(f, events.subList(0, 2_999), k -> k);
        ArchivedFile fewer = new ArchivedFile(f.path(), 2_999, f.minEventTime(), f.maxEventTime(), true, true);
        assertThatThrownBy(() -> join(List.of(fewer))).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("has more rows than its key runs").hasMessageContaining("(2999)");
        List<JoinFixtures.Logged> oneMore = new ArrayList<>(events);
        oneMore.add(events.get(events.size() - 1));
        rewriteKeyRuns(f, oneMore, k -> k);
        ArchivedFile more = new ArchivedFile(f.path(), 3_001, f.minEventTime(), f.maxEventTime(), true, true);
        assertThatThrownBy(() -> join(List.of(more))).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("has fewer rows than its key runs").hasMessageContaining("(3001)");
    }
}
