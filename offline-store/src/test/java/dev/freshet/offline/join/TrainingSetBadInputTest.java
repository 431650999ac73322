package dev.freshet.offline.join;

import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.feature.FeatureRef;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.freshet.offline.join.JoinFixtures.DEFINITIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad requests and spines fail with a message that says what to fix, and leave nothing behind. */
class TrainingSetBadInputTest {

    static final List<FeatureRef> CLICKS_5M = List.of(FeatureRef.parse("activity:clicks_5m"));

    @TempDir
    Path dir;
    BufferAllocator allocator;
    PointInTimeJoin join;

    @BeforeEach
    void setUp() {
        allocator = new RootAllocator();
        join = PointInTimeJoin.builder().definitions(DEFINITIONS).allocator(allocator).archive(s -> List.of())
                .spillDirectory(dir.resolve("spill")).build();
    }

    @AfterEach
    void leaks() {
        allocator.close();
    }

    private Path csv(String... lines) throws IOException {
        Path spine = dir.resolve("spine.csv");
        Files.writeString(spine, String.join("\n", lines) + "\n");
        return spine;
    }

    private InvalidInputException fails(Path spine, String entity, String ts, List<FeatureRef> features) {
        TrainingSetRequest request = new TrainingSetRequest(spine, entity, ts, features, false);
        try {
            join.run(request, new JoinFixtures.RowsSink());
        } catch (InvalidInputException e) {
            return e;
        }
        throw new AssertionError("no InvalidInputException");
    }

    @Test
    void aMissingSpineFile() {
        assertThat(fails(dir.resolve("nope.parquet"), "user_id", "ts", CLICKS_5M)).hasMessageContaining("nope.parquet")
                .hasMessageContaining("does not exist");
        assertThat(fails(dir.resolve("spine.json"), "user_id", "ts", CLICKS_5M)).hasMessageContaining(".parquet or .csv");
    }

    @Test
    void anUnknownColumn() throws IOException {
        Path spine = csv("user_id,ts", "u1,2023-11-14T22:13:20Z");
        assertThat(fails(spine, "user", "ts", CLICKS_5M)).hasMessageContaining("no entity column 'user'").hasMessageContaining("columns: user_id, ts");
        assertThat(fails(spine, "user_id", "time", CLICKS_5M)).hasMessageContaining("no timestamp column 'time'");
    }

    @Test
    void anUnknownViewOrFeatureListsTheChoices() throws IOException {
        Path spine = csv("user_id,ts", "u1,2023-11-14T22:13:20Z");
        assertThat(fails(spine, "user_id", "ts", List.of(FeatureRef.parse("activty:clicks_5m"))))
                .hasMessageContaining("unknown feature view 'activty'").hasMessageContaining("activity, recent, purchases")
                .hasMessageContaining("activity");
        assertThat(fails(spine, "user_id", "ts", List.of(FeatureRef.parse("activity:clicks_6m"))))
                .hasMessageContaining("unknown feature 'clicks_6m' in view 'activity'").hasMessageContaining("clicks_5m, clicks,");
    }

    @Test
    void anEntityColumnThatIsNotTheJoinKey() throws IOException {
        Path spine = csv("uid,ts", "u1,2023-11-14T22:13:20Z");
        assertThat(fails(spine, "uid", "ts", CLICKS_5M)).hasMessageContaining("join key is 'user_id'").hasMessageContaining("'uid'");
    }

    @Test
    void twoFeaturesOfOneNameWithoutFullNames() throws IOException {
        Path spine = csv("user_id,ts,clicks_5m", "u1,2023-11-14T22:13:20Z,1");
        assertThat(fails(spine, "user_id", "ts", CLICKS_5M)).hasMessageContaining("already has").hasMessageContaining("full_feature_names");
    }

    @Test
    void aNullEntityOrTimestampNamesTheRow() throws IOException {
        Path spine = csv("user_id,ts", "u1,2023-11-14T22:13:20Z", "u2,2023-11-14T22:13:20Z", ",2023-11-14T22:13:20Z");
        assertThat(fails(spine, "user_id", "ts", CLICKS_5M)).hasMessageContaining("row 3 has no entity");
        Path nullTime = csv("user_id,ts", "u1,1700000000000", "u2,");
        assertThat(fails(nullTime, "user_id", "ts", CLICKS_5M)).hasMessageContaining("row 2 has no timestamp");
    }

    @Test
    void anUnparseableTimestampNamesTheRowAndValue() throws IOException {
        Path spine = csv("user_id,ts", "u1,2023-11-14T22:13:20Z", "u2,yesterday at noon");
        assertThat(fails(spine, "user_id", "ts", CLICKS_5M)).hasMessageContaining("row 2").hasMessageContaining("\"yesterday at noon\"")
                .hasMessageContaining("ISO-8601");
        Path noZone = csv("user_id,ts", "u1,x2023-11-14T22:13:20");
        assertThat(fails(noZone, "user_id", "ts", CLICKS_5M)).hasMessageContaining("row 1");
        // a string column (the first row is not a date-time, so the CSV reader keeps the column as text)
        Path withoutOffset = csv("user_id,ts", "u1,1700000000000", "u2,2023-11-14T22:13:20");
        assertThat(fails(withoutOffset, "user_id", "ts", CLICKS_5M)).hasMessageContaining("row 2")
                .hasMessageContaining("without Z or an offset (add one: the time is ambiguous)");
    }

    @Test
    void anUnknownOutputExtension() throws IOException {
        Path spine = csv("user_id,ts", "u1,2023-11-14T22:13:20Z");
        TrainingSetRequest request = new TrainingSetRequest(spine, "user_id", "ts", CLICKS_5M, false);
        assertThatThrownBy(() -> join.writeFile(request, dir.resolve("train.csv"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("train.csv").hasMessageContaining(".parquet").hasMessageContaining(".arrow");
    }

    @Test
    void failuresLeaveNoSpillFiles() throws IOException {
        PointInTimeJoin tiny = PointInTimeJoin.builder().definitions(DEFINITIONS).allocator(allocator).archive(s -> List.of())
                .spillDirectory(dir.resolve("spill")).memoryBudget(64).build();
        StringBuilder csv = new StringBuilder("user_id,ts\n");
        for (int i = 0; i < 500; i++) {
            csv.append("u").append(i).append(",1700000000000\n");
        }
        csv.append("u1,not a time\n");
        Path spine = dir.resolve("big.csv");
        Files.writeString(spine, csv);
        assertThatThrownBy(() -> tiny.run(new TrainingSetRequest(spine, "user_id", "ts", CLICKS_5M, false), new JoinFixtures.RowsSink()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("row 501");
        try (var files = Files.list(dir.resolve("spill"))) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void aFileWronglyMarkedSortedIsReported() throws IOException {
        List<JoinFixtures.Logged> events = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long ts = JoinFixtures.T0 - i * 1000L;   // descending: not sorted
            events.add(new JoinFixtures.Logged(dev.freshet.core.event.Event.builder(JoinFixtures.CLICKS.schema()).key("u1").timestamp(ts)
                    .set("user_id", "u1").set("ts", ts).build(), 0, i));
        }
        var file = JoinFixtures.write(allocator, JoinFixtures.CLICKS, events, dir.resolve("liar.parquet"), true);
        PointInTimeJoin lied = PointInTimeJoin.builder().definitions(DEFINITIONS).allocator(allocator).archive(s -> List.of(file))
                .spillDirectory(dir.resolve("spill")).build();
        Path spine = csv("user_id,ts", "u1,2023-11-14T23:13:20Z");
        assertThatThrownBy(() -> lied.run(new TrainingSetRequest(spine, "user_id", "ts", CLICKS_5M, false), new JoinFixtures.RowsSink()))
                .isInstanceOf(dev.freshet.core.error.CorruptDataException.class).hasMessageContaining("liar.parquet")
                .hasMessageContaining("marked sorted");
    }

    @Test
    void theBuilderNamesWhatIsMissingOrWrong() {
        assertThatThrownBy(() -> PointInTimeJoin.builder().allocator(allocator).archive(s -> List.of()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("definitions");
        assertThatThrownBy(() -> PointInTimeJoin.builder().memoryBudget(0)).hasMessageContaining("memoryBudget").hasMessageContaining("0");
    }
}
