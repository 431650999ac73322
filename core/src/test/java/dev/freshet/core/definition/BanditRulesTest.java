package dev.freshet.core.definition;

import dev.freshet.core.feature.FeatureRef;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Bandits built in Java pass the same rules as bandits in YAML, with the paths they would have there. */
class BanditRulesTest {

    private static final Definitions DEFINITIONS = Definitions.builder()
            .entity("user", "user_id")
            .source("clicks", s -> s.field("user_id", FieldType.STRING).field("price", FieldType.DOUBLE).field("ts", FieldType.TIMESTAMP))
            .source("rewards", s -> s.field("decision_id", FieldType.STRING).field("reward", FieldType.DOUBLE)
                    .field("clicked", FieldType.BOOLEAN).field("ts", FieldType.TIMESTAMP))
            .featureView("user_activity", v -> v.entity("user").source("clicks").tile(Duration.ofMinutes(1))
                    .count("clicks_5m", Duration.ofMinutes(5)))
            .build();

    private static final List<FeatureRef> FEATURES = List.of(FeatureRef.parse("user_activity:clicks_5m"));
    private static final RewardSpec REWARD = new RewardSpec("rewards", "decision_id", "reward", Duration.ofHours(1), 0,
            RewardSpec.Aggregate.FIRST);
    private static final List<String> ACTIONS = List.of("banner_a", "banner_b");

    private static BanditDefinition bandit(String name, PolicyKind policy, List<String> actions, List<FeatureRef> features,
                                           List<String> context, RewardSpec reward, BanditOptions options) {
        return new BanditDefinition(name, policy, actions, features, context, reward, options, BanditDefinition.DEFAULT_PUBLISH_INTERVAL);
    }

    private static List<String> problems(List<ModelDefinition> models, BanditDefinition... bandits) {
        return BanditRules.validate(DEFINITIONS, models, List.of(bandits)).stream().map(Problem::describe).toList();
    }

    @Test
    void validBanditsOfEveryPolicyHaveNoProblems() {
        assertThat(problems(List.of(),
                bandit("greedy", PolicyKind.EPSILON_GREEDY, ACTIONS, List.of(), List.of(), REWARD, BanditOptions.defaults()),
                bandit("linucb", PolicyKind.LIN_UCB, List.of(), FEATURES, List.of("device"), REWARD, BanditOptions.defaults()),
                bandit("vw", PolicyKind.VW_CB, ACTIONS, FEATURES, List.of(), REWARD, BanditOptions.vw("--cb_explore_adf --squarecb"))))
                .isEmpty();
    }

    @Test
    void everyRuleIsCheckedWithTheYamlPaths() {
        BanditDefinition ok = bandit("homepage", PolicyKind.LIN_TS, ACTIONS, FEATURES, List.of(), REWARD, BanditOptions.defaults());
        BanditDefinition bad = new BanditDefinition("homepage", PolicyKind.LIN_UCB, List.of("a", "", " b", "a"),
                List.of(FeatureRef.parse("user_activity:clicks_1h")), List.of("clicks_5m"),
                new RewardSpec("rewards", "ts", "decision_id", Duration.ZERO, Double.POSITIVE_INFINITY, RewardSpec.Aggregate.SUM),
                BanditOptions.defaults(), Duration.ZERO);

        assertThat(problems(List.of(), ok, bad)).containsExactly(
                "bandits[1].name: \"homepage\" is defined twice (first at bandits[0]; bandit names must be unique)",
                "bandits[1].actions[1]: is empty (an action is a non-empty name, e.g. banner_a)",
                "bandits[1].actions[2]: \" b\" starts or ends with whitespace (write the action without it)",
                "bandits[1].actions[3]: \"a\" is listed twice (first at actions[0])",
                "bandits[1].context_features[0]: \"user_activity:clicks_1h\" names no feature of view 'user_activity' "
                        + "(features: clicks_5m; did you mean clicks_5m?)",
                "bandits[1].reward.join_key: \"ts\" has type timestamp in source 'rewards' (the decision id must be a string field)",
                "bandits[1].reward.field: \"decision_id\" has type string in source 'rewards' "
                        + "(a reward is a boolean, long or double field: true is 1, false 0)",
                "bandits[1].reward.window: \"0ms\" must be positive",
                "bandits[1].reward.default: \"Infinity\" is not a finite number "
                        + "(the reward of a decision that gets none within the window; 0 is the default)",
                "bandits[1].publish_interval: \"0ms\" must be positive");
    }

    @Test
    void aBanditIsNotNamedLikeAModel() {
        ModelDefinition model = new ModelDefinition("homepage", LearnerKind.FTRL, FEATURES, List.of(), List.of(),
                new LabelSpec("rewards", "decision_id", "clicked", Duration.ofHours(1), 0), LearnerOptions.Ftrl.defaults(),
                ModelDefinition.DEFAULT_PUBLISH_INTERVAL);

        assertThat(problems(List.of(model), bandit("homepage", PolicyKind.UCB1, ACTIONS, List.of(), List.of(), REWARD,
                BanditOptions.defaults()))).containsExactly("bandits[0].name: \"homepage\" is also the name of a model "
                + "(models and bandits both checkpoint under model_store.path/<name>; rename one)");
    }

    @Test
    void aMissingOrUnknownRewardSourceIsReported() {
        RewardSpec none = new RewardSpec("", "", "", Duration.ofHours(1), 0, RewardSpec.Aggregate.FIRST);
        RewardSpec unknown = new RewardSpec("reward", "decision_id", "reward", Duration.ofHours(1), 0, RewardSpec.Aggregate.FIRST);

        assertThat(problems(List.of(), bandit("a", PolicyKind.UCB1, ACTIONS, List.of(), List.of(), none, BanditOptions.defaults()),
                bandit("b", PolicyKind.UCB1, ACTIONS, List.of(), List.of(), unknown, BanditOptions.defaults()))).containsExactly(
                "bandits[0].reward.source: is missing (sources: clicks, rewards)",
                "bandits[1].reward.source: \"reward\" is not a defined source (sources: clicks, rewards; did you mean rewards?)");
    }

    @Test
    void aMultiArmedPolicyIgnoresContext() {
        assertThat(problems(List.of(), bandit("h", PolicyKind.UCB1, ACTIONS, FEATURES, List.of("device"), REWARD, BanditOptions.defaults())))
                .containsExactly(
                        "bandits[0].context_features: is given, but policy ucb1 ignores context (use lin_ucb, lin_ts or vw_cb, or remove it)",
                        "bandits[0].context: is given, but policy ucb1 ignores context (use lin_ucb, lin_ts or vw_cb, or remove it)");
    }

    @Test
    void optionsThatDependOnOtherPartsAreChecked() {
        BanditOptions d = BanditOptions.defaults();
        BanditOptions floor = new BanditOptions(d.epsilon(), d.alpha(), d.lambda(), d.v(), d.thompson(), d.form(), d.hashBuckets(),
                0.6, d.samples(), d.seed(), "");
        RewardSpec outOfRange = new RewardSpec("rewards", "decision_id", "reward", Duration.ofHours(1), 2, RewardSpec.Aggregate.FIRST);

        assertThat(problems(List.of(), bandit("t", PolicyKind.THOMPSON, ACTIONS, List.of(), List.of(), outOfRange, floor))).containsExactly(
                "bandits[0].reward.default: \"2.0\" is not between 0 and 1, but Bernoulli Thompson sampling learns from rewards in [0, 1] "
                        + "(give a default in [0, 1], or set options: {thompson: gaussian})",
                "bandits[0].options.min_probability: \"0.6\" is too large for 2 actions (each gets at least min_probability "
                        + "and together they add up to 1, so it must be at most 1/2)");
        // without actions, the number of candidates is only known per request
        assertThat(problems(List.of(), bandit("u", PolicyKind.UCB1, List.of(), List.of(), List.of(), outOfRange, floor))).isEmpty();
    }

    @Test
    void vwCbOptionsAreChecked() {
        assertThat(problems(List.of(), bandit("v", PolicyKind.VW_CB, ACTIONS, FEATURES, List.of(), REWARD, BanditOptions.vw("--cb_explore -d x"))))
                .containsExactly("bandits[0].options: VW option -d is not allowed: Freshet feeds the examples itself",
                        "bandits[0].options: vw_cb needs --cb_explore_adf: Freshet gives VW one line per candidate action",
                        "bandits[0].options: VW option --cb_explore is not allowed: it reads one line per decision, but a vw_cb policy writes a line per candidate action for --cb_explore_adf");
    }

    @Test
    void aBanditHasAtMostAThousandActions() {
        List<String> many = IntStream.range(0, BanditRules.MAX_ACTIONS + 1).mapToObj(i -> "a" + i).toList();

        assertThat(problems(List.of(), bandit("m", PolicyKind.UCB1, many, List.of(), List.of(), REWARD, BanditOptions.defaults())))
                .containsExactly("bandits[0].actions: has 1001 actions, but a bandit may have at most 1000 "
                        + "(leave actions out and let each request send its candidates)");
        assertThat(problems(List.of(), bandit("m", PolicyKind.UCB1, many.subList(0, BanditRules.MAX_ACTIONS), List.of(), List.of(),
                REWARD, BanditOptions.defaults()))).isEmpty();
    }
}
