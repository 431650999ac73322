package dev.freshet.app.cli;

import dev.freshet.app.api.MutableClock;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.offline.archive.ArchivedFile;
import dev.freshet.offline.archive.EventArchive;
import dev.freshet.offline.arrow.ParquetFiles;
import dev.freshet.offline.join.TrainingSetRequest;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.Text;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 5's consistency property: for a random event stream fed through the real pipeline of
 * {@code freshet run} (embedded broker, exactly once), the value the online store serves at a time
 * {@code t} equals the point-in-time value at {@code t} that {@code freshet training-set} computes from
 * the Parquet archive, for every aggregation function, and the Arrow Flight server streams the same
 * rows. The events arrive in rounds; after each round the test looks features up at several times
 * after it (so windows slide and decay between lookups), and only events before the lookup time are
 * in the store then, as the online/offline agreement requires. Raw events of a user go to several raw
 * partitions, so they reach the tiles out of time order, with ties in time; prices are arbitrary
 * doubles, so sums agree only if both sides add in the same (log) order.
 */
class OnlineOfflineConsistencyTest {

    private static final Duration START = Duration.ofSeconds(90);
    private static final long MINUTE = 60_000;
    private static final int USERS = 6;
    private static final int ROUNDS = 4;
    private static final int EVENTS_PER_ROUND = 120;
    private static final int LOOKUPS_PER_ROUND = 4;

    @TempDir
    Path dir;

    static String yaml(Path dir, int kafkaPort, int apiPort, int flightPort) {
        return """
                project: consistency
                kafka: {embedded: {port: %d, data_dir: "%s"}, partitions: 3}
                streams: {state_dir: "%s"}
                online_store: {type: rocksdb, path: "%s"}
                offline_store: {path: "%s", flush_interval: 200ms, flight: {port: %d}}
                api: {port: %d}
                entities:
                  - {name: user, join_key: user_id}
                sources:
                  - name: clicks
                    topic: clicks
                    timestamp_field: ts
                    schema: {user_id: string, item_id: string, price: double, qty: long, promo: boolean, ts: timestamp}
                feature_views:
                  - name: activity
                    entity: user
                    source: clicks
                    tile: 1m
                    ttl: 25m
                    features:
                      - {name: n_5m, function: count, window: 5m}
                      - {name: n_total, function: count}
                      - {name: spend_10m, function: sum, field: price, window: 10m}
                      - {name: spend_total, function: sum, field: price}
                      - {name: qty_1h, function: sum, field: qty, window: 1h}
                      - {name: min_price_10m, function: min, field: price, window: 10m}
                      - {name: max_qty_1h, function: max, field: qty, window: 1h}
                      - {name: avg_price_1h, function: avg, field: price, window: 1h}
                      - {name: last_item, function: last, field: item_id}
                      - {name: first_item_1h, function: first, field: item_id, window: 1h}
                      - {name: last_promo, function: last, field: promo}
                      - {name: last_qty_5m, function: last, field: qty, window: 5m}
                      - {name: items_1h, function: count_distinct, field: item_id, window: 1h}
                      - {name: p90_price_1h, function: quantile, field: price, window: 1h, quantile: 0.9}
                  - name: coarse
                    entity: user
                    source: clicks
                    tile: 5m
                    features:
                      - {name: n_15m, function: count, window: 15m}
                      - {name: max_price_15m, function: max, field: price, window: 15m}
                """.formatted(kafkaPort, dir.resolve("kafka"), dir.resolve("streams"), dir.resolve("online"), dir.resolve("offline"),
                flightPort, apiPort);
    }

    @Test
    void onlineValuesEqualPointInTimeValuesFromTheArchive() throws Exception {
        int apiPort = Examples.freePort();
        int flightPort = Examples.freePort();
        int kafkaPort = Examples.freePort();
        String yaml = yaml(dir, kafkaPort, apiPort, flightPort);
        String config = Examples.write(dir, "freshet.yaml", yaml);
        FreshetConfig loaded = FreshetConfig.parse(yaml, "freshet.yaml");
        List<FeatureRef> refs = new ArrayList<>();
        for (FeatureView view : loaded.definitions().featureViews()) {
            for (FeatureDefinition f : view.features()) {
                refs.add(new FeatureRef(view.name(), f.name()));
            }
        }
        List<String> users = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            users.add("u" + u);
        }
        users.add("ghost"); // never has an event

        SplittableRandom random = new SplittableRandom(42);
        // event times well inside retention (longest window 1h + the default 1h grace) and not in the future
        long start = (System.currentTimeMillis() - Duration.ofHours(4).toMillis()) / MINUTE * MINUTE;
        MutableClock clock = new MutableClock(start);
        String url = "http://127.0.0.1:" + apiPort;
        List<String[]> spine = new ArrayList<>();           // user, time as ISO text, label
        List<Map<String, Object>> online = new ArrayList<>(); // per spine row: feature name -> value
        long produced = 0;
        try (BackgroundRun run = BackgroundRun.start(clock, "--config", config, "--status-interval", "200ms")) {
            run.awaitRunning(START);
            assertThat(run.out()).contains("Arrow Flight server listening on grpc://127.0.0.1:" + flightPort);
            long roundStart = start;
            for (int round = 0; round < ROUNDS; round++) {
                long roundEnd = roundStart + (8 + random.nextInt(8)) * MINUTE + random.nextInt(60_000);
                List<String> lines = events(random, roundStart, roundEnd);
                send("127.0.0.1:" + kafkaPort, lines);
                produced += lines.size();
                // every lookup below is at or after roundEnd: the store then holds exactly the events before it
                awaitTotal(url, clock, roundEnd, users, produced, inCoarseWindow(lines, roundEnd));
                for (int l = 0; l < LOOKUPS_PER_ROUND; l++) {
                    // up to 30 minutes later: windows decay, the activity view's 25m ttl passes (OUTSIDE_MAX_AGE) and
                    // the coarse view's tiles expire (NOT_FOUND) for users quiet since early in the round
                    long t = l == 0 ? roundEnd : roundEnd + random.nextLong(30 * MINUTE);
                    clock.set(t);
                    Map<String, List<Object>> values = OnlineLookup.lookup(url, refs, users);
                    for (int u = 0; u < users.size(); u++) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (Map.Entry<String, List<Object>> column : values.entrySet()) {
                            row.put(column.getKey(), column.getValue().get(u));
                        }
                        online.add(row);
                        spine.add(new String[]{users.get(u), iso(t, random), Integer.toString(random.nextInt(2))});
                    }
                }
                // the next round's events all come after every lookup time of this one
                roundStart = roundEnd + 31 * MINUTE;
            }
            awaitArchived(loaded, produced);
            // the stream covered every status, not only PRESENT: known users past the ttl, and past the coarse horizon
            List<Map<String, Object>> known = new ArrayList<>();
            for (int i = 0; i < online.size(); i++) {
                if (!spine.get(i)[0].equals("ghost")) {
                    known.add(online.get(i));
                }
            }
            assertThat(known).as("a known user outside the activity view's ttl").anyMatch(row -> row.get("n_total") == null);
            assertThat(known).as("a known user inside the ttl whose coarse tiles expired")
                    .anyMatch(row -> row.get("n_total") != null && row.get("n_15m") == null);
            assertThat(known).as("a known user with an empty 5-minute window").anyMatch(row -> Long.valueOf(0).equals(row.get("n_5m")));

            // spine rows in random order: the training set must come back in spine order all the same
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < spine.size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, new java.util.Random(7));
            StringBuilder csv = new StringBuilder("user_id,ts,label\n");
            List<Map<String, Object>> expected = new ArrayList<>();
            for (int i : order) {
                String[] row = spine.get(i);
                csv.append(row[0]).append(',').append(row[1]).append(',').append(row[2]).append('\n');
                expected.add(online.get(i));
            }
            Path spineFile = Files.writeString(dir.resolve("labels.csv"), csv);
            Path out = dir.resolve("training.parquet");
            String features = String.join(",", refs.stream().map(FeatureRef::toString).toList());
            Cli training = Cli.run("training-set", "--config", config, "--spine", spineFile.toString(), "--entity-column", "user_id",
                    "--timestamp-column", "ts", "--features", features, "--out", out.toString());
            assertThat(training.exitCode()).as(training.out() + training.err()).isZero();
            assertThat(training.out()).contains(spine.size() + " rows");

            List<Map<String, Object>> offline = readParquet(out, refs);
            assertThat(offline).hasSize(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertThat(offline.get(i)).as("spine row %d (%s at %s)", i, spine.get(order.get(i))[0], spine.get(order.get(i))[1])
                        .isEqualTo(expected.get(i));
            }

            TrainingSetRequest request = new TrainingSetRequest(spineFile, "user_id", "ts", refs, false);
            assertThat(readFlight(flightPort, request, refs)).as("the Flight stream").isEqualTo(offline);
            assertThat(run.stop().exitCode()).isZero();
        }
    }

    /** Raw JSON events of the users (not "ghost") in [from, to), whole seconds so that times tie. */
    private static List<String> events(SplittableRandom random, long from, long to) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < EVENTS_PER_ROUND; i++) {
            long ts = (from + random.nextLong(to - from)) / 1000 * 1000;
            if (ts < from) {
                ts = from;
            }
            String promo = random.nextInt(5) == 0 ? "null" : Boolean.toString(random.nextBoolean());
            String qty = random.nextInt(7) == 0 ? "null" : Long.toString(random.nextLong(-3, 40));
            lines.add(String.format(Locale.ROOT, "{\"user_id\": \"u%d\", \"item_id\": \"i%d\", \"price\": %s, \"qty\": %s, \"promo\": %s, \"ts\": %d}",
                    random.nextInt(USERS), random.nextInt(30), random.nextDouble() * 100, qty, promo, ts));
        }
        return lines;
    }

    /** {@code t} as ISO-8601 text at a random offset from UTC (the spine's times carry time zones). */
    private static String iso(long t, SplittableRandom random) {
        ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(-12, 14) * 60 + (random.nextBoolean() ? 30 : 0)) * 60);
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(Instant.ofEpochMilli(t).atOffset(offset));
    }

    private static void send(String bootstrap, List<String> lines) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String line : lines) {
                producer.send(new ProducerRecord<>("clicks", line.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /**
     * Waits until every event produced is in the store, in both views: the activity view's lifetime counts add up to
     * {@code events}, and the coarse view's 15-minute counts at {@code t} to {@code coarseEvents}. Each view's tiles
     * reach the store through a topic of their own, so one view being complete says nothing of the other.
     */
    private static void awaitTotal(String url, MutableClock clock, long t, List<String> users, long events, long coarseEvents)
            throws Exception {
        clock.set(t);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<FeatureRef> counts = List.of(new FeatureRef("activity", "n_total"), new FeatureRef("coarse", "n_15m"));
        while (true) {
            Map<String, List<Object>> values = OnlineLookup.lookup(url, counts, users);
            long total = sum(values.get("n_total"));
            long coarse = sum(values.get("n_15m"));
            if (total == events && coarse == coarseEvents) {
                return;
            }
            assertThat(System.nanoTime()).as("the store holds %d of %d events, and %d of the %d in the coarse window", total, events,
                    coarse, coarseEvents).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static long sum(List<Object> counts) {
        long sum = 0;
        for (Object v : counts) {
            sum += v == null ? 0 : (Long) v;
        }
        return sum;
    }

    /**
     * The round's events that the coarse view's 15-minute count takes at {@code t}, the round's end: those whose
     * 5-minute tile starts in {@code [tileStart(t) - 15m, t)} (earlier rounds ended more than 30 minutes before).
     */
    private static long inCoarseWindow(List<String> lines, long t) {
        long tile = 5 * MINUTE;
        long from = Math.floorDiv(t, tile) * tile - 15 * MINUTE;
        long n = 0;
        for (String line : lines) {
            long ts = Long.parseLong(line.substring(line.lastIndexOf("\"ts\": ") + 6, line.length() - 1));
            if (Math.floorDiv(ts, tile) * tile >= from && ts < t) {
                n++;
            }
        }
        return n;
    }

    private static void awaitArchived(FreshetConfig config, long events) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            long rows = EventArchive.files(config.offlineStore().path(), config.definitions().source("clicks").orElseThrow())
                    .stream().mapToLong(ArchivedFile::rows).sum();
            if (rows == events) {
                return;
            }
            assertThat(rows).as("archived rows").isLessThanOrEqualTo(events);
            assertThat(System.nanoTime()).as("the archive holds %d of %d events", rows, events).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static List<Map<String, Object>> readParquet(Path file, List<FeatureRef> refs) {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
             ParquetFiles.Scan scan = ParquetFiles.scan(allocator, List.of(file), Optional.empty(), 1024)) {
            while (scan.next()) {
                rows.addAll(rows(scan.root(), refs));
            }
        }
        return rows;
    }

    private static List<Map<String, Object>> readFlight(int port, TrainingSetRequest request, List<FeatureRef> refs) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
             FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port)).build();
             FlightStream stream = client.getStream(new Ticket(request.toJson()))) {
            while (stream.next()) {
                rows.addAll(rows(stream.getRoot(), refs));
            }
        }
        return rows;
    }

    /** The feature columns of a batch as rows of plain values, the way the JSON lookup gives them. */
    private static List<Map<String, Object>> rows(VectorSchemaRoot root, List<FeatureRef> refs) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int r = 0; r < root.getRowCount(); r++) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (FeatureRef ref : refs) {
                FieldVector v = root.getVector(ref.feature());
                assertThat(v).as("column %s in %s", ref.feature(), root.getSchema()).isNotNull();
                Object value = v.getObject(r);
                row.put(ref.feature(), value instanceof Text text ? text.toString() : value);
            }
            rows.add(row);
        }
        return rows;
    }
}
