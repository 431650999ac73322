package dev.freshet.ingest.broker;

import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.error.TransientException;
import dev.freshet.ingest.testing.TestProducer;
import dev.freshet.ingest.testing.TopicReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedKafkaTest {

    @TempDir
    static Path sharedDir;

    /** One broker for the tests that only need a running one; a start costs about 2 s. */
    private static EmbeddedKafka broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafka.start(0, sharedDir.resolve("kafka"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void plainProducerAndConsumerRoundTrip() throws Exception {
        createTopic(broker.bootstrapServers(), "round-trip", 2);

        try (KafkaProducer<String, String> producer = producer(broker.bootstrapServers(), Map.of())) {
            producer.send(new ProducerRecord<>("round-trip", "k1", "hello")).get();
            producer.send(new ProducerRecord<>("round-trip", "k2", "world")).get();
        }
        try (KafkaConsumer<String, String> consumer = consumer(broker.bootstrapServers(), "round-trip-group")) {
            consumer.subscribe(List.of("round-trip"));
            List<String> values = pollValues(consumer, 2);
            assertThat(values).containsExactlyInAnyOrder("hello", "world");
        }
        assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
        assertThat(broker.port()).isPositive();
        assertThat(broker.dataDir()).isEqualTo(sharedDir.resolve("kafka").toAbsolutePath());
    }

    @Test
    void transactionsWorkAndReadCommittedSkipsAbortedRecords() {
        String bootstrap = broker.bootstrapServers();
        createTopic(bootstrap, "transactional", 1);
        try (KafkaProducer<String, String> producer = producer(bootstrap, Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "freshet-test-tx",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactional", "a", "committed-1"));
            producer.send(new ProducerRecord<>("transactional", "b", "committed-2"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactional", "c", "aborted"));
            producer.flush();
            producer.abortTransaction();
        }

        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(bootstrap, "transactional");

        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("committed-1", "committed-2");
    }

    @Test
    void topicsAreNotCreatedAutomatically() {
        TestProducer.send(broker.bootstrapServers(), List.of()); // a producer connects fine
        try (Admin admin = admin(broker.bootstrapServers());
             KafkaConsumer<String, String> consumer = consumer(broker.bootstrapServers(), "probe")) {
            assertThat(consumer.partitionsFor("no-such-topic", Duration.ofSeconds(5))).isEmpty();
            assertThat(admin.listTopics().names().get()).doesNotContain("no-such-topic");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aSecondBrokerOnTheSamePortFailsWithAClearMessage(@TempDir Path otherDir) {
        int port = broker.port();

        assertThatThrownBy(() -> EmbeddedKafka.start(port, otherDir))
                .isInstanceOf(TransientException.class)
                .hasMessage("cannot start the embedded Kafka broker: 127.0.0.1:" + port + " is in use (is another "
                        + "broker running? change kafka.embedded.port, or set kafka.bootstrap_servers to use it)");
        assertThat(otherDir).isEmptyDirectory();
    }

    @Test
    void aSecondBrokerOnTheSameDataDirFails() {
        assertThatThrownBy(() -> EmbeddedKafka.start(0, broker.dataDir()))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining(broker.dataDir().toString())
                .hasMessageContaining("in use by another embedded broker");
    }

    @Test
    void restartOnTheSameDirectoryKeepsTopicsRecordsAndCommittedOffsets(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("data");
        try (EmbeddedKafka first = EmbeddedKafka.start(0, dataDir)) {
            createTopic(first.bootstrapServers(), "kept", 1);
            TestProducer.sendValues(first.bootstrapServers(), "kept", List.of("one", "two", "three"));
            try (KafkaConsumer<String, String> consumer = consumer(first.bootstrapServers(), "kept-group")) {
                consumer.assign(List.of(new TopicPartition("kept", 0)));
                consumer.commitSync(Map.of(new TopicPartition("kept", 0), new OffsetAndMetadata(2)));
            }
        }

        try (EmbeddedKafka second = EmbeddedKafka.start(0, dataDir)) {
            List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(second.bootstrapServers(), "kept");
            assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactly("one", "two", "three");
            try (Admin admin = admin(second.bootstrapServers())) {
                Map<TopicPartition, OffsetAndMetadata> offsets =
                        admin.listConsumerGroupOffsets("kept-group").partitionsToOffsetAndMetadata().get();
                assertThat(offsets).containsEntry(new TopicPartition("kept", 0), new OffsetAndMetadata(2));
            }
            // A consumer of the group resumes after the committed offset.
            try (KafkaConsumer<String, String> consumer = consumer(second.bootstrapServers(), "kept-group")) {
                consumer.subscribe(List.of("kept"));
                assertThat(pollValues(consumer, 1)).containsExactly("three");
            }
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseFails(@TempDir Path dir) {
        EmbeddedKafka kafka = EmbeddedKafka.start(0, dir);
        int port = kafka.port();

        kafka.close();
        kafka.close();

        assertThatThrownBy(kafka::bootstrapServers)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("127.0.0.1:" + port)
                .hasMessageContaining("is closed");
        assertThat(kafka.dataDir()).isEqualTo(dir.toAbsolutePath());
        // The port and the directory are free again.
        EmbeddedKafka.start(port, dir).close();
    }

    @Test
    void aFileIsNotADataDirectory(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");

        assertThatThrownBy(() -> EmbeddedKafka.start(0, file))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("is a file, not a directory")
                .hasMessageContaining("kafka.embedded.data_dir");
    }

    @Test
    void aDirectoryWithOtherDataIsRefusedAndLeftAlone(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "mine");

        assertThatThrownBy(() -> EmbeddedKafka.start(0, dir))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("is not empty and has no freshet-broker.properties")
                .hasMessageContaining("kafka.embedded.data_dir");
        try (var entries = Files.list(dir)) {
            assertThat(entries).containsExactly(dir.resolve("notes.txt"));
        }
    }

    @Test
    void aDirectoryOfANewerFormatIsRefused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(BrokerDirectory.MARKER), "format.version=2\ncluster.id=x\n");

        assertThatThrownBy(() -> EmbeddedKafka.start(0, dir))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("format.version=2");
    }

    @Test
    void aLogsFolderThatIsNotKafkasIsRefused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(BrokerDirectory.MARKER), "format.version=1\ncluster.id=" + org.apache.kafka.common.Uuid.randomUuid() + "\n");
        Files.createDirectories(dir.resolve(BrokerDirectory.LOGS));
        Files.writeString(dir.resolve(BrokerDirectory.LOGS).resolve("stray.txt"), "x");

        assertThatThrownBy(() -> EmbeddedKafka.start(0, dir))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a formatted Kafka log directory");
    }

    private static void createTopic(String bootstrap, String topic, int partitions) {
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        } catch (Exception e) {
            throw new AssertionError("cannot create topic " + topic, e);
        }
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static KafkaProducer<String, String> producer(String bootstrap, Map<String, Object> extra) {
        Map<String, Object> config = new java.util.HashMap<>(extra);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap, String group) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer());
    }

    private static List<String> pollValues(KafkaConsumer<String, String> consumer, int count) {
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (values.size() < count && System.nanoTime() < deadline) {
            ConsumerRecords<String, String> batch = consumer.poll(Duration.ofMillis(100));
            batch.forEach(r -> values.add(r.value()));
        }
        return values;
    }
}
