package dev.freshet.bandits.stream;

import dev.freshet.core.error.InvalidInputException;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecisionJsonTest {

    private static DecisionRecord decision() {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("user_activity:clicks_5m", 3L);
        inputs.put("user_activity:spend_1h", 12.5);
        inputs.put("device", "ios");
        inputs.put("returning", true);
        inputs.put("user_activity:last_item", null);
        return new DecisionRecord("d-1", "homepage", "homepage-v3", 1_700_000_000_000L, Map.of("user_id", "u1"), inputs,
                List.of("banner_a", "banner_b", "banner_c"), List.of(0.25, 0.5, 0.25), "banner_b", 0.5);
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aDecisionRoundTripsWithEveryKindOfInput() {
        DecisionRecord d = decision();
        DecisionRecord back = DecisionJson.decodeDecision(DecisionJson.encode(d));
        assertThat(back).isEqualTo(d);
        assertThat(back.inputs()).containsEntry("user_activity:last_item", null);
        assertThat(back.inputs().keySet()).as("the inputs keep their order").containsExactlyElementsOf(d.inputs().keySet());
    }

    @Test
    void anOutcomeRoundTripsAndReadsAsItsDecision() {
        Outcome o = new Outcome(decision(), 1.5, 2, 1_700_000_004_000L);
        byte[] bytes = DecisionJson.encode(o);
        assertThat(DecisionJson.decodeOutcome(bytes)).isEqualTo(o);
        assertThat(DecisionJson.decodeDecision(bytes)).isEqualTo(o.decision());

        Outcome defaulted = new Outcome(decision(), 0, 0, 1_700_000_030_000L);
        assertThat(DecisionJson.decodeOutcome(DecisionJson.encode(defaulted))).isEqualTo(defaulted);
    }

    @Test
    void membersItDoesNotKnowAreSkipped() {
        byte[] bytes = json("""
                {"decision_id": "d", "bandit": "b", "policy_version": "b-v1", "ts": 5, "extra": {"nested": [1, 2]},
                 "candidates": ["x"], "distribution": [1], "action": "x", "probability": 1, "reward": 0, "rewards": 0, "reward_ts": 6}""");
        Outcome o = DecisionJson.decodeOutcome(bytes);
        assertThat(o.decision().candidates()).containsExactly("x");
        assertThat(o.decision().entities()).isEmpty();
        assertThat(o.rewardTimestamp()).isEqualTo(6);
    }

    @Test
    void aDecisionIsNotAnOutcome() {
        assertThatThrownBy(() -> DecisionJson.decodeOutcome(DecisionJson.encode(decision())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("an outcome has no \"reward\" (a logged decision is not an outcome)");
    }

    private static void rejects(String text, String message) {
        assertThatThrownBy(() -> DecisionJson.decodeDecision(json(text))).as(text)
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(message);
    }

    private static final String VALID_HEAD = "{\"decision_id\": \"d\", \"bandit\": \"b\", \"policy_version\": \"b-v1\", \"ts\": 5, ";

    @Test
    void malformedRecordsSayWhatIsWrong() {
        rejects("[1, 2]", "a decision record is not a JSON object");
        rejects("{\"decision_id\": \"d\", ", "a decision record is not valid JSON");
        rejects("not json", "a decision record is not valid JSON");
        rejects("{\"decision_id\": \"d\"}", "a decision record lacks one of decision_id, bandit, policy_version, ts, action and probability");
        rejects("{\"decision_id\": 7}", "a decision record \"decision_id\" is not a string");
        rejects(VALID_HEAD.replace("\"ts\": 5", "\"ts\": \"now\"") + "\"action\": \"x\", \"probability\": 1}", "\"ts\" is not an integer");
        rejects(VALID_HEAD + "\"action\": \"x\", \"probability\": \"high\"}", "\"probability\" is not a number");
        rejects(VALID_HEAD + "\"candidates\": \"x\", \"action\": \"x\", \"probability\": 1}", "\"candidates\" is not an array");
        rejects(VALID_HEAD + "\"candidates\": [\"x\", 2], \"action\": \"x\", \"probability\": 1}", "\"candidates\" is not a string");
        rejects(VALID_HEAD + "\"distribution\": [\"half\"], \"action\": \"x\", \"probability\": 1}", "\"distribution\" is not a number");
        rejects(VALID_HEAD + "\"entities\": {\"user_id\": 1}, \"action\": \"x\", \"probability\": 1}", "\"entities.user_id\" is not a string");
        rejects(VALID_HEAD + "\"inputs\": {\"x\": [1]}, \"action\": \"x\", \"probability\": 1}", "input \"x\" is not a number, boolean, string or null");
        rejects(VALID_HEAD + "\"candidates\": [\"x\", \"y\"], \"distribution\": [1], \"action\": \"x\", \"probability\": 1}",
                "a decision record is inconsistent: 2 candidates but 1 probabilities");
        rejects(VALID_HEAD + "\"action\": \"x\", \"probability\": 0}",
                "a decision record is inconsistent: the chosen action's probability must be in (0, 1], not 0.0");
    }

    @Test
    void anOutcomeWithANonFiniteRewardIsRejected() {
        // 1e999 parses as infinity: learnt, it would ruin every estimate of the policy that learns it
        assertThatThrownBy(() -> DecisionJson.decodeOutcome(json(VALID_HEAD + "\"action\": \"x\", \"probability\": 1, \"reward\": 1e999}")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("\"reward\" is not a finite number");
        assertThatThrownBy(() -> DecisionJson.decodeOutcome(json(VALID_HEAD + "\"action\": \"x\", \"probability\": 1, \"reward\": null}")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("\"reward\" is not a number");
    }
}
