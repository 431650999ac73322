package dev.freshet.offline.archive;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.definition.Source;
import dev.freshet.core.definition.SourceFormat;
import dev.freshet.core.event.Event;
import dev.freshet.core.event.EventJson;
import dev.freshet.core.testing.ExampleYaml;
import dev.freshet.ingest.topic.TopicAdmin;
import dev.freshet.ingest.topic.TopicSpec;
import dev.freshet.offline.arrow.ArchiveSchema;
import dev.freshet.offline.arrow.EventColumns;
import dev.freshet.offline.arrow.ParquetFiles;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the archive tests share: definitions with a named clicks source, a stream of ratings archived beside it,
 * producing canonical events and ratings, reading the archive back.
 */
final class ArchiveTesting {

    /** 2023-11-14T00:00:00Z: events start here and span a few UTC days. */
    static final long DAY0 = 1_699_920_000_000L;
    static final long DAY = 86_400_000L;

    private ArchiveTesting() {
    }

    /** The example definitions with the clicks source renamed, so that each test has its own events topic. */
    static Definitions definitions(String source) {
        String yaml = ExampleYaml.SHOP.replace("- name: clicks", "- name: " + source).replace("topic: clicks", "topic: raw_" + source)
                .replace("source: clicks", "source: " + source);
        return FreshetConfig.parse(yaml, "test.yaml").definitions();
    }

    static Source source(Definitions defs, String name) {
        return defs.source(name).orElseThrow();
    }

    static String createTopic(String bootstrap, Source source, int partitions) {
        return createTopic(bootstrap, EventArchive.topic(source), partitions);
    }

    static String createTopic(String bootstrap, String topic, int partitions) {
        try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
            admin.ensure(List.of(new TopicSpec(topic, partitions, OptionalInt.of(1), Map.of(), "events")));
        }
        return topic;
    }

    static KafkaProducer<byte[], byte[]> transactional(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-" + UUID.randomUUID());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        return producer;
    }

    /** Random clicks with event times from {@code from} over {@code span} ms, some values null. */
    static List<Event> events(Source source, int n, long seed, long from, long span) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long ts = from + random.nextLong(span);
            String user = "u" + random.nextInt(40);
            out.add(Event.builder(source.schema()).key(user).timestamp(ts).set("user_id", user).set("ts", ts)
                    .set("item_id", random.nextInt(8) == 0 ? null : "item-" + random.nextInt(500))
                    .set("price", random.nextInt(8) == 0 ? null : Math.round(random.nextDouble() * 10_000) / 100.0).build());
        }
        return out;
    }

    /**
     * A stream of ratings archived under {@code name}, read from {@code ratings.<name>}: not a source of the
     * definitions, unkeyed, each record a JSON object of the schema ({@link #ratings(ArchivedStream, int, long, long, long)}).
     */
    static ArchivedStream ratingsStream(String name) {
        Source source = new Source(name, "ratings." + name, SourceFormat.JSON, "ts", Schema.of(new Field("rating_id", FieldType.STRING),
                new Field("user_id", FieldType.STRING), new Field("stars", FieldType.LONG), new Field("ts", FieldType.TIMESTAMP)));
        EventJson json = EventJson.of(source, null);
        return new ArchivedStream(source, source.topic(), json::decode);
    }

    /** Random ratings of a stream from {@link #ratingsStream}, with times from {@code from} over {@code span} ms. */
    static List<Event> ratings(ArchivedStream stream, int n, long seed, long from, long span) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long ts = from + random.nextLong(span);
            out.add(Event.builder(stream.source().schema()).key("").timestamp(ts).set("rating_id", "r" + seed + "-" + i)
                    .set("user_id", "u" + random.nextInt(40)).set("stars", (long) random.nextInt(1, 6)).set("ts", ts).build());
        }
        return out;
    }

    /** Where a produced event landed. */
    record Coordinates(int partition, long offset) {
    }

    /**
     * Sends events in one transaction, committed or aborted.
     *
     * @return where each one landed, when committed; empty when aborted
     */
    static Map<Coordinates, Event> send(KafkaProducer<byte[], byte[]> producer, Definitions defs, Source source, List<Event> events,
                                       boolean commit) {
        return send(producer, EventArchive.topic(source), EventJson.of(defs, source), events, commit);
    }

    /** Sends ratings to a stream's topic in one transaction; see {@link #send(KafkaProducer, Definitions, Source, List, boolean)}. */
    static Map<Coordinates, Event> send(KafkaProducer<byte[], byte[]> producer, ArchivedStream stream, List<Event> events, boolean commit) {
        return send(producer, stream.topic(), EventJson.of(stream.source(), null), events, commit);
    }

    private static Map<Coordinates, Event> send(KafkaProducer<byte[], byte[]> producer, String topic, EventJson json, List<Event> events,
                                               boolean commit) {
        producer.beginTransaction();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (Event e : events) {
            // a rating, unkeyed, goes by its id, as outcomes go by their decision's
            String key = json.keyField().isPresent() ? e.key().value() : String.valueOf(e.get(0));
            sent.add(producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), json.encode(e))));
        }
        producer.flush();
        if (!commit) {
            producer.abortTransaction();
            return Map.of();
        }
        producer.commitTransaction();
        Map<Coordinates, Event> out = new HashMap<>();
        try {
            for (int i = 0; i < events.size(); i++) {
                RecordMetadata m = sent.get(i).get();
                out.put(new Coordinates(m.partition(), m.offset()), events.get(i));
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    /** Every archived row by its coordinates, failing on a duplicate; also checks each file's date partition and stats. */
    static Map<Coordinates, Event> readBack(BufferAllocator allocator, Path root, Definitions defs, Source source) {
        return readBack(allocator, root, source, EventJson.of(defs, source).keyField().orElse(null));
    }

    /** The rows of an archived stream, unkeyed; see {@link #readBack(BufferAllocator, Path, Definitions, Source)}. */
    static Map<Coordinates, Event> readBack(BufferAllocator allocator, Path root, ArchivedStream stream) {
        return readBack(allocator, root, stream.source(), null);
    }

    private static Map<Coordinates, Event> readBack(BufferAllocator allocator, Path root, Source source, String keyField) {
        Map<Coordinates, Event> out = new HashMap<>();
        ArchiveSchema layout = ArchiveSchema.of(source);
        EventColumns columns = new EventColumns(layout, keyField);
        for (ArchivedFile f : EventArchive.files(root, source)) {
            assertThat(f.path()).isAbsolute().exists();
            String date = f.path().getParent().getFileName().toString();
            long rows = 0;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            List<ArchivedRow> inFile = new ArrayList<>();
            try (ParquetFiles.Scan scan = ParquetFiles.scan(allocator, List.of(f.path()), Optional.empty(), 1000)) {
                while (scan.next()) {
                    columns.bind(scan.root());
                    for (int r = 0; r < columns.rowCount(); r++) {
                        Event e = columns.event(r);
                        Coordinates c = new Coordinates(columns.partition(r), columns.offset(r));
                        assertThat(out.put(c, e)).as("row %s archived twice", c).isNull();
                        assertThat(date).as("date partition of %s", e).isEqualTo("date=" + java.time.LocalDate.ofInstant(
                                java.time.Instant.ofEpochMilli(e.timestamp()), java.time.ZoneOffset.UTC));
                        rows++;
                        min = Math.min(min, e.timestamp());
                        max = Math.max(max, e.timestamp());
                        inFile.add(new ArchivedRow(e, c.partition(), c.offset()));
                    }
                }
            }
            assertThat(rows).as("rows of %s", f).isEqualTo(f.rows());
            assertThat(min).isEqualTo(f.minEventTime());
            assertThat(max).isEqualTo(f.maxEventTime());
            if (f.sorted()) {
                assertThat(inFile).as("%s is sorted", f).isSortedAccordingTo(ArchivedRow.ORDER);
            }
        }
        return out;
    }

    /** The rows DuckDB reads with a plain glob over the source's date directories. */
    static long duckDbCount(Path root, Source source) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select count(*), count(distinct (_freshet_partition, _freshet_offset)) from read_parquet('"
                     + EventArchive.directory(root, source) + "/*/*.parquet')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(2)).as("distinct coordinates").isEqualTo(rs.getLong(1));
            return rs.getLong(1);
        }
    }

    /**
     * Parquet files the manifest does not list, key runs of files it does not list with them, and staging leftovers, in a
     * source's (or stream's) directory.
     */
    static List<Path> leftovers(Path root, Source source) throws IOException {
        Path dir = EventArchive.directory(root, source);
        List<ArchivedFile> files = EventArchive.files(root, source);
        Set<Path> listed = files.stream().map(ArchivedFile::path).collect(Collectors.toSet());
        Set<Path> keyRuns = files.stream().filter(ArchivedFile::keyRuns).map(f -> KeyRuns.sidecar(f.path())).collect(Collectors.toSet());
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> !p.equals(dir)).filter(p -> p.getFileName().toString().startsWith(".tmp-")
                    || (p.toString().endsWith(".parquet") && !listed.contains(p))
                    || (KeyRuns.isSidecar(p.getFileName().toString()) && !keyRuns.contains(p))).toList();
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
