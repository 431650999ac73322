package dev.freshet.core.config;

import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.core.definition.Durations;
import dev.freshet.core.definition.PolicyKind;
import dev.freshet.core.definition.RewardSpec;
import dev.freshet.core.feature.FeatureRef;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.freshet.core.config.ExampleConfig.assertProblem;
import static dev.freshet.core.config.ExampleConfig.problems;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code bandits}: what a valid section loads to, and one message per rule it can break. */
class BanditsConfigTest {

    /** A feature view and a reward source; bandits start on line 20. */
    static final String HEAD = """
            project: shop
            entities:
              - {name: user, join_key: user_id}
            sources:
              - name: clicks
                timestamp_field: ts
                schema: {user_id: string, item_id: string, price: double, ts: timestamp}
              - name: rewards
                timestamp_field: ts
                schema: {decision_id: string, reward: double, ts: timestamp}
            feature_views:
              - name: user_activity
                entity: user
                source: clicks
                tile: 1m
                features:
                  - {name: clicks_5m, function: count, window: 5m}
                  - {name: spend_1h, function: sum, field: price, window: 1h}
            bandits:
            """;

    /** A contextual bandit: name on line 20, policy 21, actions 22, context_features 23, context 24, reward 25, options 26, publish_interval 27. */
    static final String HOMEPAGE = """
              - name: homepage
                policy: lin_ucb
                actions: [banner_a, banner_b, banner_c]
                context_features: [user_activity:clicks_5m, user_activity:spend_1h]
                context: [device, hour]
                reward: {source: rewards, join_key: decision_id, field: reward, window: 1h, default: 0, aggregate: first}
                options: {alpha: 1.0, lambda: 2.0}
                publish_interval: 10s
            """;

    /** The smallest bandit: name on line 20, policy 21, reward 22. */
    static final String MINIMAL = """
              - name: homepage
                policy: thompson
                reward: {source: rewards, join_key: decision_id, field: reward, window: 1h}
            """;

    private static final String REWARD = "{source: rewards, join_key: decision_id, field: reward, window: 1h, default: 0, aggregate: first}";
    private static final String OPTIONS = "{alpha: 1.0, lambda: 2.0}";

    /** The contextual bandit with one part replaced. */
    private static String homepage(String part, String replacement) {
        assertThat(HOMEPAGE).contains(part);
        return HEAD + HOMEPAGE.replace(part, replacement);
    }

    /** The smallest bandit with one part replaced. */
    private static String minimal(String part, String replacement) {
        assertThat(MINIMAL).contains(part);
        return HEAD + MINIMAL.replace(part, replacement);
    }

    private static BanditDefinition load(String yaml) {
        return FreshetConfig.parse(yaml, "f.yaml").bandits().get(0);
    }

    // ---- valid ----

    @Test
    void theExampleLoads() {
        FreshetConfig config = FreshetConfig.parse(HEAD + HOMEPAGE, "f.yaml");

        BanditOptions d = BanditOptions.defaults();
        assertThat(config.bandits()).containsExactly(new BanditDefinition("homepage", PolicyKind.LIN_UCB,
                List.of("banner_a", "banner_b", "banner_c"),
                List.of(new FeatureRef("user_activity", "clicks_5m"), new FeatureRef("user_activity", "spend_1h")),
                List.of("device", "hour"),
                new RewardSpec("rewards", "decision_id", "reward", Duration.ofHours(1), 0, RewardSpec.Aggregate.FIRST),
                new BanditOptions(d.epsilon(), 1.0, 2.0, d.v(), d.thompson(), d.form(), d.hashBuckets(), d.minProbability(),
                        d.samples(), d.seed(), ""),
                Duration.ofSeconds(10)));
        assertThat(config.bandit("homepage").orElseThrow().outcomesTopic()).isEqualTo("freshet.outcomes.homepage");
    }

    @Test
    void leftOutPartsTakeTheirDefaults() {
        BanditDefinition bandit = load(HEAD + MINIMAL);

        assertThat(bandit.actions()).isEmpty();
        assertThat(bandit.contextFeatures()).isEmpty();
        assertThat(bandit.context()).isEmpty();
        assertThat(bandit.reward()).isEqualTo(new RewardSpec("rewards", "decision_id", "reward", Duration.ofHours(1), 0,
                RewardSpec.Aggregate.FIRST));
        assertThat(bandit.options()).isEqualTo(BanditOptions.defaults());
        assertThat(bandit.publishInterval()).isEqualTo(BanditDefinition.DEFAULT_PUBLISH_INTERVAL);
    }

    @Test
    void everyOptionOfAPolicyIsRead() {
        BanditDefinition thompson = load(HEAD + MINIMAL + "    options: {thompson: gaussian, samples: 100, min_probability: 0.01, seed: -7}\n");
        BanditDefinition linTs = load(homepage("lin_ucb", "lin_ts").replace(OPTIONS,
                "{lambda: 0.5, v: 0.1, form: shared, hash_buckets: 64, samples: 10}"));
        BanditDefinition greedy = load(minimal("thompson", "epsilon_greedy") + "    options: {epsilon: 0.2}\n");

        assertThat(thompson.options()).isEqualTo(new BanditOptions(BanditOptions.DEFAULT_EPSILON, BanditOptions.DEFAULT_ALPHA,
                BanditOptions.DEFAULT_LAMBDA, BanditOptions.DEFAULT_V, "gaussian", "per_action", BanditOptions.DEFAULT_HASH_BUCKETS,
                0.01, 100, -7, ""));
        assertThat(linTs.options()).isEqualTo(new BanditOptions(BanditOptions.DEFAULT_EPSILON, BanditOptions.DEFAULT_ALPHA, 0.5, 0.1,
                "bernoulli", "shared", 64, 0, 10, BanditOptions.DEFAULT_SEED, ""));
        assertThat(greedy.options().epsilon()).isEqualTo(0.2);
    }

    @Test
    void theRewardMayBeSummedAndHaveAnyDefault() {
        RewardSpec reward = load(homepage("default: 0, aggregate: first", "default: -1.5, aggregate: SUM")).reward();

        assertThat(reward.defaultReward()).isEqualTo(-1.5);
        assertThat(reward.aggregate()).isEqualTo(RewardSpec.Aggregate.SUM);
    }

    @Test
    void vwCbOptionsAreVwsCommandLine() {
        String vw = homepage("lin_ucb", "vw_cb").replace(OPTIONS, "\"--cb_explore_adf --squarecb -q UA\"");

        assertThat(load(vw).options()).isEqualTo(BanditOptions.vw("--cb_explore_adf --squarecb -q UA"));
        assertThat(load(minimal("thompson", "vw_cb")).options()).isEqualTo(BanditOptions.vw(BanditOptions.DEFAULT_VW_ARGUMENTS));
    }

    @Test
    void aConfigWithoutBanditsHasNone() {
        assertThat(FreshetConfig.parse(HEAD.replace("bandits:\n", ""), "f.yaml").bandits()).isEmpty();
    }

    // ---- name and policy ----

    @Test
    void aBanditNeedsAValidUniqueName() {
        assertProblem(minimal("  - name: homepage\n    policy", "  - policy"), "f.yaml:20: bandits[0].name: is missing "
                + "(it names the bandit's topic freshet.outcomes.<name> and its checkpoints, e.g. name: homepage)");
        assertProblem(minimal("name: homepage", "name: home page"), "f.yaml:20: bandits[0].name: \"home page\" is not a valid "
                + "bandit name (1 to 100 of letters, digits, '.', '_' and '-'; it names the topic freshet.outcomes.<name>)");
        assertProblem(HEAD + MINIMAL + MINIMAL,
                "f.yaml:23: bandits[1].name: \"homepage\" is defined twice (first at bandits[0]; bandit names must be unique)");
    }

    @Test
    void aBanditIsNotNamedLikeAModel() {
        String model = """
                models:
                  - name: homepage
                    learner: ftrl
                    features: [user_activity:clicks_5m]
                    label: {source: rewards, join_key: decision_id, field: reward, window: 1h}
                """;

        assertProblem(HEAD.replace("bandits:\n", model + "bandits:\n") + MINIMAL, "f.yaml:25: bandits[0].name: \"homepage\" "
                + "is also the name of a model (models and bandits both checkpoint under model_store.path/<name>; rename one)");
    }

    @Test
    void aBanditOfModelsOrTheirVersionsRoutesPredictions() {
        String models = """
                models:
                  - name: ctr
                    learner: ftrl
                    features: [user_activity:clicks_5m]
                    label: {source: rewards, join_key: decision_id, field: reward, window: 1h}
                  - name: ctr_vw
                    learner: vw
                    features: [user_activity:clicks_5m]
                    label: {source: rewards, join_key: decision_id, field: reward, window: 1h}
                """;
        String head = HEAD.replace("bandits:\n", models + "bandits:\n");

        assertThat(load(head + MINIMAL.replace("policy: thompson", "policy: thompson\n    actions: [ctr-v12, ctr, ctr_vw]")).actions())
                .containsExactly("ctr-v12", "ctr", "ctr_vw");
        assertProblem(head + MINIMAL.replace("policy: thompson", "policy: thompson\n    actions: [ctr-v12, banner_a, ctr]"),
                "f.yaml:31: bandits[0].actions: mixes models or model versions (ctr-v12, ctr) with other actions (banner_a); a bandit "
                        + "splits /predict traffic only when all its actions are models or versions of them (<model>-v<n>): make them "
                        + "all of one kind");
        assertProblem(head + MINIMAL.replace("policy: thompson", "policy: thompson\n    actions: [ctr-v0, ctr]"),
                "f.yaml:31: bandits[0].actions[0]: \"ctr-v0\" is version 0 of model ctr, the untrained model, which is never "
                        + "published (pin a version /predict has reported as model_version, or name the model for its latest version)");
        assertThat(load(HEAD + MINIMAL.replace("policy: thompson", "policy: thompson\n    actions: [ctr-v12, banner_a]")).actions())
                .as("without a model ctr, ctr-v12 is an action like any other").containsExactly("ctr-v12", "banner_a");
    }

    @Test
    void aBanditNeedsAKnownPolicy() {
        assertProblem(minimal("    policy: thompson\n", ""), "f.yaml:20: bandits[0].policy: is missing "
                + "(policies: epsilon_greedy, ucb1, thompson, lin_ucb, lin_ts, vw_cb)");
        assertProblem(minimal("thompson", "thomson"), "f.yaml:21: bandits[0].policy: \"thomson\" is not a policy "
                + "(policies: epsilon_greedy, ucb1, thompson, lin_ucb, lin_ts, vw_cb; did you mean thompson?)");
    }

    @Test
    void anUnknownKeySuggestsTheClosestOne() {
        assertProblem(homepage("context_features:", "context_feature:"), "f.yaml:23: bandits[0].context_feature: unknown key "
                + "(allowed: name, policy, actions, context_features, context, reward, options, publish_interval; "
                + "did you mean context_features?)");
    }

    // ---- actions ----

    @Test
    void actionsAreDistinctNonEmptyStrings() {
        assertProblem(homepage("[banner_a, banner_b, banner_c]", "[]"), "f.yaml:22: bandits[0].actions: is empty "
                + "(list the actions, or leave actions out so that each request sends its candidates)");
        assertProblem(homepage("banner_b", "\"\""),
                "f.yaml:22: bandits[0].actions[1]: is empty (an action is a non-empty name, e.g. banner_a)");
        assertProblem(homepage("banner_b", "\" banner_b\""),
                "f.yaml:22: bandits[0].actions[1]: \" banner_b\" starts or ends with whitespace (write the action without it)");
        assertProblem(homepage("banner_c", "banner_a"),
                "f.yaml:22: bandits[0].actions[2]: \"banner_a\" is listed twice (first at actions[0])");
        assertThat(load(homepage("banner_c", "\"Banner C: 50% off!\"")).actions()).contains("Banner C: 50% off!");
    }

    @Test
    void aBanditHasAtMostAThousandActions() {
        String many = IntStream.range(0, 1001).mapToObj(i -> "a" + i).collect(Collectors.joining(", ", "[", "]"));

        assertProblem(homepage("[banner_a, banner_b, banner_c]", many), "f.yaml:22: bandits[0].actions: has 1001 actions, "
                + "but a bandit may have at most 1000 (leave actions out and let each request send its candidates)");
    }

    // ---- context ----

    @Test
    void contextFeaturesMustExistOnce() {
        assertProblem(homepage("user_activity:spend_1h", "spend_1h"), "f.yaml:23: bandits[0].context_features[1]: \"spend_1h\" "
                + "is not a feature reference (write it as view:feature, e.g. user_activity:clicks_5m; did you mean user_activity:spend_1h?)");
        assertProblem(homepage("user_activity:spend_1h", "user_activty:spend_1h"), "f.yaml:23: bandits[0].context_features[1]: "
                + "\"user_activty:spend_1h\" names no feature view (feature views: user_activity; did you mean user_activity?)");
        assertProblem(homepage("user_activity:spend_1h", "user_activity:spend_1d"), "f.yaml:23: bandits[0].context_features[1]: "
                + "\"user_activity:spend_1d\" names no feature of view 'user_activity' (features: clicks_5m, spend_1h; did you mean spend_1h?)");
        assertProblem(homepage("user_activity:spend_1h", "user_activity:clicks_5m"), "f.yaml:23: bandits[0].context_features[1]: "
                + "\"user_activity:clicks_5m\" is listed twice (first at context_features[0])");
    }

    @Test
    void contextFieldsAreUniqueNamesThatDifferFromFeatures() {
        assertProblem(homepage("[device, hour]", "[device, \"hour of day\"]"), "f.yaml:24: bandits[0].context[1]: \"hour of day\" "
                + "is not a valid name (letters, digits and _, starting with a letter or _)");
        assertProblem(homepage("[device, hour]", "[device, device]"),
                "f.yaml:24: bandits[0].context[1]: \"device\" is listed twice (first at context[0])");
        assertProblem(homepage("[device, hour]", "[device, clicks_5m]"), "f.yaml:24: bandits[0].context[1]: \"clicks_5m\" is also "
                + "the name of feature user_activity:clicks_5m (the policy could not tell them apart; rename the context field)");
    }

    @Test
    void aMultiArmedPolicyIgnoresContext() {
        String thompson = homepage("lin_ucb", "thompson").replace(OPTIONS, "{samples: 10}");

        assertThat(problems(thompson)).containsExactly(
                "f.yaml:23: bandits[0].context_features: is given, but policy thompson ignores context (use lin_ucb, lin_ts or vw_cb, or remove it)",
                "f.yaml:24: bandits[0].context: is given, but policy thompson ignores context (use lin_ucb, lin_ts or vw_cb, or remove it)");
    }

    // ---- reward ----

    @Test
    void aBanditNeedsAReward() {
        assertProblem(homepage("    reward: " + REWARD + "\n", ""), "f.yaml:20: bandits[0].reward: is missing (where rewards come from, "
                + "e.g. reward: {source: rewards, join_key: decision_id, field: reward, window: 1h})");
        assertThat(problems(homepage(REWARD, "{}"))).containsExactly(
                "f.yaml:25: bandits[0].reward.source: is missing (the source whose events are rewards, e.g. source: rewards)",
                "f.yaml:25: bandits[0].reward.join_key: is missing (the field of the reward events holding the decision id, e.g. join_key: decision_id)",
                "f.yaml:25: bandits[0].reward.field: is missing (the field of the reward events holding the reward, e.g. field: reward)",
                "f.yaml:25: bandits[0].reward.window: is missing (how long after a decision its rewards may arrive, e.g. window: 1h)");
    }

    @Test
    void theRewardComesFromAFieldOfADefinedSource() {
        assertProblem(homepage("source: rewards", "source: reward"),
                "f.yaml:25: bandits[0].reward.source: \"reward\" is not a defined source (sources: clicks, rewards; did you mean rewards?)");
        assertProblem(homepage("join_key: decision_id", "join_key: decisionid"), "f.yaml:25: bandits[0].reward.join_key: \"decisionid\" "
                + "is not a field of source 'rewards' (fields: decision_id, reward, ts; did you mean decision_id?)");
        assertProblem(homepage("join_key: decision_id", "join_key: ts"), "f.yaml:25: bandits[0].reward.join_key: \"ts\" "
                + "has type timestamp in source 'rewards' (the decision id must be a string field)");
        assertProblem(homepage("field: reward", "field: decision_id"), "f.yaml:25: bandits[0].reward.field: \"decision_id\" has type "
                + "string in source 'rewards' (a reward is a boolean, long or double field: true is 1, false 0)");
    }

    @Test
    void theRewardWindowIsAPositiveDuration() {
        assertProblem(homepage("window: 1h", "window: 1x"), "f.yaml:25: bandits[0].reward.window: \"1x\" " + Durations.RULE);
        assertProblem(homepage("window: 1h", "window: 0s"), "f.yaml:25: bandits[0].reward.window: \"0ms\" must be positive");
    }

    @Test
    void theDefaultRewardIsAFiniteNumber() {
        assertProblem(homepage("default: 0", "default: none"), "f.yaml:25: bandits[0].reward.default: \"none\" is not a number");
        assertProblem(homepage("default: 0", "default: 1e999"), "f.yaml:25: bandits[0].reward.default: \"1e999\" is too large "
                + "(the reward of a decision that gets none within the window; the default is 0.0)");
    }

    @Test
    void theAggregateIsFirstSumOrLast() {
        assertProblem(homepage("aggregate: first", "aggregate: frist"), "f.yaml:25: bandits[0].reward.aggregate: \"frist\" "
                + "is not a way to combine rewards (aggregates: first, sum, last; did you mean first?)");
    }

    @Test
    void anUnknownRewardKeySuggestsTheClosestOne() {
        assertProblem(homepage("default: 0", "defualt: 0"), "f.yaml:25: bandits[0].reward.defualt: unknown key "
                + "(allowed: source, join_key, field, window, default, aggregate; did you mean default?)");
    }

    // ---- options ----

    @Test
    void optionsOfFreshetsPoliciesAreAMapping() {
        assertProblem(homepage(OPTIONS, "\"--alpha 1\""), "f.yaml:26: bandits[0].options: \"--alpha 1\" is a single value, but lin_ucb "
                + "options are a mapping (e.g. options: {min_probability: 0.01, seed: 7}; a string of options is for policy vw_cb)");
        assertProblem(homepage(OPTIONS, "{alpha: 1.0, lamda: 2.0}"), "f.yaml:26: bandits[0].options.lamda: unknown key (allowed: "
                + "epsilon, alpha, lambda, v, thompson, form, hash_buckets, min_probability, samples, seed; did you mean lambda?)");
    }

    @Test
    void anOptionOfAnotherPolicyIsAProblem() {
        assertThat(problems(homepage(OPTIONS, "{epsilon: 0.1, alpha: 1, v: 2, samples: 10}"))).containsExactly(
                "f.yaml:26: bandits[0].options.epsilon: does not apply to policy lin_ucb (epsilon is an option of epsilon_greedy; remove it)",
                "f.yaml:26: bandits[0].options.v: does not apply to policy lin_ucb (v is an option of lin_ts; remove it)",
                "f.yaml:26: bandits[0].options.samples: does not apply to policy lin_ucb (samples is an option of thompson and lin_ts; remove it)");
        assertProblem(minimal("thompson", "ucb1") + "    options: {lambda: 1}\n",
                "f.yaml:23: bandits[0].options.lambda: does not apply to policy ucb1 (lambda is an option of lin_ucb and lin_ts; remove it)");
    }

    @Test
    void optionsAreInRange() {
        assertThat(problems(minimal("thompson", "epsilon_greedy") + "    options: {epsilon: 1.5, min_probability: 1, seed: x}\n"))
                .containsExactly(
                        "f.yaml:23: bandits[0].options.epsilon: \"1.5\" is not between 0 and 1 (the probability of a uniformly random action; "
                                + "the default is 0.05)",
                        "f.yaml:23: bandits[0].options.min_probability: \"1\" is not at least 0 and below 1 (the least probability of any "
                                + "candidate; the default is 0.0)",
                        "f.yaml:23: bandits[0].options.seed: \"x\" is not an integer");
        assertThat(problems(homepage(OPTIONS, "{alpha: -1, lambda: 0, form: share, hash_buckets: 5000}"))).containsExactly(
                "f.yaml:26: bandits[0].options.alpha: \"-1\" must not be negative (the width of the confidence bound; the default is 1.0)",
                "f.yaml:26: bandits[0].options.lambda: \"0\" must be positive (ridge regularisation; the default is 1.0)",
                "f.yaml:26: bandits[0].options.form: \"share\" is not a model form (forms: per_action, shared; did you mean shared?)",
                "f.yaml:26: bandits[0].options.hash_buckets: \"5000\" is out of range (1 to 4096)");
        assertThat(problems(homepage("lin_ucb", "lin_ts").replace(OPTIONS, "{v: 0, samples: 0}"))).containsExactly(
                "f.yaml:26: bandits[0].options.v: \"0\" must be positive (the scale of the posterior's covariance; the default is 1.0)",
                "f.yaml:26: bandits[0].options.samples: \"0\" is out of range (1 to 1000000)");
        assertProblem(HEAD + MINIMAL + "    options: {thompson: beta}\n",
                "f.yaml:23: bandits[0].options.thompson: \"beta\" is not a posterior (posteriors: bernoulli, gaussian)");
    }

    @Test
    void bernoulliThompsonSamplingNeedsRewardsBetweenZeroAndOne() {
        String yaml = minimal("window: 1h}", "window: 1h, default: -1}");

        assertProblem(yaml, "f.yaml:22: bandits[0].reward.default: \"-1.0\" is not between 0 and 1, but Bernoulli Thompson sampling "
                + "learns from rewards in [0, 1] (give a default in [0, 1], or set options: {thompson: gaussian})");
        assertThat(load(yaml + "    options: {thompson: gaussian}\n").reward().defaultReward()).isEqualTo(-1);
    }

    @Test
    void theProbabilityFloorMustLeaveRoomForEveryAction() {
        assertProblem(homepage(OPTIONS, "{min_probability: 0.4}"), "f.yaml:26: bandits[0].options.min_probability: \"0.4\" is too large "
                + "for 3 actions (each gets at least min_probability and together they add up to 1, so it must be at most 1/3)");
        load(homepage(OPTIONS, "{min_probability: 0.3}"));
    }

    @Test
    void vwCbOptionsAreAStringWithCbExploreAdf() {
        assertProblem(homepage("lin_ucb", "vw_cb"), "f.yaml:26: bandits[0].options: is a mapping, but vw_cb options are VW's command "
                + "line in one string (e.g. options: \"--cb_explore_adf --squarecb\"; a mapping of options is for the other policies)");
        assertThat(problems(homepage("lin_ucb", "vw_cb").replace(OPTIONS, "\"--cb_explore --passes 2 --loss_function squared\"")))
                .containsExactly(
                        "f.yaml:26: bandits[0].options: VW option --passes is not allowed: a streaming learner sees each example once",
                        "f.yaml:26: bandits[0].options: vw_cb needs --cb_explore_adf: Freshet gives VW one line per candidate action",
                        "f.yaml:26: bandits[0].options: VW option --cb_explore is not allowed: it reads one line per decision, but a vw_cb policy writes a line per candidate action for --cb_explore_adf");
    }

    // ---- publish_interval ----

    @Test
    void thePublishIntervalIsAPositiveDuration() {
        assertProblem(homepage("publish_interval: 10s", "publish_interval: often"),
                "f.yaml:27: bandits[0].publish_interval: \"often\" " + Durations.RULE);
        assertProblem(homepage("publish_interval: 10s", "publish_interval: 0s"),
                "f.yaml:27: bandits[0].publish_interval: \"0ms\" must be positive");
    }

    // ---- many problems, no cascades ----

    @Test
    void everyProblemIsReportedInOneRun() {
        // the brief's example: a multi-armed policy given context and another policy's option
        String yaml = homepage("lin_ucb", "thompson").replace(OPTIONS, "{epsilon: 0.05, alpha: 1.0}")
                + MINIMAL.replace("homepage", "search").replace("window: 1h", "window: 1x").replace("rewards", "reward");

        assertThat(problems(yaml)).containsExactly(
                "f.yaml:23: bandits[0].context_features: is given, but policy thompson ignores context (use lin_ucb, lin_ts or vw_cb, or remove it)",
                "f.yaml:24: bandits[0].context: is given, but policy thompson ignores context (use lin_ucb, lin_ts or vw_cb, or remove it)",
                "f.yaml:26: bandits[0].options.epsilon: does not apply to policy thompson (epsilon is an option of epsilon_greedy; remove it)",
                "f.yaml:26: bandits[0].options.alpha: does not apply to policy thompson (alpha is an option of ucb1 and lin_ucb; remove it)",
                "f.yaml:30: bandits[1].reward.window: \"1x\" " + Durations.RULE,
                "f.yaml:30: bandits[1].reward.source: \"reward\" is not a defined source (sources: clicks, rewards; did you mean rewards?)");
    }

    @Test
    void anUnknownPolicyIsNotReportedAgainThroughItsOptionsOrContext() {
        assertThat(problems(homepage("lin_ucb", "linucb").replace(OPTIONS, "{whatever: 1}"))).containsExactly(
                "f.yaml:21: bandits[0].policy: \"linucb\" is not a policy "
                        + "(policies: epsilon_greedy, ucb1, thompson, lin_ucb, lin_ts, vw_cb; did you mean lin_ucb?)");
    }

    @Test
    void aBrokenSourceIsNotReportedAgainThroughTheReward() {
        String yaml = HEAD.replace("reward: double", "reward: dubble") + MINIMAL;

        assertThat(problems(yaml)).hasSize(1).first().asString().startsWith("f.yaml:10: sources[1].schema.reward: \"dubble\"");
    }

    @Test
    void anUnreadableBanditOrPartIsReportedOnce() {
        assertThat(problems(HEAD + "  - homepage\n")).containsExactly(
                "f.yaml:20: bandits[0]: \"homepage\" is a single value, but must be a mapping (key: value pairs)");
        assertThat(problems(homepage("reward: " + REWARD, "reward: rewards"))).containsExactly(
                "f.yaml:25: bandits[0].reward: \"rewards\" is a single value, but must be a mapping (key: value pairs)");
        assertThat(problems(homepage("[device, hour]", "[{device: x}, hour]"))).containsExactly(
                "f.yaml:24: bandits[0].context[0]: is a mapping, but must be a single value");
    }

    @Test
    void anUnknownPosteriorIsNotReportedAgainThroughTheDefaultReward() {
        assertThat(problems(minimal("window: 1h}", "window: 1h, default: 5}") + "    options: {thompson: gausian}\n")).containsExactly(
                "f.yaml:23: bandits[0].options.thompson: \"gausian\" is not a posterior (posteriors: bernoulli, gaussian; did you mean gaussian?)");
    }
}
