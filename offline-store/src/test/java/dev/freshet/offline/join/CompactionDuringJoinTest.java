package dev.freshet.offline.join;

import dev.freshet.core.error.TransientException;
import dev.freshet.core.event.Event;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.offline.archive.ArchivedFile;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static dev.freshet.offline.join.JoinFixtures.CLICKS;
import static dev.freshet.offline.join.JoinFixtures.DEFINITIONS;
import static dev.freshet.offline.join.JoinFixtures.Logged;
import static dev.freshet.offline.join.JoinFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Compaction replaces an archive's files and deletes them while a join may be reading them: the join
 * pins what it listed (hard links), so it reads one manifest's files in full whatever compaction does.
 */
class CompactionDuringJoinTest {

    private static final List<FeatureRef> FEATURES = List.of(FeatureRef.parse("activity:clicks_5m"), FeatureRef.parse("activity:clicks"));

    @TempDir
    Path dir;
    BufferAllocator allocator;
    List<ArchivedFile> files;
    Path spine;

    @BeforeEach
    void archive() throws IOException {
        allocator = new RootAllocator();
        List<Logged> clicks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long ts = T0 + i * 1_000L;
            clicks.add(new Logged(Event.builder(CLICKS.schema()).key("u" + (i % 2)).timestamp(ts).set("user_id", "u" + (i % 2))
                    .set("ts", ts).set("item", "i" + i).build(), 0, i));
        }
        // unsorted, as the archiver writes them: read after the spine, so there is time to delete them in between
        files = List.of(JoinFixtures.write(allocator, CLICKS, clicks.subList(0, 10), dir.resolve("archive/clicks/date=2023-11-14/a.parquet"), false),
                JoinFixtures.write(allocator, CLICKS, clicks.subList(10, 20), dir.resolve("archive/clicks/date=2023-11-14/b.parquet"), false));
        spine = dir.resolve("spine.csv");
        Files.writeString(spine, "user_id,ts\nu0,2023-11-14T22:13:30Z\nu1,2023-11-14T22:14:00Z\nu0,2023-11-14T22:13:25.5Z\n");
    }

    @AfterEach
    void leaks() {
        allocator.close();
    }

    private PointInTimeJoin join(ArchiveSource archive, JoinProgress progress, Path spill) {
        return PointInTimeJoin.builder().definitions(DEFINITIONS).allocator(allocator).archive(archive).progress(progress)
                .spillDirectory(spill).freshetVersion("0.1.0-test").build();
    }

    private List<List<Object>> rows(PointInTimeJoin join) {
        JoinFixtures.RowsSink sink = new JoinFixtures.RowsSink();
        join.run(new TrainingSetRequest(spine, "user_id", "ts", FEATURES, false), sink);
        return sink.rows;
    }

    /** Deletes the listed files when the spine begins to be read: after the join listed (and pinned) them, before it reads them. */
    private JoinProgress deletingAtSpine(List<ArchivedFile> victims) {
        return new JoinProgress() {
            @Override
            public void phase(String name, long totalUnits) {
                if (name.equals("reading spine")) {
                    victims.forEach(f -> delete(f.path()));
                }
            }

            @Override
            public void advance(long units) {
            }
        };
    }

    private static void delete(Path p) {
        try {
            Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long pinsLeft(Path spill) throws IOException {
        if (!Files.isDirectory(spill)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(spill)) {
            return s.filter(p -> p.getFileName().toString().startsWith("freshet-pins-")).count();
        }
    }

    @Test
    void filesDeletedAfterTheJoinListedThemAreStillRead() throws IOException {
        List<List<Object>> expected = rows(join(s -> files, JoinProgress.NONE, dir.resolve("spill")));
        assertThat(expected).extracting(r -> r.get(2)).containsExactly(5L, 10L, 3L); // clicks_5m: the events are there

        List<List<Object>> rows = rows(join(s -> files, deletingAtSpine(files), dir.resolve("spill")));

        assertThat(rows).isEqualTo(expected);
        assertThat(files).allSatisfy(f -> assertThat(f.path()).doesNotExist());
        assertThat(pinsLeft(dir.resolve("spill"))).as("the pins are removed with the join").isZero();
    }

    @Test
    void aListingOvertakenByACompactionIsTakenAgain() throws IOException {
        List<List<Object>> expected = rows(join(s -> files, JoinProgress.NONE, dir.resolve("spill")));
        ArchivedFile gone = new ArchivedFile(dir.resolve("archive/clicks/date=2023-11-14/replaced.parquet"), 10, T0, T0 + 9_000, false);
        AtomicInteger listings = new AtomicInteger();

        // the first listing names a file a compaction has since replaced (and deleted); the second is the compaction's
        List<List<Object>> rows = rows(join(s -> listings.incrementAndGet() == 1 ? List.of(files.get(1), gone) : files,
                JoinProgress.NONE, dir.resolve("spill")));

        assertThat(rows).isEqualTo(expected);
        assertThat(listings).hasValue(2);
        assertThat(pinsLeft(dir.resolve("spill"))).isZero();
        assertThat(files).allSatisfy(f -> assertThat(f.path()).exists());
    }

    @Test
    void anArchiveCompactedAtEveryListingFailsTheJoinWithAMessage() {
        ArchivedFile gone = new ArchivedFile(dir.resolve("archive/clicks/date=2023-11-14/replaced.parquet"), 10, T0, T0 + 9_000, false);

        assertThatThrownBy(() -> rows(join(s -> List.of(gone), JoinProgress.NONE, dir.resolve("spill"))))
                .isInstanceOf(TransientException.class)
                .hasMessage("the archive of source 'clicks' was compacted during each of 10 listings of its files; run the join again");
    }

    @Test
    void aSpillDirectoryOnAnotherFileSystemReadsTheFilesUnpinned() throws IOException {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm) && !Files.getFileStore(shm).equals(Files.getFileStore(dir)),
                "needs /dev/shm on another file system than the temporary directory");
        Path spill = Files.createTempDirectory(shm, "freshet-spill-");
        try {
            List<List<Object>> expected = rows(join(s -> files, JoinProgress.NONE, dir.resolve("spill")));

            assertThat(rows(join(s -> files, JoinProgress.NONE, spill))).isEqualTo(expected);
            assertThat(pinsLeft(spill)).isZero();
        } finally {
            try (Stream<Path> left = Files.walk(spill)) {
                left.sorted(java.util.Comparator.reverseOrder()).forEach(CompactionDuringJoinTest::delete);
            }
        }
    }
}
