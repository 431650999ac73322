package dev.freshet.bench.freshness;

import dev.freshet.app.api.ApiServer;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.KafkaConfig;
import dev.freshet.core.config.OnlineStoreConfig;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.features.Pipeline;
import dev.freshet.ingest.broker.EmbeddedKafka;
import dev.freshet.ingest.topic.TopicAdmin;
import dev.freshet.ingest.topic.Topics;
import dev.freshet.online.OnlineStore;
import dev.freshet.online.sink.TileSink;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Freshness: the time from a producer's {@code send} of a raw event to its value being visible
 * through the HTTP API, with everything of {@code freshet run} in one JVM: the embedded broker, the
 * streaming pipeline (ingest + features, exactly once, the example's commit interval of 100 ms),
 * the online store (RocksDB) with its tile sink, and the API server, for the README's example view
 * (the repository's {@code freshet.yaml}: run from its root).
 *
 * <p>A producer (default client settings: {@code acks=all}, {@code linger.ms=5}) sends raw JSON
 * events to {@code clicks} at a fixed rate for 10,000 users; {@value #PROBES_PER_SECOND} times a
 * second the event is instead a probe, the only event of a new user {@code probe-<n>}, whose send
 * time is recorded. A {@link ProbePoller} looks the pending probes up over HTTP
 * ({@code clicks_total}: NOT_FOUND until the tile is in the store) and records when each turns
 * PRESENT. Phases: warm-up passes (default two; each rate once per pass, reported but not
 * counted), then each rate, measured. One JVM holds the broker, the clients, Kafka Streams and the
 * API; its JIT compiles their code through the first two minutes of the run, competing for the two
 * cores (a single 10-second warm-up at the first rate left p99 two to three times the settled
 * figure). The anchor, for the
 * same probes in the same run: a plain consumer of the raw topic ({@link RawTopicWatcher}), i.e.
 * Kafka's own produce-to-consume latency through the same broker.
 *
 * <pre>
 * java -Xmx2g -cp bench/target/benchmarks.jar dev.freshet.bench.freshness.FreshnessBenchmark [seconds per rate, default 20] [rates, default 1000,10000] [commit interval ms, default: the example's] [nostages|stages] [warm-up passes, default 2]
 * </pre>
 *
 * <p>Unless {@code nostages} is given, two more plain consumers split the delay into stages: they
 * timestamp each probe's first record on the parsed-events topic and on the tiles topic, both read
 * committed as the pipeline's next stage reads them. They cost the shared cores a little; run with
 * {@code nostages} to see the end-to-end figure without them.
 *
 * <p>After each phase it prints the five slowest probes (when each was sent, and its delay to every
 * stage: a tail made of one stall shows as probes sent together) and the stream thread's commit
 * figures from Kafka Streams' metrics.
 */
public final class FreshnessBenchmark {

    static final int PROBES_PER_SECOND = 20;
    static final int USERS = 10_000;
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
    static final String VIEW = "user_activity";
    static final String FEATURE = "clicks_total";

    /** The README's example configuration, read from the working directory (the repository root). */
    private static final Path EXAMPLE = Path.of("freshet.yaml");

    private FreshnessBenchmark() {
    }

    private record Phase(String name, int rate, int seconds, int firstProbe, int endProbe, double achievedRate) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int[] rates = args.length > 1 ? Stream.of(args[1].split(",")).mapToInt(Integer::parseInt).toArray() : new int[]{1_000, 10_000};
        // a diagnostic, not a tuning: how freshness follows the commit interval
        Duration commitInterval = args.length > 2 && !args[2].equals("default") ? Duration.ofMillis(Long.parseLong(args[2])) : null;
        boolean stages = args.length <= 3 || !args[3].equals("nostages");  // "stages" (or anything else) keeps them
        int warmupPasses = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        if (!Files.isRegularFile(EXAMPLE)) {
            throw new IllegalStateException("run this from the repository root: it reads the example " + EXAMPLE.toAbsolutePath());
        }
        Path dir = Files.createTempDirectory("freshet-bench-freshness-");
        Probes probes = new Probes(PROBES_PER_SECOND * (warmupPasses + 1) * seconds * rates.length + 100);
        List<Phase> phases = new ArrayList<>();
        try (EmbeddedKafka broker = EmbeddedKafka.start(0, dir.resolve("kafka"))) {
            String bootstrap = broker.bootstrapServers();
            FreshetConfig example = FreshetConfig.load(EXAMPLE);
            FreshetConfig config = example.withKafka(new KafkaConfig(bootstrap, example.kafka().embedded(), example.kafka().partitions(), 1))
                    .withStreams((commitInterval == null ? example.streams() : example.streams().withCommitInterval(commitInterval))
                            .withStateDir(dir.resolve("streams")))
                    .withOnlineStore(new OnlineStoreConfig.RocksDb(dir.resolve("online"))).withApi(example.api().withPort(0));
            FeatureView view = config.definitions().featureView(VIEW).orElseThrow();
            String source = config.definitions().sourceOf(view).name();
            String topic = config.definitions().sourceOf(view).topic();
            String joinKey = config.definitions().entityOf(view).joinKey();
            System.out.printf(Locale.ROOT, "%d partitions, commit interval %d ms, %d stream thread(s), exactly once%n",
                    config.kafka().partitions(), config.streams().commitInterval().toMillis(), config.streams().threads());
            try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
                admin.ensure(Topics.plan(config));
            }
            try (Pipeline pipeline = Pipeline.start(config, bootstrap);
                 OnlineStore store = OnlineStore.open(config)) {
                pipeline.awaitRunning(Duration.ofSeconds(120));
                List<String> tileTopics = config.definitions().featureViews().stream().map(v -> Topics.tiles(v.name())).toList();
                try (TileSink sink = TileSink.settings().bootstrapServers(bootstrap).groupId(TileSink.groupId(config.project()))
                        .topics(tileTopics).store(store).start();
                     ApiServer api = ApiServer.builder().config(config).store(store).build().start();
                     TopicWatcher raw = TopicWatcher.start(bootstrap, topic, false, probes, Probes.Stage.RAW, FreshnessBenchmark::utf8);
                     AutoCloseable events = stages ? TopicWatcher.start(bootstrap, Topics.events(source), true, probes, Probes.Stage.EVENTS,
                             FreshnessBenchmark::utf8) : () -> { };
                     AutoCloseable tiles = stages ? TopicWatcher.start(bootstrap, Topics.tiles(VIEW), true, probes, Probes.Stage.TILES,
                             FreshnessBenchmark::tileEntity) : () -> { };
                     ProbePoller poller = new ProbePoller(api.url(), VIEW + ":" + FEATURE, joinKey, probes);
                     KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
                    SplittableRandom random = new SplittableRandom(1);
                    for (int pass = 0; pass <= warmupPasses; pass++) {
                        String name = pass < warmupPasses ? "warm-up " + (pass + 1) : "measured";
                        for (int rate : rates) {
                            phases.add(run(name, rate, seconds, producer, topic, probes, random, pipeline));
                        }
                    }
                    System.out.printf(Locale.ROOT, "%,d lookups by the poller; sink: %,d tiles written in %,d batches%n", poller.lookups(),
                            sink.tilesWritten(), sink.batches());
                }
                System.out.printf(Locale.ROOT, "pipeline: %,d valid events, %,d dead letters%n", pipeline.ingestCounters().valid(source),
                        pipeline.ingestCounters().deadLettered(source));
            }
        } finally {
            deleteTree(dir);
        }
        print(phases, probes);
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends {@code rate} events a second for {@code seconds}, then waits until every probe of the phase is visible (or times out). */
    private static Phase run(String name, int rate, int seconds, KafkaProducer<byte[], byte[]> producer, String topic, Probes probes,
                             SplittableRandom random, Pipeline pipeline) {
        int firstProbe = probes.count();
        long total = (long) rate * seconds;
        long probeEvery = Math.max(1, rate / PROBES_PER_SECOND);
        long start = System.nanoTime();
        long sent = 0;
        while (sent < total) {
            long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L + 1);
            for (; sent < due; sent++) {
                String user;
                if (sent % probeEvery == probeEvery - 1) {
                    user = Probes.id(probes.next());
                } else {
                    user = "user-" + random.nextInt(USERS);
                }
                String json = "{\"user_id\":\"" + user + "\",\"item_id\":\"item-" + random.nextInt(5_000) + "\",\"price\":"
                        + (random.nextInt(100, 10_001) / 100.0) + ",\"ts\":" + System.currentTimeMillis() + "}";
                producer.send(new ProducerRecord<>(topic, user.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
            }
            LockSupport.parkNanos(200_000);
        }
        double achieved = total / ((System.nanoTime() - start) / 1e9);
        int endProbe = probes.count();
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && !allVisible(probes, firstProbe, endProbe)) {
            if (pipeline.failure().isPresent()) {
                throw new IllegalStateException("the pipeline failed", pipeline.failure().get());
            }
            LockSupport.parkNanos(10_000_000);
        }
        Phase phase = new Phase(name, rate, seconds, firstProbe, endProbe, achieved);
        System.out.print(probes.slowest(firstProbe, endProbe, 5));
        printCommits(pipeline);
        System.out.printf(Locale.ROOT, "%s, %,d events/s: sent %,.0f events/s%n", name, rate, achieved);
        for (Probes.Stage s : Probes.Stage.values()) {
            System.out.printf(Locale.ROOT, "  send -> %-6s %s%n", s, probes.stats(s, firstProbe, endProbe));
        }
        return phase;
    }

    /** The stream thread's commit and loop figures so far (Kafka Streams' thread metrics): where the hops' time goes. */
    private static void printCommits(Pipeline pipeline) {
        Map<String, Double> m = new TreeMap<>();
        pipeline.metrics().forEach((name, metric) -> {
            boolean thread = name.group().equals("stream-thread-metrics");
            boolean producer = name.group().equals("producer-metrics") && name.name().startsWith("txn-")
                    || name.group().equals("producer-metrics") && name.name().equals("flush-time-ns-total");
            if ((thread || producer) && metric.metricValue() instanceof Double v && !v.isNaN()) {
                m.merge((thread ? "" : "producer ") + name.name(), v, Double::sum);
            }
        });
        System.out.printf(Locale.ROOT, "  thread: commit avg %.1f ms, max %.1f ms, %.1f/s; poll avg %.1f ms; process avg %.3f ms; "
                        + "punctuate avg %.1f ms, max %.1f ms; blocked %.0f ms total%n",
                m.getOrDefault("commit-latency-avg", Double.NaN), m.getOrDefault("commit-latency-max", Double.NaN),
                m.getOrDefault("commit-rate", Double.NaN), m.getOrDefault("poll-latency-avg", Double.NaN),
                m.getOrDefault("process-latency-avg", Double.NaN), m.getOrDefault("punctuate-latency-avg", Double.NaN),
                m.getOrDefault("punctuate-latency-max", Double.NaN), m.getOrDefault("blocked-time-ns-total", 0.0) / 1e6);
        System.out.printf(Locale.ROOT, "  producer totals: flush %.0f ms, send offsets %.0f ms, commit %.0f ms, begin %.0f ms%n",
                m.getOrDefault("producer flush-time-ns-total", 0.0) / 1e6, m.getOrDefault("producer txn-send-offsets-time-ns-total", 0.0) / 1e6,
                m.getOrDefault("producer txn-commit-time-ns-total", 0.0) / 1e6, m.getOrDefault("producer txn-begin-time-ns-total", 0.0) / 1e6);
    }

    private static boolean allVisible(Probes probes, int from, int to) {
        for (int n = from; n < to; n++) {
            if (!probes.isSeen(Probes.Stage.API, n)) {
                return false;
            }
        }
        return true;
    }

    private static void print(List<Phase> phases, Probes probes) {
        System.out.printf(Locale.ROOT, "%n| pass | rate | sent | probes | visible through the API: p50 | p99 | max | events topic p50 / p99 | "
                + "tiles topic p50 / p99 | anchor: raw topic p50 / p99 / max |%n|---|---|---|---|---|---|---|---|---|---|%n");
        for (Phase p : phases) {
            Probes.Stats api = probes.stats(Probes.Stage.API, p.firstProbe(), p.endProbe());
            Probes.Stats events = probes.stats(Probes.Stage.EVENTS, p.firstProbe(), p.endProbe());
            Probes.Stats tiles = probes.stats(Probes.Stage.TILES, p.firstProbe(), p.endProbe());
            Probes.Stats raw = probes.stats(Probes.Stage.RAW, p.firstProbe(), p.endProbe());
            System.out.printf(Locale.ROOT, "| %s | %,d events/s | %,.0f events/s | %d%s | %.0f ms | %.0f ms | %.0f ms | %.0f / %.0f ms | %.0f / %.0f ms "
                            + "| %.1f / %.1f / %.1f ms |%n", p.name(), p.rate(), p.achievedRate(), p.endProbe() - p.firstProbe(),
                    api.missing() == 0 ? "" : " (" + api.missing() + " never visible)", api.percentile(0.5), api.percentile(0.99), api.max(),
                    events.percentile(0.5), events.percentile(0.99), tiles.percentile(0.5), tiles.percentile(0.99),
                    raw.percentile(0.5), raw.percentile(0.99), raw.max());
        }
    }

    private static String utf8(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }

    /** The entity of a tiles-topic key ({@code <view>|<start>|<entity>}), or null when it is not one. */
    private static String tileEntity(byte[] key) {
        try {
            return TileKey.parse(key).entity().value();
        } catch (CorruptDataException e) {
            return null;
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
