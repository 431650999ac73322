package dev.freshet.bench.pipeline;

import dev.freshet.bench.RawConsume;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.KafkaConfig;
import dev.freshet.core.config.StreamsConfig;
import dev.freshet.features.FeatureCounters;
import dev.freshet.features.Pipeline;
import dev.freshet.ingest.broker.EmbeddedKafka;
import dev.freshet.ingest.topic.TopicAdmin;
import dev.freshet.ingest.topic.Topics;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;

import java.util.Properties;
import java.util.SplittableRandom;

/**
 * End-to-end throughput of the streaming pipeline (ingest + features, exactly once) on the
 * embedded broker, for the README's example view (the repository's {@code freshet.yaml}: run from
 * its root), beside its anchor: the rate at which a plain consumer reads the same raw topic from
 * the same broker in the same run. The ratio is the figure.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.freshet.bench.pipeline.PipelineThroughput [events] [partitions] [commit interval ms] [stream threads] [warm-up blocks]
 * </pre>
 *
 * Events: the example schema (user, item, price, time) for 10,000 users and 5,000 items, {@code
 * events} to an hour, about a tenth of them late by up to five minutes. All of them are produced
 * before the pipeline starts, as one stream in time order: first the warm-up blocks (default 2),
 * each of {@code events} events over an hour, then the measured block over the last hour. The rate
 * of each block runs from the moment the tiles hold every event of the blocks before it (for the
 * first, from its first event added to a tile) until they hold all of its own; startup and
 * rebalancing are not counted. The first block is the cold rate: the JIT compiles the broker's,
 * the clients' and Kafka Streams' code in the same JVM all through it, on the same two cores. The
 * last block is the sustained rate, the figure.
 */
public final class PipelineThroughput {

    /** The README's example configuration, read from the working directory (the repository root). */
    private static final Path EXAMPLE = Path.of("freshet.yaml");


    private PipelineThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int commitMs = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : StreamsConfig.DEFAULT_THREADS;
        int warmupBlocks = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        int blocks = warmupBlocks + 1;
        long total = (long) events * blocks;
        Path dir = Files.createTempDirectory("freshet-bench");
        try (EmbeddedKafka broker = EmbeddedKafka.start(0, dir.resolve("kafka"))) {
            if (!Files.isRegularFile(EXAMPLE)) {
                throw new IllegalStateException("run this from the repository root: it reads the example " + EXAMPLE.toAbsolutePath());
            }
            FreshetConfig example = FreshetConfig.load(EXAMPLE);
            StreamsConfig streams = example.streams();
            FreshetConfig config = example
                    .withKafka(new KafkaConfig(broker.bootstrapServers(), example.kafka().embedded(), partitions, 1))
                    .withStreams(new StreamsConfig(Duration.ofMillis(commitMs), threads, dir.resolve("state"),
                            streams.maxClockSkew(), streams.grace()));
            try (TopicAdmin admin = TopicAdmin.connect(broker.bootstrapServers())) {
                admin.ensure(Topics.plan(config));
            }
            long produceNanos = produce(broker.bootstrapServers(), events, blocks);
            System.out.printf(Locale.ROOT, "%,d events per block, %d warm-up block(s) and 1 measured, %d partitions, commit interval %d ms, %d stream thread(s)%n",
                    events, warmupBlocks, partitions, commitMs, threads);
            System.out.printf(Locale.ROOT, "produced %,d events in %.1f s (%,.0f events/s)%n", total, produceNanos / 1e9,
                    total / (produceNanos / 1e9));

            // anchor: a plain consumer reading the raw topic, twice (the first read warms the page cache and the JIT)
            consume(broker.bootstrapServers(), "clicks", total);
            long consumeNanos = consume(broker.bootstrapServers(), "clicks", total);
            double raw = total / (consumeNanos / 1e9);
            System.out.printf(Locale.ROOT, "anchor: plain consumer read %,d records in %.2f s (%,.0f records/s)%n", total,
                    consumeNanos / 1e9, raw);

            double[] rates = runPipeline(config, broker.bootstrapServers(), events, blocks);
            System.out.printf(Locale.ROOT, "pipeline (ingest + features, exactly once), cold (first block): %,.0f events/s = %.1f %% of the raw consume rate%n",
                    rates[0], 100 * rates[0] / raw);
            System.out.printf(Locale.ROOT, "pipeline (ingest + features, exactly once), sustained (block %d): %,.0f events/s = %.1f %% of the raw consume rate%n",
                    blocks, rates[blocks - 1], 100 * rates[blocks - 1] / raw);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory left behind is harmless
            }
        }
    }

    /** Produces {@code blocks} blocks of {@code events} events, each over an hour, the last one over the last hour. */
    private static long produce(String bootstrap, int events, int blocks) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        SplittableRandom random = new SplittableRandom(1);
        long now = System.currentTimeMillis();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            long total = (long) events * blocks;
            long firstTs = now - blocks * 3_600_000L;
            for (long i = 0; i < total; i++) {
                // in time order, up to 100 s ago (then late ones)
                long ts = firstTs + i * (blocks * 3_600_000L - 100_000L) / total;
                if (random.nextInt(10) == 0) {
                    ts -= random.nextLong(300_000);
                }
                String user = "user-" + random.nextInt(10_000);
                String json = "{\"user_id\":\"" + user + "\",\"item_id\":\"item-" + random.nextInt(5_000) + "\",\"price\":"
                        + (random.nextInt(100_000) / 100.0) + ",\"ts\":" + ts + "}";
                producer.send(new ProducerRecord<>("clicks", user.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        return System.nanoTime() - start;
    }

    private static long consume(String bootstrap, String topic, long expected) {
        return RawConsume.nanos(bootstrap, topic, expected, false, 2_000);
    }

    /** Runs the pipeline until the tiles hold every event; returns the rate of each block, in events/s. */
    private static double[] runPipeline(FreshetConfig config, String bootstrap, int events, int blocks) throws InterruptedException {
        long total = (long) events * blocks;
        double[] rates = new double[blocks];
        try (Pipeline pipeline = Pipeline.start(config, bootstrap)) {
            pipeline.awaitRunning(Duration.ofSeconds(120));
            long blockStart = 0;
            long blockStartApplied = 0;
            int block = 0;
            long lastReport = System.nanoTime();
            while (true) {
                long applied = pipeline.featureCounters().get("user_activity", FeatureCounters.Kind.APPLIED);
                long now = System.nanoTime();
                if (blockStart == 0 && applied > 0) {
                    blockStart = now;
                }
                while (block < blocks && applied >= (block + 1L) * events) {
                    double seconds = (now - blockStart) / 1e9;
                    rates[block] = (applied - blockStartApplied) / seconds;
                    System.out.printf(Locale.ROOT, "  block %d of %d%s: %,d events into tiles in %.2f s: %,.0f events/s%n", block + 1, blocks,
                            block + 1 < blocks ? " (warm-up)" : " (measured)", applied - blockStartApplied, seconds, rates[block]);
                    blockStart = now;
                    blockStartApplied = applied;
                    block++;
                }
                if (block == blocks) {
                    System.out.printf(Locale.ROOT, "pipeline: %,d events into tiles; %,d valid, %,d dead letters, %,d tiles published%n",
                            applied, pipeline.ingestCounters().valid("clicks"), pipeline.ingestCounters().deadLettered("clicks"),
                            pipeline.featureCounters().get("user_activity", FeatureCounters.Kind.PUBLISHED));
                    return rates;
                }
                if (pipeline.failure().isPresent()) {
                    throw new IllegalStateException("the pipeline failed", pipeline.failure().get());
                }
                if (now - lastReport > 5_000_000_000L) {
                    lastReport = now;
                    System.out.printf(Locale.ROOT, "  ... %,d of %,d events in tiles%n", applied, total);
                }
                Thread.sleep(20);
            }
        }
    }

}
