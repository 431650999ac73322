package dev.freshet.offline.archive;

import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Source;
import dev.freshet.core.event.Event;



import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;




import org.junit.jupiter.api.Test;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static dev.freshet.offline.archive.ArchiveTesting.DAY;
import static dev.freshet.offline.archive.ArchiveTesting.DAY0;
import static dev.freshet.offline.archive.ArchiveTesting.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The archiver against the embedded broker: exactly once, by date, across crashes, and compaction. */
class ArchiverTest extends ArchiverTestBase {

    private ArchiverSettings archiver(Definitions defs) {
        return Archiver.settings().bootstrapServers(broker.bootstrapServers()).definitions(defs).root(root)
                .clock(EARLY).random(new SplittableRandom(7)).allocator(allocator);
    }

    /**
     * Flushes until the archive holds {@code rows} rows and the archiver has read everything, then once more, so that
     * the offsets are past the last transaction markers.
     */
    private static void archived(Archiver archiver, Path root, Source source, long rows) throws InterruptedException {
        await(rows + " rows are archived", () -> {
            archiver.flush();
            return EventArchive.rows(root, source) == rows;
        });
        await("the lag is 0", () -> archiver.lag() == 0);
        archiver.flush();
    }

    @Test
    void everyCommittedEventIsArchivedOnceInItsDatePartitionAndAbortedOnesNever() throws Exception {
        Definitions defs = ArchiveTesting.definitions("clicks");
        Source clicks = ArchiveTesting.source(defs, "clicks");
        ArchiveTesting.createTopic(broker.bootstrapServers(), clicks, 3);
        Map<ArchiveTesting.Coordinates, Event> produced = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = ArchiveTesting.transactional(broker.bootstrapServers());
             Archiver archiver = archiver(defs).start()) {
            assertThat(EventArchive.files(root, clicks)).isEmpty();
            produced.putAll(ArchiveTesting.send(producer, defs, clicks, ArchiveTesting.events(clicks, 700, 1, DAY0, 3 * DAY), true));
            ArchiveTesting.send(producer, defs, clicks, ArchiveTesting.events(clicks, 300, 2, DAY0, 3 * DAY), false);
            produced.putAll(ArchiveTesting.send(producer, defs, clicks, ArchiveTesting.events(clicks, 500, 3, DAY0 - DAY, 2 * DAY), true));
            archived(archiver, root, clicks, produced.size());
            assertThat(archiver.rowsArchived()).containsEntry("clicks", (long) produced.size());
            assertThat(archiver.filesCommitted()).isEqualTo(EventArchive.files(root, clicks).size());
        }
        Map<ArchiveTesting.Coordinates, Event> back = ArchiveTesting.readBack(allocator, root, defs, clicks);
        assertThat(back.keySet()).isEqualTo(produced.keySet());
        produced.forEach((c, e) -> assertThat(back.get(c).toMap()).as("event at %s", c).isEqualTo(e.toMap()));
        Set<String> dates = EventArchive.files(root, clicks).stream().map(f -> f.path().getParent().getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(dates).containsExactly("date=2023-11-13", "date=2023-11-14", "date=2023-11-15", "date=2023-11-16");
        assertThat(ArchiveTesting.duckDbCount(root, clicks)).isEqualTo(produced.size());
        // the offsets are past everything, transaction markers and aborted records included
        Map<Integer, Long> offsets = EventArchive.offsets(root, clicks);
        for (int p = 0; p < 3; p++) {
            int partition = p;
            long last = produced.keySet().stream().filter(c -> c.partition() == partition).mapToLong(ArchiveTesting.Coordinates::offset)
                    .max().orElseThrow();
            assertThat(offsets.get(p)).as("next offset of partition %d", p).isGreaterThan(last + 1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CrashPoint.Stage.class, names = {"FILES_WRITTEN", "MANIFEST_STAGED"})
    void aCrashWhileCommittingNeitherLosesNorDuplicatesRows(CrashPoint.Stage stage) throws Exception {
        String name = "crash_" + stage.name().toLowerCase();
        Definitions defs = ArchiveTesting.definitions(name);
        Source source = ArchiveTesting.source(defs, name);
        ArchiveTesting.createTopic(broker.bootstrapServers(), source, 2);
        Map<ArchiveTesting.Coordinates, Event> produced = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = ArchiveTesting.transactional(broker.bootstrapServers())) {
            produced.putAll(ArchiveTesting.send(producer, defs, source, ArchiveTesting.events(source, 400, 4, DAY0, 2 * DAY), true));
            try (Archiver archiver = archiver(defs).start()) {
                archived(archiver, root, source, produced.size());
            }
            produced.putAll(ArchiveTesting.send(producer, defs, source, ArchiveTesting.events(source, 300, 5, DAY0, 2 * DAY), true));
            Archiver crashing = archiver(defs).crashPoint((s, src) -> {
                if (s == stage) {
                    throw new SimulatedCrash(s);
                }
            }).start();
            await("the archiver crashes at " + stage, () -> {
                try {
                    crashing.flush();
                } catch (IllegalStateException expected) {
                    // the crash stopped it
                }
                return crashing.failure().isPresent();
            });
            crashing.close();
            assertThat(crashing.failure()).containsInstanceOf(SimulatedCrash.class);
            assertThat(EventArchive.rows(root, source)).as("the crashed commit is not visible").isEqualTo(400);
            assertThat(leftovers(source)).as("what the crash left").isNotEmpty();

            produced.putAll(ArchiveTesting.send(producer, defs, source, ArchiveTesting.events(source, 200, 6, DAY0, 2 * DAY), true));
            try (Archiver restarted = archiver(defs).start()) {
                assertThat(leftovers(source)).as("orphans are deleted on open").isEmpty();
                archived(restarted, root, source, produced.size());
            }
        }
        assertThat(ArchiveTesting.readBack(allocator, root, defs, source).keySet()).isEqualTo(produced.keySet());
        assertThat(ArchiveTesting.duckDbCount(root, source)).isEqualTo(produced.size());
    }

    @ParameterizedTest
    @EnumSource(value = CrashPoint.Stage.class, names = {"COMPACTION_WRITTEN", "COMPACTION_COMMITTED"})
    void aCrashWhileCompactingLeavesAConsistentArchive(CrashPoint.Stage stage) throws Exception {
        String name = "compact_crash_" + stage.name().toLowerCase();
        Definitions defs = ArchiveTesting.definitions(name);
        Source source = ArchiveTesting.source(defs, name);
        ArchiveTesting.createTopic(broker.bootstrapServers(), source, 2);
        Map<ArchiveTesting.Coordinates, Event> produced;
        try (KafkaProducer<byte[], byte[]> producer = ArchiveTesting.transactional(broker.bootstrapServers())) {
            produced = ArchiveTesting.send(producer, defs, source, ArchiveTesting.events(source, 600, 7, DAY0, DAY / 2), true);
        }
        Archiver crashing = archiver(defs).maxRowsPerFile(50).compactAfterFiles(4).crashPoint((s, src) -> {
            if (s == stage) {
                throw new SimulatedCrash(s);
            }
        }).start();
        await("the archiver crashes at " + stage, () -> crashing.failure().isPresent());
        crashing.close();
        assertThat(crashing.failure()).containsInstanceOf(SimulatedCrash.class);
        long before = EventArchive.rows(root, source);
        assertThat(before).isPositive();
        assertThat(leftovers(source)).as("what the crash left").isNotEmpty();

        // a day later the date is past: compact() merges it into one sorted file
        Clock later = Clock.fixed(Instant.ofEpochMilli(DAY0 + DAY), ZoneOffset.UTC);
        try (Archiver restarted = archiver(defs).clock(later).maxRowsPerFile(50).compactAfterFiles(4).start()) {
            assertThat(leftovers(source)).as("orphans are deleted on open").isEmpty();
            archived(restarted, root, source, produced.size());
            restarted.compact();
        }
        assertThat(EventArchive.files(root, source)).allMatch(ArchivedFile::sorted).allMatch(ArchivedFile::keyRuns).hasSize(1);
        assertThat(leftovers(source)).as("the replaced files' key runs are deleted with them").isEmpty();
        assertThat(ArchiveTesting.readBack(allocator, root, defs, source).keySet()).isEqualTo(produced.keySet());
        assertThat(ArchiveTesting.duckDbCount(root, source)).isEqualTo(produced.size());
    }

    @Test
    void compactionMergesSmallFilesIntoSortedOnesWithTheSameRows() throws Exception {
        Definitions defs = ArchiveTesting.definitions("compacted");
        Source source = ArchiveTesting.source(defs, "compacted");
        ArchiveTesting.createTopic(broker.bootstrapServers(), source, 3);
        Map<ArchiveTesting.Coordinates, Event> produced = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = ArchiveTesting.transactional(broker.bootstrapServers())) {
            for (int t = 0; t < 4; t++) {
                produced.putAll(ArchiveTesting.send(producer, defs, source, ArchiveTesting.events(source, 250, 10 + t, DAY0, 2 * DAY), true));
            }
        }
        try (Archiver archiver = archiver(defs).maxRowsPerFile(40).compactAfterFiles(1_000).start()) {
            archived(archiver, root, source, produced.size());
        }
        List<ArchivedFile> small = EventArchive.files(root, source);
        assertThat(small).hasSizeGreaterThan(20).noneMatch(ArchivedFile::sorted);
        Map<Integer, Long> offsets = EventArchive.offsets(root, source);

        // ten days later both dates are past: each is merged, whatever its number of files
        Clock later = Clock.fixed(Instant.ofEpochMilli(DAY0 + 10 * DAY), ZoneOffset.UTC);
        try (Archiver archiver = archiver(defs).clock(later).maxRowsPerCompactedFile(300).start()) {
            archiver.compact();
            assertThat(archiver.compactions()).isEqualTo(2);
        }
        List<ArchivedFile> compacted = EventArchive.files(root, source);
        assertThat(compacted).allMatch(ArchivedFile::sorted).allMatch(f -> f.rows() <= 300).hasSizeBetween(4, 8);
        assertThat(small).allMatch(f -> Files.notExists(f.path()));
        assertThat(leftovers(source)).isEmpty();
        assertThat(EventArchive.offsets(root, source)).isEqualTo(offsets);
        Map<ArchiveTesting.Coordinates, Event> back = ArchiveTesting.readBack(allocator, root, defs, source);
        assertThat(back.keySet()).isEqualTo(produced.keySet());
        produced.forEach((c, e) -> assertThat(back.get(c).toMap()).isEqualTo(e.toMap()));
        // the files of a date follow each other in order too: a join streams them one after the other
        Map<String, List<ArchivedFile>> byDate = compacted.stream().collect(Collectors.groupingBy(f -> f.path().getParent().toString()));
        RowFiles rowFiles = new RowFiles(allocator, dev.freshet.offline.arrow.ArchiveSchema.of(source), "user_id");
        byDate.values().forEach(files -> assertThat(files.stream().flatMap(f -> rowFiles.readAll(f.path()).stream()).toList())
                .isSortedAccordingTo(ArchivedRow.ORDER));
        // beside each sorted file, its key runs: each entity's rows, in the file's order
        assertThat(compacted).allMatch(ArchivedFile::keyRuns);
        compacted.forEach(f -> assertKeyRunsOf(rowFiles, f));
        assertThat(small).allMatch(f -> Files.notExists(KeyRuns.sidecar(f.path())));
        assertThat(ArchiveTesting.duckDbCount(root, source)).isEqualTo(produced.size());

        // late events for the first date (about 500 rows), more than an eighth of it: its sorted files are merged
        // again, and their key runs go with them
        try (KafkaProducer<byte[], byte[]> producer = ArchiveTesting.transactional(broker.bootstrapServers())) {
            produced.putAll(ArchiveTesting.send(producer, defs, source, ArchiveTesting.events(source, 100, 20, DAY0, DAY), true));
        }
        try (Archiver archiver = archiver(defs).clock(later).maxRowsPerCompactedFile(300).start()) {
            archived(archiver, root, source, produced.size());
            archiver.compact();
            assertThat(archiver.compactions()).isEqualTo(1);
        }
        List<ArchivedFile> again = EventArchive.files(root, source);
        assertThat(again).allMatch(ArchivedFile::sorted).allMatch(ArchivedFile::keyRuns);
        assertThat(compacted).filteredOn(f -> !again.contains(f)).isNotEmpty()
                .allMatch(f -> Files.notExists(f.path()) && Files.notExists(KeyRuns.sidecar(f.path())));
        assertThat(leftovers(source)).isEmpty();
        assertThat(ArchiveTesting.readBack(allocator, root, defs, source).keySet()).isEqualTo(produced.keySet());
    }

    /**
     * A commit that keeps failing (here the date's directory cannot be made: a file holds its name) is retried, and
     * meanwhile the archiver says what fails and its lag counts the rows waiting; once the way is clear they are archived.
     */
    @Test
    void aCommitThatFailsIsRetriedWhileTheLagAndTheErrorShow() throws Exception {
        Definitions defs = ArchiveTesting.definitions("blocked");
        Source source = ArchiveTesting.source(defs, "blocked");
        ArchiveTesting.createTopic(broker.bootstrapServers(), source, 2);
        Path blocker = SourceArchive.directory(root, source.name()).resolve(SourceArchive.partitionOf(LocalDate.ofEpochDay(DAY0 / DAY)));
        Files.createDirectories(blocker.getParent());
        Files.writeString(blocker, "not a directory");
        Map<ArchiveTesting.Coordinates, Event> produced = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = ArchiveTesting.transactional(broker.bootstrapServers());
             Archiver archiver = archiver(defs).clock(Clock.systemUTC()).flushInterval(Duration.ofMillis(200)).start()) {
            produced.putAll(ArchiveTesting.send(producer, defs, source, ArchiveTesting.events(source, 120, 5, DAY0, DAY / 2), true));
            await("the failing commit shows", () -> archiver.retryingError() != null && archiver.lag() >= 120);
            assertThat(archiver.retryingError()).contains("committing to the archive of source 'blocked' failed");
            assertThat(archiver.isRunning()).isTrue();
            produced.putAll(ArchiveTesting.send(producer, defs, source, ArchiveTesting.events(source, 30, 6, DAY0, DAY / 2), true));
            await("the lag counts the rows that came meanwhile", () -> archiver.lag() >= 150);

            Files.delete(blocker);
            archived(archiver, root, source, produced.size());
            assertThat(archiver.retryingError()).isNull();
        }
        assertThat(ArchiveTesting.readBack(allocator, root, defs, source).keySet()).isEqualTo(produced.keySet());
    }

    /**
     * Late events for yesterday, a date already compacted: their files are merged among themselves while they are few
     * beside the date's sorted rows, and the date is rewritten once they are an eighth of them.
     */
    @Test
    void lateFilesOfACompactedDateAreMergedAmongThemselvesUntilTheyAreAnEighthOfIt() throws Exception {
        Definitions defs = ArchiveTesting.definitions("late");
        Source source = ArchiveTesting.source(defs, "late");
        ArchiveTesting.createTopic(broker.bootstrapServers(), source, 2);
        Clock nextDay = Clock.fixed(Instant.ofEpochMilli(DAY0 + DAY + DAY / 24), ZoneOffset.UTC);
        Map<ArchiveTesting.Coordinates, Event> produced = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = ArchiveTesting.transactional(broker.bootstrapServers())) {
            try (Archiver archiver = archiver(defs).clock(nextDay).start()) {
                produced.putAll(ArchiveTesting.send(producer, defs, source, ArchiveTesting.events(source, 800, 40, DAY0, DAY), true));
                archived(archiver, root, source, produced.size());
                archiver.compact();
            }
            List<ArchivedFile> sorted = EventArchive.files(root, source);
            assertThat(sorted).as("yesterday, compacted").hasSize(1).allMatch(ArchivedFile::sorted);

            // eight flushes of ten late events each (no compaction meanwhile: its threshold set out of reach)
            try (Archiver archiver = archiver(defs).clock(nextDay).compactAfterFiles(1_000).start()) {
                for (int batch = 0; batch < 8; batch++) {
                    produced.putAll(ArchiveTesting.send(producer, defs, source, ArchiveTesting.events(source, 10, 41 + batch, DAY0, DAY), true));
                    archived(archiver, root, source, produced.size());
                }
            }
            List<ArchivedFile> late = EventArchive.files(root, source).stream().filter(f -> !f.sorted()).toList();
            assertThat(late).hasSizeGreaterThanOrEqualTo(8);

            // 80 rows beside 800: merged into one file, the sorted one stays
            List<ArchivedFile> merged;
            try (Archiver archiver = archiver(defs).clock(nextDay).start()) {
                archiver.compact();
                merged = EventArchive.files(root, source);
                assertThat(merged).containsAll(sorted).hasSize(2);
                assertThat(merged).filteredOn(f -> !f.sorted()).singleElement()
                        .satisfies(f -> assertThat(f.rows()).isEqualTo(80))
                        .satisfies(f -> assertThat(Files.exists(KeyRuns.sidecar(f.path()))).isFalse());
                assertThat(late).allMatch(f -> Files.notExists(f.path()));
                assertThat(leftovers(source)).isEmpty();
                assertThat(ArchiveTesting.readBack(allocator, root, defs, source).keySet()).isEqualTo(produced.keySet());

                // twenty more: 100 new rows are an eighth of 800, so the date is rewritten, sorted, with key runs
                produced.putAll(ArchiveTesting.send(producer, defs, source, ArchiveTesting.events(source, 20, 50, DAY0, DAY), true));
                archived(archiver, root, source, produced.size());
                archiver.compact();
            }
            List<ArchivedFile> rewritten = EventArchive.files(root, source);
            assertThat(rewritten).allMatch(ArchivedFile::sorted).allMatch(ArchivedFile::keyRuns).doesNotContainAnyElementsOf(merged);
            assertThat(merged).allMatch(f -> Files.notExists(f.path()));
            assertThat(leftovers(source)).isEmpty();
            Map<ArchiveTesting.Coordinates, Event> back = ArchiveTesting.readBack(allocator, root, defs, source);
            assertThat(back.keySet()).isEqualTo(produced.keySet());
            produced.forEach((c, e) -> assertThat(back.get(c).toMap()).isEqualTo(e.toMap()));
            assertThat(ArchiveTesting.duckDbCount(root, source)).isEqualTo(produced.size());
        }
    }

    /** An archive compacted before key runs were introduced: its sorted files get them, without being rewritten. */
    @Test
    void sortedFilesWithoutKeyRunsGetThemWithoutBeingRewritten() throws Exception {
        Definitions defs = ArchiveTesting.definitions("older");
        Source source = ArchiveTesting.source(defs, "older");
        ArchiveTesting.createTopic(broker.bootstrapServers(), source, 2);
        Map<ArchiveTesting.Coordinates, Event> produced;
        try (KafkaProducer<byte[], byte[]> producer = ArchiveTesting.transactional(broker.bootstrapServers())) {
            produced = ArchiveTesting.send(producer, defs, source, ArchiveTesting.events(source, 400, 30, DAY0, 2 * DAY), true);
        }
        Clock later = Clock.fixed(Instant.ofEpochMilli(DAY0 + 10 * DAY), ZoneOffset.UTC);
        try (Archiver archiver = archiver(defs).clock(later).start()) {
            archived(archiver, root, source, produced.size());
            archiver.compact();
        }
        // what an older Freshet left: the same sorted files, listed without key runs, none beside them
        Path manifest = EventArchive.directory(root, source).resolve(Manifest.FILE_NAME);
        String json = Files.readString(manifest);
        assertThat(json).contains("\"key_runs\" : true");
        Files.writeString(manifest, json.replaceAll(",\\s*\"key_runs\" : true", ""));
        List<ArchivedFile> older = EventArchive.files(root, source);
        assertThat(older).hasSizeGreaterThanOrEqualTo(2).allMatch(ArchivedFile::sorted).noneMatch(ArchivedFile::keyRuns);
        for (ArchivedFile f : older) {
            Files.delete(KeyRuns.sidecar(f.path()));
        }

        try (Archiver archiver = archiver(defs).clock(later).start()) {
            archiver.compact();
            long dates = older.stream().map(f -> f.path().getParent()).distinct().count();
            assertThat(archiver.compactions()).as("one per date").isEqualTo(dates);
            archiver.compact();
            assertThat(archiver.compactions()).as("done once").isEqualTo(dates);
        }
        List<ArchivedFile> now = EventArchive.files(root, source);
        assertThat(now).allMatch(ArchivedFile::sorted).allMatch(ArchivedFile::keyRuns);
        assertThat(now.stream().map(ArchivedFile::path).toList()).as("the same files")
                .isEqualTo(older.stream().map(ArchivedFile::path).toList());
        RowFiles rowFiles = new RowFiles(allocator, dev.freshet.offline.arrow.ArchiveSchema.of(source), "user_id");
        now.forEach(f -> assertKeyRunsOf(rowFiles, f));
        assertThat(leftovers(source)).isEmpty();
        assertThat(ArchiveTesting.readBack(allocator, root, defs, source).keySet()).isEqualTo(produced.keySet());
    }

    @Test
    void aRecordThatIsNotAnEventStopsTheArchiverNamingIt() throws Exception {
        Definitions defs = ArchiveTesting.definitions("broken");
        Source source = ArchiveTesting.source(defs, "broken");
        String topic = ArchiveTesting.createTopic(broker.bootstrapServers(), source, 1);
        long bad;
        try (KafkaProducer<byte[], byte[]> producer = ArchiveTesting.transactional(broker.bootstrapServers())) {
            ArchiveTesting.send(producer, defs, source, ArchiveTesting.events(source, 5, 20, DAY0, DAY), true);
            producer.beginTransaction();
            var sent = producer.send(new ProducerRecord<>(topic, 0, "u1".getBytes(StandardCharsets.UTF_8),
                    "{\"user_id\": 3}".getBytes(StandardCharsets.UTF_8)));
            producer.flush();
            bad = sent.get().offset();
            producer.commitTransaction();
        }
        try (Archiver archiver = archiver(defs).start()) {
            await("the archiver stops", () -> archiver.failure().isPresent());
            assertThat(archiver.isRunning()).isFalse();
            assertThat(archiver.failure().orElseThrow()).hasMessageContaining(topic + "-0@" + bad).hasMessageContaining("source 'broken'");
            assertThatThrownBy(archiver::flush).isInstanceOf(IllegalStateException.class);
        }
        assertThat(EventArchive.rows(root, source)).as("nothing is committed: the clock never says flush").isZero();
    }

    @Test
    void settingsAreCheckedWithClearMessages() {
        Definitions defs = ArchiveTesting.definitions("clicks");
        assertThatThrownBy(() -> Archiver.settings().definitions(defs).start()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("missing: bootstrapServers root");
        assertThatThrownBy(() -> Archiver.settings().maxRowsPerFile(0)).hasMessageContaining("maxRowsPerFile must be at least 1, not 0");
        assertThatThrownBy(() -> Archiver.settings().consumerOverride("isolation.level", "read_uncommitted"))
                .hasMessageContaining("read_committed");
        Source other = ArchiveTesting.source(ArchiveTesting.definitions("other"), "other");
        assertThatThrownBy(() -> archiver(defs).sources(List.of(other)).start()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source 'other' is not a source of the definitions [clicks]");
    }

    /** The key runs beside a sorted file: each entity's rows, in the file's order, one run per entity. */
    private static void assertKeyRunsOf(RowFiles rowFiles, ArchivedFile f) {
        List<String> keys = rowFiles.readAll(f.path()).stream().map(r -> r.event().key().value()).toList();
        KeyRuns runs = KeyRuns.read(f.path(), f.rows());
        List<String> expanded = new java.util.ArrayList<>();
        for (int i = 0; i < runs.runs(); i++) {
            assertThat(i == 0 || runs.key(i).compareTo(runs.key(i - 1)) > 0).as("run %d of %s follows the one before", i, f.path())
                    .isTrue();
            expanded.addAll(java.util.Collections.nCopies((int) runs.rowCount(i), runs.key(i)));
        }
        assertThat(expanded).as("the key runs of %s", f.path()).isEqualTo(keys);
    }

    /** Parquet files the manifest does not list, and staging leftovers, in a source's directory. */
    private List<Path> leftovers(Source source) throws java.io.IOException {
        return ArchiveTesting.leftovers(root, source);
    }

    /** What a test's crash point throws: an Error, so that no cleanup meant for ordinary failures runs, as in a real crash. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(CrashPoint.Stage stage) {
            super("simulated crash at " + stage);
        }
    }
}
