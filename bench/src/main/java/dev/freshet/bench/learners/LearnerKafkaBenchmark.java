package dev.freshet.bench.learners;

import dev.freshet.bench.RawConsume;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.ingest.broker.EmbeddedKafka;
import dev.freshet.learners.stream.LearnerWorker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * End-to-end training throughput: a {@link LearnerWorker} (FTRL) learning JSON training examples
 * from its examples topic on the embedded broker, beside its anchor, a plain consumer reading the
 * same topic in the same run.
 *
 * <pre>
 * java -Xmx3g -cp bench/target/benchmarks.jar dev.freshet.bench.learners.LearnerKafkaBenchmark [examples, 2000000] [partitions, 2]
 * </pre>
 *
 * The examples ({@link TrainingRecords}: 7 inputs and an interaction; the mean JSON size is printed) are
 * produced before the worker starts, lz4-compressed, non-transactionally. The worker's rate is
 * measured from its start (restoring nothing, assigning the partitions) until it has learnt every
 * example, and again from its first example learnt. It checkpoints every 10 seconds, the model default:
 * the printed count of versions published says how many checkpoints fell inside the timed run (the last
 * one, on close, does not). The goal is at least 100,000 examples/s.
 */
public final class LearnerKafkaBenchmark {

    private LearnerKafkaBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int examples = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        ModelDefinition model = TrainingRecords.model();
        System.out.printf(Locale.ROOT, "LearnerKafkaBenchmark, %s; %d processors; JDK %s; max heap %,d MiB%n", Instant.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "%,d examples, topic %s with %d partitions; model %s, options %s%n", examples, model.examplesTopic(),
                partitions, model.name(), model.options());
        Path dir = Files.createTempDirectory("freshet-learner-bench");
        try (EmbeddedKafka broker = EmbeddedKafka.start(0, dir.resolve("kafka"))) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic(model.examplesTopic(), partitions, (short) 1))).all().get();
            }
            long produceNanos = produce(bootstrap, model.examplesTopic(), examples);
            System.out.printf(Locale.ROOT, "produced %,d examples in %.1f s (%,.0f/s)%n", examples, produceNanos / 1e9,
                    examples / (produceNanos / 1e9));
            System.out.printf(Locale.ROOT, "mean record: %d bytes of JSON%n", meanRecordBytes());

            consume(bootstrap, model.examplesTopic(), examples); // warms the page cache and the consumer's code
            long consumeNanos = consume(bootstrap, model.examplesTopic(), examples);
            double raw = examples / (consumeNanos / 1e9);
            System.out.printf(Locale.ROOT, "anchor: plain read_committed consumer read %,d records in %.2f s (%,.0f records/s)%n", examples,
                    consumeNanos / 1e9, raw);

            long start = System.nanoTime();
            long first = 0;
            try (LearnerWorker worker = LearnerWorker.builder().model(model).bootstrapServers(bootstrap).checkpoints(dir.resolve("checkpoints"))
                    .start()) {
                long lastReport = start;
                while (worker.examplesLearnt() + worker.examplesSkipped() < examples) {
                    if (worker.failure().isPresent()) {
                        throw new IllegalStateException("the learner worker failed", worker.failure().get());
                    }
                    long now = System.nanoTime();
                    if (first == 0 && worker.examplesLearnt() > 0) {
                        first = now;
                    }
                    if (now - lastReport > 5_000_000_000L) {
                        lastReport = now;
                        System.out.printf(Locale.ROOT, "  ... %,d of %,d examples learnt%n", worker.examplesLearnt(), examples);
                    }
                    Thread.sleep(5);
                }
                long end = System.nanoTime();
                double total = (end - start) / 1e9;
                double fromFirst = (end - first) / 1e9;
                System.out.printf(Locale.ROOT, "worker: %,d learnt, %,d skipped, %d versions published; rolling log loss %.4f%n",
                        worker.examplesLearnt(), worker.examplesSkipped(), worker.versionsPublished(), worker.validation().metrics().logLoss());
                System.out.printf(Locale.ROOT, "worker (FTRL): %,.0f examples/s from start (%.2f s), %,.0f examples/s from its first example"
                        + " (%.2f s); %.0f %% of the raw consume rate; goal >= 100,000 examples/s%n", examples / total, total,
                        examples / fromFirst, fromFirst, 100 * examples / fromFirst / raw);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory left behind is harmless
            }
        }
    }

    private static int meanRecordBytes() {
        TrainingRecords.Generator records = new TrainingRecords.Generator(1);
        long bytes = 0;
        for (int i = 0; i < 1_000; i++) {
            bytes += records.next().length;
        }
        return (int) (bytes / 1_000);
    }

    private static long produce(String bootstrap, String topic, int examples) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        TrainingRecords.Generator records = new TrainingRecords.Generator(1);
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < examples; i++) {
                producer.send(new ProducerRecord<>(topic, null, records.next()));
            }
            producer.flush();
        }
        return System.nanoTime() - start;
    }

    private static long consume(String bootstrap, String topic, int expected) {
        return RawConsume.nanos(bootstrap, topic, expected, true, 5_000);
    }
}
