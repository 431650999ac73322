package dev.freshet.offline.archive;

import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Source;
import dev.freshet.core.event.Event;
import dev.freshet.core.error.CorruptDataException;



import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;




import org.junit.jupiter.api.Test;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.freshet.offline.archive.ArchiveTesting.DAY;
import static dev.freshet.offline.archive.ArchiveTesting.DAY0;
import static dev.freshet.offline.archive.ArchiveTesting.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An {@link ArchivedStream} (a topic that is not a source's events, decoded by its own decoder) archived
 * beside a source, against the embedded broker: exactly once, by date, across crashes of its commits,
 * compacted by time; and a record its decoder refuses stops the archiver, as a bad canonical event does.
 */
class ArchivedStreamTest extends ArchiverTestBase {

    private ArchiverSettings archiver(Definitions defs, ArchivedStream stream) {
        return Archiver.settings().bootstrapServers(broker.bootstrapServers()).definitions(defs).stream(stream).root(root)
                .clock(EARLY).random(new SplittableRandom(7)).allocator(allocator);
    }

    /** Flushes until both archives hold what was produced and the archiver has read everything, then once more (past the markers). */
    private void archived(Archiver archiver, Source source, long events, ArchivedStream stream, long ratings) throws InterruptedException {
        await(events + " events and " + ratings + " ratings are archived", () -> {
            archiver.flush();
            return EventArchive.rows(root, source) == events && EventArchive.rows(root, stream.source()) == ratings;
        });
        await("the lag is 0", () -> archiver.lag() == 0);
        archiver.flush();
    }

    @Test
    void aStreamIsArchivedOnceBesideTheSourceAndCompactedByTime() throws Exception {
        Definitions defs = ArchiveTesting.definitions("rated");
        Source clicks = ArchiveTesting.source(defs, "rated");
        ArchivedStream stream = ArchiveTesting.ratingsStream("ratings");
        ArchiveTesting.createTopic(broker.bootstrapServers(), clicks, 2);
        ArchiveTesting.createTopic(broker.bootstrapServers(), stream.topic(), 3);
        Map<ArchiveTesting.Coordinates, Event> events = new HashMap<>();
        Map<ArchiveTesting.Coordinates, Event> ratings = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = ArchiveTesting.transactional(broker.bootstrapServers());
             Archiver archiver = archiver(defs, stream).maxRowsPerFile(60).compactAfterFiles(1_000).start()) {
            events.putAll(ArchiveTesting.send(producer, defs, clicks, ArchiveTesting.events(clicks, 300, 1, DAY0, 2 * DAY), true));
            ratings.putAll(ArchiveTesting.send(producer, stream, ArchiveTesting.ratings(stream, 400, 2, DAY0, 3 * DAY), true));
            ArchiveTesting.send(producer, stream, ArchiveTesting.ratings(stream, 100, 3, DAY0, 3 * DAY), false);
            ratings.putAll(ArchiveTesting.send(producer, stream, ArchiveTesting.ratings(stream, 200, 4, DAY0 - DAY, 2 * DAY), true));
            archived(archiver, clicks, events.size(), stream, ratings.size());
            assertThat(archiver.rowsArchived()).containsEntry("rated", (long) events.size()).containsEntry("ratings", (long) ratings.size());
        }
        assertThat(EventArchive.directory(root, stream.source())).isEqualTo(root.resolve("events").resolve("ratings").toAbsolutePath());
        Map<ArchiveTesting.Coordinates, Event> back = ArchiveTesting.readBack(allocator, root, stream);
        assertThat(back.keySet()).isEqualTo(ratings.keySet());
        ratings.forEach((c, e) -> assertThat(back.get(c).toMap()).as("rating at %s", c).isEqualTo(e.toMap()));
        assertThat(ArchiveTesting.duckDbCount(root, stream.source())).isEqualTo(ratings.size());
        assertThat(ArchiveTesting.readBack(allocator, root, defs, clicks).keySet()).isEqualTo(events.keySet());
        // the stream's offsets are its topic's, past every committed rating, the markers and the aborted ones
        Map<Integer, Long> offsets = EventArchive.offsets(root, stream.source());
        assertThat(offsets).containsOnlyKeys(0, 1, 2);
        for (int p = 0; p < 3; p++) {
            int partition = p;
            long last = ratings.keySet().stream().filter(c -> c.partition() == partition).mapToLong(ArchiveTesting.Coordinates::offset)
                    .max().orElseThrow();
            assertThat(offsets.get(p)).as("next offset of partition %d", p).isGreaterThan(last + 1);
        }

        // ten days later every date is past: compaction merges each into files sorted by time (the stream is unkeyed)
        List<ArchivedFile> small = EventArchive.files(root, stream.source());
        assertThat(small).hasSizeGreaterThan(4).noneMatch(ArchivedFile::sorted);
        Clock later = Clock.fixed(Instant.ofEpochMilli(DAY0 + 10 * DAY), ZoneOffset.UTC);
        try (Archiver archiver = archiver(defs, stream).clock(later).start()) {
            archiver.compact();
        }
        assertThat(EventArchive.files(root, stream.source())).allMatch(ArchivedFile::sorted).hasSize(4);
        assertThat(EventArchive.offsets(root, stream.source())).isEqualTo(offsets);
        Map<ArchiveTesting.Coordinates, Event> compacted = ArchiveTesting.readBack(allocator, root, stream);
        assertThat(compacted.keySet()).isEqualTo(ratings.keySet());
        ratings.forEach((c, e) -> assertThat(compacted.get(c).toMap()).as("rating at %s", c).isEqualTo(e.toMap()));
    }

    @Test
    void aRecordTheDecoderRefusesStopsTheArchiverNamingIt() throws Exception {
        Definitions defs = ArchiveTesting.definitions("refused");
        Source clicks = ArchiveTesting.source(defs, "refused");
        ArchivedStream stream = ArchiveTesting.ratingsStream("refused_ratings");
        ArchiveTesting.createTopic(broker.bootstrapServers(), clicks, 1);
        String topic = ArchiveTesting.createTopic(broker.bootstrapServers(), stream.topic(), 1);
        long bad;
        try (KafkaProducer<byte[], byte[]> producer = ArchiveTesting.transactional(broker.bootstrapServers())) {
            ArchiveTesting.send(producer, defs, clicks, ArchiveTesting.events(clicks, 5, 20, DAY0, DAY), true);
            ArchiveTesting.send(producer, stream, ArchiveTesting.ratings(stream, 5, 21, DAY0, DAY), true);
            producer.beginTransaction();
            var sent = producer.send(new ProducerRecord<>(topic, 0, "r-bad".getBytes(StandardCharsets.UTF_8),
                    "{\"rating_id\": \"r-bad\", \"stars\": \"many\"}".getBytes(StandardCharsets.UTF_8)));
            producer.flush();
            bad = sent.get().offset();
            producer.commitTransaction();
            ArchiveTesting.send(producer, stream, ArchiveTesting.ratings(stream, 5, 22, DAY0, DAY), true);
        }
        try (Archiver archiver = archiver(defs, stream).start()) {
            await("the archiver stops", () -> archiver.failure().isPresent());
            assertThat(archiver.isRunning()).isFalse();
            assertThat(archiver.failure().orElseThrow()).isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining(topic + "-0@" + bad).hasMessageContaining("archive 'refused_ratings'")
                    .hasMessageContaining("stars");
            assertThatThrownBy(archiver::flush).isInstanceOf(IllegalStateException.class);
        }
        // not skipped: nothing past the last commit is, neither the stream's nor the source's beside it
        assertThat(EventArchive.rows(root, stream.source())).isZero();
        assertThat(EventArchive.offsets(root, stream.source())).isEmpty();
        assertThat(EventArchive.rows(root, clicks)).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = CrashPoint.Stage.class, names = {"FILES_WRITTEN", "MANIFEST_STAGED"})
    void aCrashWhileCommittingTheStreamNeitherLosesNorDuplicatesItsRows(CrashPoint.Stage stage) throws Exception {
        String name = "stream_crash_" + stage.name().toLowerCase();
        Definitions defs = ArchiveTesting.definitions(name);
        Source clicks = ArchiveTesting.source(defs, name);
        ArchivedStream stream = ArchiveTesting.ratingsStream(name + "_ratings");
        ArchiveTesting.createTopic(broker.bootstrapServers(), clicks, 2);
        ArchiveTesting.createTopic(broker.bootstrapServers(), stream.topic(), 2);
        Map<ArchiveTesting.Coordinates, Event> events = new HashMap<>();
        Map<ArchiveTesting.Coordinates, Event> ratings = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = ArchiveTesting.transactional(broker.bootstrapServers())) {
            events.putAll(ArchiveTesting.send(producer, defs, clicks, ArchiveTesting.events(clicks, 100, 30, DAY0, 2 * DAY), true));
            ratings.putAll(ArchiveTesting.send(producer, stream, ArchiveTesting.ratings(stream, 400, 31, DAY0, 2 * DAY), true));
            try (Archiver archiver = archiver(defs, stream).start()) {
                archived(archiver, clicks, events.size(), stream, ratings.size());
            }
            events.putAll(ArchiveTesting.send(producer, defs, clicks, ArchiveTesting.events(clicks, 50, 32, DAY0, 2 * DAY), true));
            ratings.putAll(ArchiveTesting.send(producer, stream, ArchiveTesting.ratings(stream, 300, 33, DAY0, 2 * DAY), true));
            // only the stream's commit crashes; the source's, before it in the same flush, goes through
            Archiver crashing = archiver(defs, stream).crashPoint((s, archive) -> {
                if (s == stage && archive.equals(stream.source().name())) {
                    throw new ArchiverTest.SimulatedCrash(s);
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
            assertThat(crashing.failure()).containsInstanceOf(ArchiverTest.SimulatedCrash.class);
            assertThat(EventArchive.rows(root, stream.source())).as("the crashed commit is not visible").isEqualTo(400);
            assertThat(ArchiveTesting.leftovers(root, stream.source())).as("what the crash left").isNotEmpty();

            ratings.putAll(ArchiveTesting.send(producer, stream, ArchiveTesting.ratings(stream, 200, 34, DAY0, 2 * DAY), true));
            try (Archiver restarted = archiver(defs, stream).start()) {
                assertThat(ArchiveTesting.leftovers(root, stream.source())).as("orphans are deleted on open").isEmpty();
                archived(restarted, clicks, events.size(), stream, ratings.size());
            }
        }
        Map<ArchiveTesting.Coordinates, Event> back = ArchiveTesting.readBack(allocator, root, stream);
        assertThat(back.keySet()).isEqualTo(ratings.keySet());
        ratings.forEach((c, e) -> assertThat(back.get(c).toMap()).as("rating at %s", c).isEqualTo(e.toMap()));
        assertThat(ArchiveTesting.duckDbCount(root, stream.source())).isEqualTo(ratings.size());
        assertThat(ArchiveTesting.readBack(allocator, root, defs, clicks).keySet()).isEqualTo(events.keySet());
    }

    /** A regression test: with no topic to assign, the consumer refused to poll and the archiver stopped. */
    @Test
    void anArchiverStartedBeforeItsTopicsExistWaitsForThem() throws Exception {
        Definitions defs = ArchiveTesting.definitions("early");
        Source clicks = ArchiveTesting.source(defs, "early");
        ArchivedStream stream = ArchiveTesting.ratingsStream("early_ratings");
        try (KafkaProducer<byte[], byte[]> producer = ArchiveTesting.transactional(broker.bootstrapServers());
             Archiver archiver = archiver(defs, stream).start()) {
            archiver.flush();
            Thread.sleep(1_500); // past the first rediscovery
            archiver.flush();
            assertThat(archiver.failure()).isEmpty();
            ArchiveTesting.createTopic(broker.bootstrapServers(), stream.topic(), 2);
            Map<ArchiveTesting.Coordinates, Event> ratings = ArchiveTesting.send(producer, stream,
                    ArchiveTesting.ratings(stream, 50, 40, DAY0, DAY), true);
            await("the ratings are archived", () -> {
                archiver.flush();
                return EventArchive.rows(root, stream.source()) == ratings.size();
            });
            assertThat(ArchiveTesting.readBack(allocator, root, stream).keySet()).isEqualTo(ratings.keySet());
            assertThat(EventArchive.rows(root, clicks)).isZero();
        }
    }

    @Test
    void aStreamMustNotShareANameOrATopic() {
        Definitions defs = ArchiveTesting.definitions("clashing");
        ArchivedStream stream = ArchiveTesting.ratingsStream("clashing_ratings");
        assertThatThrownBy(() -> Archiver.settings().stream(stream).stream(ArchiveTesting.ratingsStream("clashing_ratings")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stream 'clashing_ratings' was already added");
        assertThatThrownBy(() -> archiver(defs, ArchiveTesting.ratingsStream("clashing")).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stream 'clashing' has the name of a source");
        ArchivedStream onTheEventsTopic = new ArchivedStream(stream.source(), "freshet.events.clashing", stream.decoder());
        assertThatThrownBy(() -> archiver(defs, onTheEventsTopic).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream 'clashing_ratings' reads freshet.events.clashing, which source 'clashing' is archived from");
        ArchivedStream sameTopic = new ArchivedStream(ArchiveTesting.ratingsStream("other_ratings").source(), stream.topic(), stream.decoder());
        assertThatThrownBy(() -> archiver(defs, stream).stream(sameTopic).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream 'other_ratings' reads ratings.clashing_ratings, which stream 'clashing_ratings' is archived from");
    }
}
