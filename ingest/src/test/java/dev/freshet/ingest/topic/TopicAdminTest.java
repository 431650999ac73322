package dev.freshet.ingest.topic;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.KafkaConfig;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.error.TransientException;
import dev.freshet.core.testing.ExampleYaml;
import dev.freshet.ingest.broker.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against one embedded broker; each test uses topic names of its own. */
class TopicAdminTest {

    @TempDir
    static Path dataDir;

    private static EmbeddedKafka broker;
    private static Admin admin;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafka.start(0, dataDir);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        broker.close();
    }

    @Test
    void ensureCreatesExactlyThePlannedTopicsOnceWithTheirPartitionsAndConfigs() throws Exception {
        FreshetConfig config = FreshetConfig.parse(ExampleYaml.SHOP, "freshet.yaml")
                .withKafka(new KafkaConfig(broker.bootstrapServers(), new KafkaConfig.Embedded(0, dataDir), 3, 0));
        List<TopicSpec> plan = Topics.plan(config);
        List<String> names = plan.stream().map(TopicSpec::name).toList();
        Set<String> before = admin.listTopics().names().get();

        List<TopicSpec> created;
        List<TopicSpec> createdAgain;
        try (TopicAdmin topics = TopicAdmin.connect(broker.bootstrapServers())) {
            created = topics.ensure(plan);
            createdAgain = topics.ensure(plan);
        }

        assertThat(created).isEqualTo(plan);
        assertThat(createdAgain).isEmpty();
        Set<String> added = new HashSet<>(admin.listTopics().names().get());
        added.removeAll(before);
        assertThat(added).containsExactlyInAnyOrderElementsOf(names);
        Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames().get();
        assertThat(descriptions.values()).allSatisfy(d -> {
            assertThat(d.partitions()).hasSize(3);
            assertThat(d.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(1));
        });
        Map<String, String> policies = cleanupPolicies(names);
        assertThat(policies).containsEntry("freshet.tiles.user_activity", "compact")
                .containsEntry("clicks", "delete")
                .containsEntry("freshet.events.clicks", "delete")
                .containsEntry("freshet.dlq", "delete");
    }

    @Test
    void anExistingTopicWithOtherPartitionsIsLeftAloneWithAWarning() throws Exception {
        createAndAwait(new NewTopic("orders_raw", 1, (short) 1));
        List<TopicSpec> plan = List.of(spec("orders_raw", Map.of(), "raw events of source orders"),
                spec("freshet.events.orders", Map.of(), "parsed events of source orders"));

        List<TopicSpec> created = new ArrayList<>();
        String log = capturingStderr(() -> {
            try (TopicAdmin topics = TopicAdmin.connect(broker.bootstrapServers())) {
                created.addAll(topics.ensure(plan));
            }
        });

        assertThat(created).extracting(TopicSpec::name).containsExactly("freshet.events.orders");
        assertThat(admin.describeTopics(List.of("orders_raw")).allTopicNames().get().get("orders_raw").partitions())
                .hasSize(1);
        assertThat(log).contains("topic orders_raw (raw events of source orders) has 1 partitions, not the 3 of "
                + "kafka.partitions; it is left as it is");
    }

    @Test
    void anExistingTilesTopicThatIsNotCompactedIsReported() throws Exception {
        createAndAwait(
                new NewTopic("freshet.tiles.deleting", 3, (short) 1).configs(Map.of("cleanup.policy", "delete")),
                new NewTopic("freshet.tiles.both", 3, (short) 1).configs(Map.of("cleanup.policy", "compact,delete")));
        Map<String, String> compact = Map.of("cleanup.policy", "compact");

        String log = capturingStderr(() -> {
            try (TopicAdmin topics = TopicAdmin.connect(broker.bootstrapServers())) {
                assertThat(topics.ensure(List.of(spec("freshet.tiles.deleting", compact, "tiles"),
                        spec("freshet.tiles.both", compact, "tiles")))).isEmpty();
            }
        });

        assertThat(log).contains("topic freshet.tiles.deleting (tiles) has cleanup.policy=delete, not compact");
        assertThat(log).doesNotContain("freshet.tiles.both");
        assertThat(cleanupPolicies(List.of("freshet.tiles.deleting"))).containsEntry("freshet.tiles.deleting", "delete");
    }

    @Test
    void concurrentEnsuresCreateEachTopicOnce() {
        List<TopicSpec> plan = IntStream.range(0, 8).mapToObj(i -> spec("race-" + i, Map.of(), "race")).toList();

        try (TopicAdmin a = TopicAdmin.connect(broker.bootstrapServers());
             TopicAdmin b = TopicAdmin.connect(broker.bootstrapServers())) {
            CompletableFuture<List<TopicSpec>> first = CompletableFuture.supplyAsync(() -> a.ensure(plan));
            CompletableFuture<List<TopicSpec>> second = CompletableFuture.supplyAsync(() -> b.ensure(plan));

            List<TopicSpec> all = new ArrayList<>(first.join());
            all.addAll(second.join());
            assertThat(all).containsExactlyInAnyOrderElementsOf(plan);
        }
    }

    @Test
    void moreReplicasThanBrokersIsRefusedNamingTheTopic() {
        TopicSpec spec = new TopicSpec("three-replicas", 1, OptionalInt.of(3), Map.of(), "test");

        try (TopicAdmin topics = TopicAdmin.connect(broker.bootstrapServers())) {
            assertThatThrownBy(() -> topics.ensure(List.of(spec)))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith("Kafka at " + broker.bootstrapServers() + " refused creating topic three-replicas: ")
                    .hasMessageContaining("replication factor");
        }
    }

    @Test
    void anUnreachableClusterFailsWithinTheTimeoutNamingServersAndTopics() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String bootstrap = "127.0.0.1:" + closedPort;

        try (TopicAdmin topics = TopicAdmin.connect(bootstrap, Duration.ofSeconds(1))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> topics.ensure(List.of(spec(Topics.DLQ, Map.of(), "dead letters"))))
                    .isInstanceOf(TransientException.class)
                    .hasMessageStartingWith("cannot reach Kafka at " + bootstrap + " within 1 s while listing topics "
                            + "(to check freshet.dlq): ");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aMalformedBootstrapIsBadInput() {
        assertThatThrownBy(() -> TopicAdmin.connect("no-port-here"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no-port-here")
                .hasMessageContaining("kafka.bootstrap_servers");
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseFails() {
        TopicAdmin topics = TopicAdmin.connect(broker.bootstrapServers());

        topics.close();
        topics.close();

        assertThatThrownBy(() -> topics.ensure(List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the TopicAdmin for Kafka at " + broker.bootstrapServers() + " is closed");
    }

    @Test
    void duplicateSpecsAreAProgrammingError() {
        try (TopicAdmin topics = TopicAdmin.connect(broker.bootstrapServers())) {
            TopicSpec spec = spec("twice", Map.of(), "test");
            assertThatThrownBy(() -> topics.ensure(List.of(spec, spec)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("two specs for topic twice");
        }
    }

    private static TopicSpec spec(String name, Map<String, String> configs, String purpose) {
        return new TopicSpec(name, 3, OptionalInt.of(1), configs, purpose);
    }

    /** Creates topics and waits until the broker lists them (it learns of them shortly after the controller). */
    private static void createAndAwait(NewTopic... topics) throws Exception {
        admin.createTopics(List.of(topics)).all().get();
        List<String> names = java.util.Arrays.stream(topics).map(NewTopic::name).toList();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!admin.listTopics().names().get().containsAll(names)) {
            assertThat(System.nanoTime()).as("topics %s listed within 10 s", names).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static Map<String, String> cleanupPolicies(List<String> topics) throws Exception {
        Map<ConfigResource, Config> configs = admin.describeConfigs(
                topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList()).all().get();
        Map<String, String> policies = new java.util.HashMap<>();
        configs.forEach((resource, config) -> policies.put(resource.name(), config.get("cleanup.policy").value()));
        return policies;
    }

    /** What the code logs (slf4j-simple writes to the current System.err) while {@code action} runs. */
    private static String capturingStderr(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text);
        return text;
    }
}
