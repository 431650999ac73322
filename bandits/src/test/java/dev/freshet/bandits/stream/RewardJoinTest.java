package dev.freshet.bandits.stream;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Entity;
import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.PolicyKind;
import dev.freshet.core.definition.RewardSpec;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.definition.Source;
import dev.freshet.core.definition.SourceFormat;
import dev.freshet.core.event.Event;
import dev.freshet.core.event.EventJson;
import dev.freshet.learners.stream.JoinCounters;
import dev.freshet.learners.stream.OutcomeJoin;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The reward join of bandits on {@link TopologyTestDriver}: each aggregate, the default, API rewards and what is counted. */
class RewardJoinTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final Duration WINDOW = Duration.ofSeconds(10);

    static final Source REWARDS = new Source("rewards", "rewards", SourceFormat.JSON, "ts", Schema.of(
            new Field("decision_id", FieldType.STRING), new Field("reward", FieldType.DOUBLE), new Field("revenue", FieldType.DOUBLE),
            new Field("ts", FieldType.TIMESTAMP)));
    static final Source CLICKS = new Source("clicks", "clicks", SourceFormat.JSON, "ts", Schema.of(
            new Field("decision_id", FieldType.STRING), new Field("clicked", FieldType.BOOLEAN), new Field("ts", FieldType.TIMESTAMP)));
    private static final Definitions DEFINITIONS = Definitions.of(List.of(new Entity("user", "user_id")), List.of(REWARDS, CLICKS), List.of());

    @TempDir
    Path state;

    private TopologyTestDriver driver;
    private final JoinCounters counters = new JoinCounters();
    private TestInputTopic<byte[], byte[]> decisions;
    private TestInputTopic<byte[], byte[]> rewards;
    private TestInputTopic<byte[], byte[]> clicks;
    private TestInputTopic<byte[], byte[]> api;

    static BanditDefinition bandit(String name, String source, String field, RewardSpec.Aggregate aggregate, double defaultReward) {
        return new BanditDefinition(name, PolicyKind.EPSILON_GREEDY, List.of("a", "b", "c"), List.of(), List.of(),
                new RewardSpec(source, "decision_id", field, WINDOW, defaultReward, aggregate), BanditOptions.defaults(),
                BanditDefinition.DEFAULT_PUBLISH_INTERVAL);
    }

    static BanditDefinition bandit(String name, RewardSpec.Aggregate aggregate) {
        return bandit(name, "rewards", "reward", aggregate, 0);
    }

    static FreshetConfig config(BanditDefinition... bandits) {
        return FreshetConfig.of("deciding", DEFINITIONS).withBandits(List.of(bandits));
    }

    private void start(BanditDefinition... bandits) {
        Properties p = new Properties();
        p.put("application.id", "reward-join-test");
        p.put("bootstrap.servers", "unused:9092");
        p.put("state.dir", state.toString());
        driver = new TopologyTestDriver(RewardJoin.topology(config(bandits), s -> "freshet.events." + s, counters), p,
                Instant.ofEpochMilli(NOW));
        decisions = driver.createInputTopic(BanditTopics.DECISIONS, new ByteArraySerializer(), new ByteArraySerializer());
        rewards = driver.createInputTopic("freshet.events.rewards", new ByteArraySerializer(), new ByteArraySerializer());
        clicks = driver.createInputTopic("freshet.events.clicks", new ByteArraySerializer(), new ByteArraySerializer());
        api = driver.createInputTopic(BanditTopics.REWARDS, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private static DecisionRecord decision(String id, String bandit) {
        return new DecisionRecord(id, bandit, bandit + "-v0", NOW, Map.of("user_id", "u1"), Map.of(),
                List.of("a", "b", "c"), List.of(0.2, 0.5, 0.3), "b", 0.5);
    }

    private DecisionRecord decide(String id, String bandit) {
        DecisionRecord d = decision(id, bandit);
        decisions.pipeInput(bytes(id), DecisionJson.encode(d), NOW);
        return d;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A rewards event in its canonical JSON, as ingest writes it to {@code freshet.events.rewards}. */
    private static byte[] rewardEvent(String decisionId, Double reward, long ts) {
        Event.Builder b = Event.builder(REWARDS.schema()).key("").timestamp(ts).set("ts", ts);
        if (decisionId != null) {
            b.set("decision_id", decisionId);
        }
        if (reward != null) {
            b.set("reward", reward);
        }
        return EventJson.of(REWARDS, null).encode(b.build());
    }

    private void reward(String decisionId, Double reward, long ts) {
        rewards.pipeInput(bytes("u1"), rewardEvent(decisionId, reward, ts), ts);
    }

    private void click(String decisionId, boolean clicked, long ts) {
        Event e = Event.builder(CLICKS.schema()).key("").timestamp(ts).set("ts", ts).set("decision_id", decisionId).set("clicked", clicked).build();
        clicks.pipeInput(bytes("u1"), EventJson.of(CLICKS, null).encode(e), ts);
    }

    private TestOutputTopic<byte[], byte[]> outcomesOf(String bandit) {
        return driver.createOutputTopic("freshet.outcomes." + bandit, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<Outcome> drain(TestOutputTopic<byte[], byte[]> topic) {
        return topic.readValuesToList().stream().map(DecisionJson::decodeOutcome).toList();
    }

    /** Past every window and the sweep that closes it (a sweep runs at least every second). */
    private void closeWindows() {
        driver.advanceWallClockTime(WINDOW.plusSeconds(2));
    }

    @Test
    void theFirstRewardIsWrittenAtOnceAndLaterOnesAreDuplicatesUntilTheDeadline() {
        start(bandit("homepage", RewardSpec.Aggregate.FIRST));
        TestOutputTopic<byte[], byte[]> out = outcomesOf("homepage");
        DecisionRecord d = decide("d1", "homepage");
        reward("d1", 0.7, NOW + 1_000);

        assertThat(drain(out)).as("written at once, not at the window's close")
                .containsExactly(new Outcome(d, 0.7, 1, NOW + 1_000));
        reward("d1", 5.0, NOW + 2_000);
        assertThat(drain(out)).isEmpty();
        assertThat(counters.duplicateOutcomes()).isEqualTo(1);

        closeWindows();
        assertThat(drain(out)).as("a settled decision writes nothing when its window closes").isEmpty();
        reward("d1", 1.0, NOW + WINDOW.toMillis() + 3_000);
        assertThat(drain(out)).isEmpty();
        driver.advanceWallClockTime(java.time.Duration.ofMillis(OutcomeJoin.EARLY_GRACE_MS + 1_000)); // no decision comes for it
        assertThat(counters.unknownOutcomes()).as("after the deadline the decision is forgotten").isEqualTo(1);
        assertThat(counters.duplicateOutcomes()).isEqualTo(1);
        assertThat(counters.observed()).isEqualTo(1);
        assertThat(counters.defaulted()).isZero();
    }

    @Test
    void sumAddsTheRewardsAndWritesOnlyWhenTheWindowCloses() {
        start(bandit("homepage", RewardSpec.Aggregate.SUM));
        TestOutputTopic<byte[], byte[]> out = outcomesOf("homepage");
        DecisionRecord d = decide("d1", "homepage");
        reward("d1", 0.5, NOW + 1_000);
        reward("d1", 1.25, NOW + 4_000);
        driver.advanceWallClockTime(WINDOW.minusSeconds(2));
        assertThat(drain(out)).as("the window is still open").isEmpty();

        closeWindows();
        assertThat(drain(out)).containsExactly(new Outcome(d, 1.75, 2, NOW + 4_000));
        assertThat(counters.observed()).isEqualTo(1);
        assertThat(counters.duplicateOutcomes()).isZero();
    }

    @Test
    void lastKeepsTheLatestRewardBeforeTheWindowCloses() {
        start(bandit("homepage", RewardSpec.Aggregate.LAST));
        TestOutputTopic<byte[], byte[]> out = outcomesOf("homepage");
        DecisionRecord d = decide("d1", "homepage");
        reward("d1", 3.0, NOW + 1_000);
        reward("d1", -1.0, NOW + 2_000);
        assertThat(drain(out)).isEmpty();

        closeWindows();
        assertThat(drain(out)).containsExactly(new Outcome(d, -1.0, 2, NOW + 2_000));
    }

    @Test
    void aDecisionWithoutARewardGetsTheDefaultWhenItsWindowPasses() {
        start(bandit("homepage", "rewards", "reward", RewardSpec.Aggregate.SUM, 0.25));
        TestOutputTopic<byte[], byte[]> out = outcomesOf("homepage");
        DecisionRecord d = decide("d1", "homepage");
        driver.advanceWallClockTime(WINDOW.minusSeconds(1));
        assertThat(drain(out)).isEmpty();

        closeWindows();
        assertThat(drain(out)).containsExactly(new Outcome(d, 0.25, 0, NOW + WINDOW.toMillis()));
        assertThat(counters.defaulted()).isEqualTo(1);
        assertThat(counters.observed()).isZero();
    }

    @Test
    void rewardsSentThroughTheApiRewardADecisionOfAnyBandit() {
        start(bandit("homepage", RewardSpec.Aggregate.FIRST), bandit("search", "clicks", "clicked", RewardSpec.Aggregate.SUM, 0));
        TestOutputTopic<byte[], byte[]> homepage = outcomesOf("homepage");
        TestOutputTopic<byte[], byte[]> search = outcomesOf("search");
        DecisionRecord h = decide("h1", "homepage");
        DecisionRecord s = decide("s1", "search");
        api.pipeInput(bytes("h1"), OutcomeJoin.apiOutcome("h1", 1.0, NOW + 500), NOW + 500);
        api.pipeInput(bytes("s1"), OutcomeJoin.apiOutcome("s1", 2.0, NOW + 600), NOW + 600);
        click("s1", true, NOW + 700); // the search bandit's own source adds to the API's reward

        assertThat(drain(homepage)).containsExactly(new Outcome(h, 1.0, 1, NOW + 500));
        closeWindows();
        assertThat(drain(search)).containsExactly(new Outcome(s, 3.0, 2, NOW + 700));
        assertThat(drain(homepage)).isEmpty();
    }

    @Test
    void aRewardFromAnotherBanditsSourceDoesNotRewardADecision() {
        start(bandit("homepage", RewardSpec.Aggregate.FIRST), bandit("search", "clicks", "clicked", RewardSpec.Aggregate.FIRST, 0));
        TestOutputTopic<byte[], byte[]> homepage = outcomesOf("homepage");
        DecisionRecord h = decide("h1", "homepage");
        click("h1", true, NOW + 100);
        assertThat(drain(homepage)).isEmpty();
        assertThat(counters.unknownOutcomes()).isEqualTo(1);
        reward("h1", 0.5, NOW + 200);
        assertThat(drain(homepage)).as("the decision still waits for its own reward").containsExactly(new Outcome(h, 0.5, 1, NOW + 200));
    }

    private void rewardAndRevenue(String decisionId, double reward, double revenue, long ts) {
        Event e = Event.builder(REWARDS.schema()).key("").timestamp(ts).set("ts", ts).set("decision_id", decisionId).set("reward", reward)
                .set("revenue", revenue).build();
        rewards.pipeInput(bytes("u1"), EventJson.of(REWARDS, null).encode(e), ts);
    }

    /** Regression: one event used to count as a duplicate or unknown reward for every other field read from its source. */
    @Test
    void banditsReadingTwoFieldsOfOneSourceTakeTheirOwnAndCountAnEventOnce() {
        start(bandit("homepage", RewardSpec.Aggregate.FIRST), bandit("shop", "rewards", "revenue", RewardSpec.Aggregate.SUM, 0));
        TestOutputTopic<byte[], byte[]> homepage = outcomesOf("homepage");
        TestOutputTopic<byte[], byte[]> shop = outcomesOf("shop");
        DecisionRecord h = decide("h1", "homepage");
        DecisionRecord s = decide("s1", "shop");
        rewardAndRevenue("h1", 1.0, 9.5, NOW + 1);
        rewardAndRevenue("s1", 0.0, 4.0, NOW + 2);
        rewardAndRevenue("s1", 1.0, 2.0, NOW + 3);
        rewardAndRevenue("nobody", 1.0, 1.0, NOW + 4);

        assertThat(drain(homepage)).containsExactly(new Outcome(h, 1.0, 1, NOW + 1));
        closeWindows();
        assertThat(drain(shop)).containsExactly(new Outcome(s, 6.0, 2, NOW + 3));
        assertThat(counters.duplicateOutcomes()).isZero();
        assertThat(counters.unknownOutcomes()).as("the event for no decision, once").isEqualTo(1);
        assertThat(counters.observed()).isEqualTo(2);
    }

    @Test
    void unusableRewardsAreCountedAndSkipped() {
        start(bandit("homepage", RewardSpec.Aggregate.FIRST));
        TestOutputTopic<byte[], byte[]> out = outcomesOf("homepage");
        decide("d1", "homepage");
        reward(null, 1.0, NOW + 1);                                            // no decision id
        reward("d1", null, NOW + 2);                                           // no reward
        rewards.pipeInput(bytes("u1"), bytes("{\"decision_id\": \"d1\", \"reward\": \"lots\"}"), NOW + 3); // not a canonical event
        api.pipeInput(bytes("d1"), bytes("{\"id\": \"d1\", \"value\": \"lots\", \"ts\": 1}"), NOW + 4);  // not a number
        api.pipeInput(bytes("d1"), bytes("{\"value\": 1.0, \"ts\": 1}"), NOW + 5);                       // no id
        api.pipeInput(bytes("d1"), bytes("[1]"), NOW + 6);                                                // not an object

        assertThat(drain(out)).isEmpty();
        assertThat(counters.unusableOutcomes()).isEqualTo(6);
        assertThat(counters.unknownOutcomes()).isZero();
        reward("d1", 1.0, NOW + 7);
        assertThat(drain(out)).extracting(Outcome::reward).containsExactly(1.0);
    }

    @Test
    void rewardsForUnknownDecisionsAreCounted() {
        start(bandit("homepage", RewardSpec.Aggregate.FIRST));
        TestOutputTopic<byte[], byte[]> out = outcomesOf("homepage");
        reward("never-made", 1.0, NOW);
        api.pipeInput(bytes("never-made-either"), OutcomeJoin.apiOutcome("never-made-either", 1.0, NOW), NOW);
        assertThat(drain(out)).isEmpty();
        assertThat(counters.unknownOutcomes()).as("they may be early for a decision on its way").isZero();
        driver.advanceWallClockTime(java.time.Duration.ofMillis(OutcomeJoin.EARLY_GRACE_MS + 1_000));
        assertThat(counters.unknownOutcomes()).isEqualTo(2);
        assertThat(counters.unusableOutcomes()).isZero();
    }

    @Test
    void decisionsOfUnknownBanditsAndDuplicateDecisionsAreCounted() {
        start(bandit("homepage", RewardSpec.Aggregate.FIRST));
        TestOutputTopic<byte[], byte[]> out = outcomesOf("homepage");
        decide("d1", "homepage");
        decide("d1", "homepage");
        decide("r1", "retired");
        reward("r1", 1.0, NOW + 1);
        closeWindows();

        assertThat(drain(out)).extracting(o -> o.decision().decisionId()).containsExactly("d1");
        assertThat(counters.subjects()).isEqualTo(1);
        assertThat(counters.duplicateSubjects()).isEqualTo(1);
        assertThat(counters.unknownGroups()).isEqualTo(1);
        assertThat(counters.unknownOutcomes()).as("a reward for the retired bandit's decision").isEqualTo(1);
    }

    @Test
    void eachBanditsOutcomesGoToItsOwnTopic() {
        start(bandit("homepage", RewardSpec.Aggregate.FIRST), bandit("search", RewardSpec.Aggregate.FIRST));
        TestOutputTopic<byte[], byte[]> homepage = outcomesOf("homepage");
        TestOutputTopic<byte[], byte[]> search = outcomesOf("search");
        decide("h1", "homepage");
        decide("s1", "search");
        decide("s2", "search");
        reward("s1", 1.0, NOW + 1);
        reward("h1", 0.0, NOW + 2);
        closeWindows();

        assertThat(drain(homepage)).extracting(o -> o.decision().decisionId(), Outcome::reward, Outcome::rewards)
                .containsExactly(tuple("h1", 0.0, 1));
        assertThat(drain(search)).extracting(o -> o.decision().decisionId(), Outcome::reward, Outcome::rewards)
                .containsExactly(tuple("s1", 1.0, 1), tuple("s2", 0.0, 0));
        assertThat(counters.observed()).isEqualTo(2);
        assertThat(counters.defaulted()).isEqualTo(1);
    }

    @Test
    void aConfigurationWithoutBanditsHasNoRewardJoin() {
        assertThatThrownBy(() -> RewardJoin.topology(config(), s -> "freshet.events." + s, counters))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the configuration has no bandits");
    }
}
