package dev.freshet.app.cli;

import dev.freshet.bandits.stream.DecisionJson;
import dev.freshet.bandits.stream.DecisionRecord;
import dev.freshet.bandits.stream.Outcome;
import dev.freshet.bandits.stream.OutcomeRows;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.ingest.broker.EmbeddedKafka;
import dev.freshet.ingest.topic.TopicAdmin;
import dev.freshet.ingest.topic.TopicSpec;
import dev.freshet.offline.archive.EventArchive;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code freshet archive --once} with bandits: each bandit's outcomes ({@code freshet.outcomes.<bandit>},
 * read_committed) are archived beside the sources' events, as {@code freshet run} does, and a bandit
 * whose outcomes topic is empty, or does not exist yet, neither fails nor holds up the catch-up.
 */
@Timeout(120)
class ArchiveOutcomesTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final List<String> ACTIONS = List.of("banner_a", "banner_b", "banner_c");

    @TempDir
    static Path dir;
    static EmbeddedKafka broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafka.start(0, dir.resolve("kafka"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /** A project whose source {@code source} gives the rewards of each bandit named. */
    private static String yaml(String project, String source, List<String> bandits) {
        StringBuilder yaml = new StringBuilder("""
                project: %s
                kafka: {bootstrap_servers: "%s"}
                offline_store: {path: "%s"}
                entities:
                  - {name: user, join_key: user_id}
                sources:
                  - name: %s
                    timestamp_field: ts
                    schema: {decision_id: string, reward: double, ts: timestamp}
                bandits:
                """.formatted(project, broker.bootstrapServers(), dir.resolve(project).resolve("offline"), source));
        for (String b : bandits) {
            yaml.append("""
                      - name: %s
                        policy: lin_ucb
                        actions: [banner_a, banner_b, banner_c]
                        context: [device]
                        reward: {source: %s, join_key: decision_id, field: reward, window: 30s, default: 0}
                    """.formatted(b, source));
        }
        return yaml.toString();
    }

    private static void createTopics(List<String> topics) {
        try (TopicAdmin admin = TopicAdmin.connect(broker.bootstrapServers())) {
            admin.ensure(topics.stream().map(t -> new TopicSpec(t, 2, OptionalInt.of(1), Map.of(), "test")).toList());
        }
    }

    private static KafkaProducer<byte[], byte[]> transactional() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-" + UUID.randomUUID());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        return producer;
    }

    /** Outcomes of {@code bandit} as the reward join writes them, keyed by decision id, over a few UTC days. */
    private static List<Outcome> outcomes(String bandit, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String device = r.nextBoolean() ? "ios" : "android";
            int chosen = r.nextInt(ACTIONS.size());
            long ts = T0 + r.nextLong(3 * 86_400_000L);
            DecisionRecord d = new DecisionRecord("d-" + seed + "-" + i, bandit, bandit + "-v1", ts, Map.of("user_id", "u" + r.nextInt(20)),
                    Map.of("device", device), ACTIONS, List.of(0.2, 0.5, 0.3), ACTIONS.get(chosen), List.of(0.2, 0.5, 0.3).get(chosen));
            boolean rewarded = r.nextInt(3) != 0;
            out.add(new Outcome(d, rewarded ? r.nextInt(2) : 0.0, rewarded ? 1 : 0, ts + 1_000 + r.nextInt(29_000)));
        }
        return out;
    }

    /** Sends outcomes in one transaction; returns the last offset written to each partition when committed. */
    private static Map<Integer, Long> send(KafkaProducer<byte[], byte[]> producer, String topic, List<Outcome> outcomes, boolean commit)
            throws Exception {
        producer.beginTransaction();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (Outcome o : outcomes) {
            sent.add(producer.send(new ProducerRecord<>(topic, o.decision().decisionId().getBytes(StandardCharsets.UTF_8), DecisionJson.encode(o))));
        }
        producer.flush();
        if (!commit) {
            producer.abortTransaction();
            return Map.of();
        }
        producer.commitTransaction();
        Map<Integer, Long> last = new HashMap<>();
        for (Future<RecordMetadata> f : sent) {
            last.merge(f.get().partition(), f.get().offset(), Math::max);
        }
        return last;
    }

    @Test
    void theBanditsOutcomesAreArchivedBesideTheEventsAndAnEmptyTopicIsNoHoldUp() throws Exception {
        String yaml = yaml("deciding", "rewards", List.of("homepage", "checkout"));
        String config = Examples.write(dir, "deciding.yaml", yaml);
        FreshetConfig loaded = FreshetConfig.parse(yaml, "deciding.yaml");
        BanditDefinition homepage = loaded.bandits().get(0);
        BanditDefinition checkout = loaded.bandits().get(1);
        createTopics(List.of("freshet.events.rewards", homepage.outcomesTopic(), checkout.outcomesTopic()));
        List<Outcome> produced = new ArrayList<>(outcomes("homepage", 150, 1));
        Map<Integer, Long> last;
        try (KafkaProducer<byte[], byte[]> producer = transactional()) {
            last = new HashMap<>(send(producer, homepage.outcomesTopic(), produced, true));
            send(producer, homepage.outcomesTopic(), outcomes("homepage", 40, 2), false); // aborted: never archived
            List<Outcome> more = outcomes("homepage", 60, 3);
            send(producer, homepage.outcomesTopic(), more, true).forEach((p, o) -> last.merge(p, o, Math::max));
            produced.addAll(more);
        }

        Cli archive = Cli.run("archive", "--config", config, "--once");

        assertThat(archive.exitCode()).as(archive.out() + archive.err()).isZero();
        Path root = loaded.offlineStore().path();
        int files = EventArchive.files(root, OutcomeRows.source(homepage)).size();
        assertThat(archive.out())
                .contains("Archiving freshet.events.rewards, freshet.outcomes.homepage, freshet.outcomes.checkout from " + broker.bootstrapServers())
                .contains("Archive up to date: rewards: 0 events in 0 files; homepage outcomes: 210 outcomes in "
                        + Counts.plural(files, "file") + "; checkout outcomes: 0 outcomes in 0 files")
                .doesNotContain("does not exist");
        // the offsets the archiver committed are past every committed outcome (and the transaction markers)
        Map<Integer, Long> offsets = EventArchive.offsets(root, OutcomeRows.source(homepage));
        last.forEach((p, o) -> assertThat(offsets.get(p)).as("next offset of partition %d", p).isGreaterThan(o + 1));
        assertThat(EventArchive.files(root, OutcomeRows.source(checkout))).isEmpty();

        Map<String, Outcome> byId = new HashMap<>();
        produced.forEach(o -> byId.put(o.decision().decisionId(), o));
        Path archived = EventArchive.directory(root, OutcomeRows.source(homepage));
        assertThat(archived).isEqualTo(root.resolve("events").resolve("outcomes.homepage").toAbsolutePath());
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            String glob = "read_parquet('" + archived + "/*/*.parquet')";
            try (ResultSet rs = st.executeQuery("select count(*), count(distinct decision_id) from " + glob)) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).as("rows").isEqualTo(produced.size());
                assertThat(rs.getLong(2)).as("distinct decisions").isEqualTo(produced.size());
            }
            try (ResultSet rs = st.executeQuery("select decision_id, bandit, policy_version, epoch_ms(ts), action, probability, reward, "
                    + "rewards, epoch_ms(reward_ts), candidates, context from " + glob)) {
                int rows = 0;
                while (rs.next()) {
                    Outcome o = byId.get(rs.getString(1));
                    assertThat(o).as("archived decision %s was produced, and not aborted", rs.getString(1)).isNotNull();
                    DecisionRecord d = o.decision();
                    assertThat(List.of(rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5), rs.getDouble(6), rs.getDouble(7),
                            rs.getLong(8), rs.getLong(9), rs.getString(10), rs.getString(11)))
                            .as("row of %s", d.decisionId())
                            .containsExactly(d.bandit(), d.policyVersion(), d.timestamp(), d.action(), d.probability(), o.reward(),
                                    (long) o.rewards(), o.rewardTimestamp(), "[\"banner_a\",\"banner_b\",\"banner_c\"]",
                                    "{\"device\":\"" + d.inputs().get("device") + "\"}");
                    rows++;
                }
                assertThat(rows).isEqualTo(produced.size());
            }
        }

        // once more: nothing new, nothing archived twice
        Cli again = Cli.run("archive", "--config", config, "--once");
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("Catching up to ").contains("homepage outcomes: 210 outcomes in ");
        assertThat(EventArchive.rows(root, OutcomeRows.source(homepage))).isEqualTo(produced.size());
    }

    @Test
    void anOutcomesTopicThatDoesNotExistYetIsNamedAndLeftOut() {
        String yaml = yaml("undecided", "feedback", List.of("search"));
        String config = Examples.write(dir, "undecided.yaml", yaml);
        FreshetConfig loaded = FreshetConfig.parse(yaml, "undecided.yaml");
        createTopics(List.of("freshet.events.feedback")); // the bandit never decided: no freshet.outcomes.search

        Cli archive = Cli.run("archive", "--config", config, "--once");

        assertThat(archive.exitCode()).as(archive.out() + archive.err()).isZero();
        assertThat(archive.out()).contains("Archiving freshet.events.feedback, freshet.outcomes.search from ")
                .contains("freshet.outcomes.search does not exist yet: nothing to archive from it")
                .contains("Archive up to date: feedback: 0 events in 0 files; search outcomes: 0 outcomes in 0 files");
        assertThat(EventArchive.offsets(loaded.offlineStore().path(), OutcomeRows.source(loaded.bandits().get(0)))).isEmpty();
    }
}
