package dev.freshet.offline.archive;

import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Source;
import dev.freshet.core.event.Event;
import dev.freshet.ingest.broker.EmbeddedKafka;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.freshet.offline.archive.ArchiveTesting.DAY;
import static dev.freshet.offline.archive.ArchiveTesting.DAY0;
import static dev.freshet.offline.archive.ArchiveTesting.await;
import static org.assertj.core.api.Assertions.assertThat;

/** "Kill it mid-stream, restart: row counts equal the events produced, no duplicates", with a real kill of a real process. */
class ArchiverKillTest {

    @TempDir
    Path brokerDir;
    @TempDir
    Path root;

    @Test
    void anArchiverKilledMidStreamAndRestartedArchivesEveryEventOnce() throws Exception {
        Definitions defs = ArchiveTesting.definitions("killed");
        Source source = ArchiveTesting.source(defs, "killed");
        Map<ArchiveTesting.Coordinates, Event> produced = new HashMap<>();
        try (EmbeddedKafka broker = EmbeddedKafka.start(0, brokerDir);
             KafkaProducer<byte[], byte[]> producer = ArchiveTesting.transactional(broker.bootstrapServers());
             BufferAllocator allocator = new RootAllocator()) {
            ArchiveTesting.createTopic(broker.bootstrapServers(), source, 3);
            Process child = archiverProcess(broker.bootstrapServers(), "killed");
            try {
                // produce while the child archives, until it has committed a good part, then kill it mid-stream
                int batch = 0;
                while (EventArchive.rows(root, source) < 3_000) {
                    assertThat(child.isAlive()).as("the archiver process runs (see %s)", root.resolve("child.log")).isTrue();
                    assertThat(batch).as("batches produced before the child archived 3000 rows").isLessThan(2_000);
                    produced.putAll(ArchiveTesting.send(producer, defs, source,
                            ArchiveTesting.events(source, 100, batch, DAY0 + (batch % 5) * DAY / 2, 2 * DAY), batch % 7 != 3));
                    batch++;
                }
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                child.destroyForcibly();
            }
            long atKill = EventArchive.rows(root, source);
            assertThat(atKill).isLessThan(produced.size());
            for (int b = 0; b < 10; b++) {
                produced.putAll(ArchiveTesting.send(producer, defs, source, ArchiveTesting.events(source, 100, 10_000 + b, DAY0, DAY), true));
            }
            try (Archiver restarted = Archiver.settings().bootstrapServers(broker.bootstrapServers()).definitions(defs).root(root)
                    .allocator(allocator).compactAfterFiles(6).start()) {
                await(produced.size() + " rows are archived", () -> {
                    restarted.flush();
                    return EventArchive.rows(root, source) >= produced.size();
                });
            }
            Map<ArchiveTesting.Coordinates, Event> back = ArchiveTesting.readBack(allocator, root, defs, source);
            assertThat(back).hasSize(produced.size());
            assertThat(back.keySet()).isEqualTo(produced.keySet());
            assertThat(ArchiveTesting.duckDbCount(root, source)).isEqualTo(produced.size());
        }
    }

    @Test
    void anArchivedStreamBesideTheSourceIsArchivedOnceAcrossAKill() throws Exception {
        Definitions defs = ArchiveTesting.definitions("killed");
        Source source = ArchiveTesting.source(defs, "killed");
        ArchivedStream stream = ArchiveTesting.ratingsStream("killed_ratings");
        Map<ArchiveTesting.Coordinates, Event> events = new HashMap<>();
        Map<ArchiveTesting.Coordinates, Event> ratings = new HashMap<>();
        try (EmbeddedKafka broker = EmbeddedKafka.start(0, brokerDir);
             KafkaProducer<byte[], byte[]> producer = ArchiveTesting.transactional(broker.bootstrapServers());
             BufferAllocator allocator = new RootAllocator()) {
            ArchiveTesting.createTopic(broker.bootstrapServers(), source, 2);
            ArchiveTesting.createTopic(broker.bootstrapServers(), stream.topic(), 3);
            Process child = archiverProcess(broker.bootstrapServers(), "killed", "killed_ratings");
            try {
                // ratings mostly, some events beside them, some transactions aborted; kill once a good part is committed
                int batch = 0;
                while (EventArchive.rows(root, stream.source()) < 3_000) {
                    assertThat(child.isAlive()).as("the archiver process runs (see %s)", root.resolve("child.log")).isTrue();
                    assertThat(batch).as("batches produced before the child archived 3000 ratings").isLessThan(2_000);
                    ratings.putAll(ArchiveTesting.send(producer, stream,
                            ArchiveTesting.ratings(stream, 100, batch, DAY0 + (batch % 5) * DAY / 2, 2 * DAY), batch % 7 != 3));
                    if (batch % 3 == 0) {
                        events.putAll(ArchiveTesting.send(producer, defs, source, ArchiveTesting.events(source, 50, batch, DAY0, 2 * DAY), true));
                    }
                    batch++;
                }
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                child.destroyForcibly();
            }
            assertThat(EventArchive.rows(root, stream.source())).isLessThan(ratings.size());
            for (int b = 0; b < 10; b++) {
                ratings.putAll(ArchiveTesting.send(producer, stream, ArchiveTesting.ratings(stream, 100, 10_000 + b, DAY0, DAY), true));
            }
            try (Archiver restarted = Archiver.settings().bootstrapServers(broker.bootstrapServers()).definitions(defs).stream(stream)
                    .root(root).allocator(allocator).compactAfterFiles(6).start()) {
                await(ratings.size() + " ratings and " + events.size() + " events are archived", () -> {
                    restarted.flush();
                    return EventArchive.rows(root, stream.source()) >= ratings.size() && EventArchive.rows(root, source) >= events.size();
                });
            }
            Map<ArchiveTesting.Coordinates, Event> back = ArchiveTesting.readBack(allocator, root, stream);
            assertThat(back).hasSize(ratings.size());
            assertThat(back.keySet()).isEqualTo(ratings.keySet());
            ratings.forEach((c, e) -> assertThat(back.get(c).toMap()).as("rating at %s", c).isEqualTo(e.toMap()));
            assertThat(ArchiveTesting.duckDbCount(root, stream.source())).isEqualTo(ratings.size());
            assertThat(ArchiveTesting.readBack(allocator, root, defs, source).keySet()).isEqualTo(events.keySet());
        }
    }

    private Process archiverProcess(String bootstrap, String... archives) throws java.io.IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // the JVM flags this test runs with (--add-opens=java.base/java.nio=ALL-UNNAMED for Arrow, and the like)
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc-unsafe")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), ArchiverProcess.class.getName(),
                bootstrap, root.toString()));
        command.addAll(List.of(archives));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(root.resolve("child.log").toFile()).start();
    }
}
