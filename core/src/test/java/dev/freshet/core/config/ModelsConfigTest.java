package dev.freshet.core.config;

import dev.freshet.core.definition.Durations;
import dev.freshet.core.definition.LabelSpec;
import dev.freshet.core.definition.LearnerKind;
import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.feature.FeatureRef;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.freshet.core.config.ExampleConfig.assertProblem;
import static dev.freshet.core.config.ExampleConfig.problems;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code models} and {@code model_store}: what a valid section loads to, and one message per rule it can break. */
class ModelsConfigTest {

    /** Two views that share the feature name last_item, and a label source; models start on line 27. */
    static final String HEAD = """
            project: shop
            entities:
              - {name: user, join_key: user_id}
            sources:
              - name: clicks
                timestamp_field: ts
                schema: {user_id: string, item_id: string, price: double, ts: timestamp}
              - name: purchases
                timestamp_field: ts
                schema: {prediction_id: string, purchased: boolean, amount: double, ts: timestamp}
            feature_views:
              - name: user_activity
                entity: user
                source: clicks
                tile: 1m
                features:
                  - {name: clicks_5m, function: count, window: 5m}
                  - {name: spend_1h, function: sum, field: price, window: 1h}
                  - {name: last_item, function: last, field: item_id}
              - name: user_history
                entity: user
                source: clicks
                tile: 1h
                features:
                  - {name: last_item, function: last, field: item_id}
                  - {name: clicks_1d, function: count, window: 1d}
            models:
            """;

    /** The brief's model: name on line 28, features 30, context 31, interactions 32, label 33, options 34, publish_interval 35. */
    static final String CTR = """
              - name: ctr
                learner: ftrl
                features: [user_activity:clicks_5m, user_activity:spend_1h, user_activity:last_item]
                context: [item_id, hour]
                interactions: [[last_item, item_id]]
                label: {source: purchases, join_key: prediction_id, field: purchased, window: 30m, default: 0}
                options: {alpha: 0.05, beta: 1.0, l1: 1.0, l2: 1.0, hash_bits: 22}
                publish_interval: 10s
            """;

    static final String YAML = HEAD + CTR + "model_store: {path: ./data/models}\n";

    /** The smallest model: name on line 28, features 30, label 31. */
    static final String MINIMAL = """
              - name: ctr
                learner: ftrl
                features: [user_activity:clicks_5m]
                label: {source: purchases, join_key: prediction_id, field: purchased, window: 30m}
            """;

    private static final List<FeatureRef> CTR_FEATURES = List.of(new FeatureRef("user_activity", "clicks_5m"),
            new FeatureRef("user_activity", "spend_1h"), new FeatureRef("user_activity", "last_item"));

    /** The brief's model with one line replaced. */
    private static String ctr(String line, String replacement) {
        assertThat(CTR).contains(line);
        return HEAD + CTR.replace(line, replacement);
    }

    // ---- valid ----

    @Test
    void theExampleLoads() {
        FreshetConfig config = FreshetConfig.parse(YAML, "f.yaml");

        assertThat(config.models()).containsExactly(new ModelDefinition("ctr", LearnerKind.FTRL, CTR_FEATURES,
                List.of("item_id", "hour"), List.of(List.of("last_item", "item_id")),
                new LabelSpec("purchases", "prediction_id", "purchased", Duration.ofMinutes(30), 0),
                new LearnerOptions.Ftrl(0.05, 1.0, 1.0, 1.0, 22), Duration.ofSeconds(10)));
        assertThat(config.modelStore()).isEqualTo(new ModelStoreConfig(Path.of("./data/models")));
        assertThat(config.model("ctr").orElseThrow().examplesTopic()).isEqualTo("freshet.examples.ctr");
    }

    @Test
    void leftOutPartsTakeTheirDefaults() {
        FreshetConfig config = FreshetConfig.parse(HEAD + MINIMAL, "f.yaml");

        ModelDefinition model = config.models().get(0);
        assertThat(model.context()).isEmpty();
        assertThat(model.interactions()).isEmpty();
        assertThat(model.options()).isEqualTo(LearnerOptions.Ftrl.defaults());
        assertThat(model.publishInterval()).isEqualTo(ModelDefinition.DEFAULT_PUBLISH_INTERVAL);
        assertThat(model.label().defaultLabel()).isZero();
        assertThat(config.modelStore()).isEqualTo(ModelStoreConfig.defaults());
    }

    @Test
    void leftOutFtrlOptionsTakeTheirDefaults() {
        ModelDefinition model = FreshetConfig.parse(ctr("{alpha: 0.05, beta: 1.0, l1: 1.0, l2: 1.0, hash_bits: 22}",
                "{alpha: 0.1, l1: 0}"), "f.yaml").models().get(0);

        assertThat(model.options()).isEqualTo(new LearnerOptions.Ftrl(0.1, LearnerOptions.Ftrl.DEFAULT_BETA, 0,
                LearnerOptions.Ftrl.DEFAULT_L2, LearnerOptions.Ftrl.DEFAULT_HASH_BITS));
    }

    @Test
    void aConfigWithoutModelsHasNone() {
        FreshetConfig config = FreshetConfig.parse(HEAD.replace("models:\n", ""), "f.yaml");

        assertThat(config.models()).isEmpty();
        assertThat(config.modelStore()).isEqualTo(ModelStoreConfig.defaults());
    }

    @Test
    void vwOptionsAreVwsCommandLine() {
        String vw = ctr("learner: ftrl", "learner: vw")
                .replace("{alpha: 0.05, beta: 1.0, l1: 1.0, l2: 1.0, hash_bits: 22}",
                        "\"--loss_function logistic -b 22 -q ui --adaptive --normalized\"");

        assertThat(FreshetConfig.parse(vw, "f.yaml").models().get(0).options())
                .isEqualTo(new LearnerOptions.Vw("--loss_function logistic -b 22 -q ui --adaptive --normalized"));
        assertThat(FreshetConfig.parse(HEAD + MINIMAL.replace("learner: ftrl", "learner: vw"), "f.yaml").models().get(0).options())
                .isEqualTo(new LearnerOptions.Vw(LearnerOptions.Vw.DEFAULT_ARGUMENTS));
    }

    @Test
    void interactionsMayNameAnyInputOfTheModel() {
        FreshetConfig config = FreshetConfig.parse(ctr("[[last_item, item_id]]",
                "[[user_activity:last_item, hour], [clicks_5m, spend_1h], [hour, hour]]"), "f.yaml");

        assertThat(config.models().get(0).interactions()).hasSize(3);
    }

    @Test
    void aSharedShortNameIsFineWhenTheModelUsesOnlyOneOfItsViews() {
        FreshetConfig config = FreshetConfig.parse(ctr("user_activity:spend_1h", "user_history:clicks_1d"), "f.yaml");

        assertThat(config.models().get(0).features()).contains(new FeatureRef("user_history", "clicks_1d"));
    }

    // ---- name and learner ----

    @Test
    void aModelNeedsAValidUniqueName() {
        assertProblem(ctr("  - name: ctr\n    learner", "  - learner"),
                "f.yaml:28: models[0].name: is missing (it names the model's topic freshet.examples.<name>, e.g. name: ctr)");
        assertProblem(ctr("name: ctr", "name: c tr"), "f.yaml:28: models[0].name: \"c tr\" is not a valid model name "
                + "(1 to 100 of letters, digits, '.', '_' and '-'; it names the topic freshet.examples.<name>)");
        assertProblem(YAML.replace("model_store", CTR + "model_store"),
                "f.yaml:36: models[1].name: \"ctr\" is defined twice (first at models[0]; model names must be unique)");
    }

    @Test
    void aModelNeedsAKnownLearner() {
        assertProblem(ctr("    learner: ftrl\n", ""), "f.yaml:28: models[0].learner: is missing (learners: ftrl, vw)");
        assertProblem(ctr("learner: ftrl", "learner: ftr"),
                "f.yaml:29: models[0].learner: \"ftr\" is not a learner (learners: ftrl, vw; did you mean ftrl?)");
    }

    @Test
    void anUnknownKeySuggestsTheClosestOne() {
        assertProblem(ctr("publish_interval: 10s", "publish_intervall: 10s"), "f.yaml:35: models[0].publish_intervall: unknown key "
                + "(allowed: name, learner, features, context, interactions, label, options, publish_interval; did you mean publish_interval?)");
    }

    // ---- features ----

    @Test
    void aModelNeedsFeatures() {
        assertProblem(ctr("    features: [user_activity:clicks_5m, user_activity:spend_1h, user_activity:last_item]\n", "")
                        .replace("interactions: [[last_item, item_id]]", "interactions: [[item_id, hour]]"),
                "f.yaml:28: models[0].features: is missing (list the features the model learns from, e.g. features: [user_activity:clicks_5m])");
        assertProblem(HEAD + MINIMAL.replace("[user_activity:clicks_5m]", "[]"),
                "f.yaml:30: models[0].features: is empty (list the features the model learns from, e.g. [user_activity:clicks_5m])");
    }

    @Test
    void aFeatureIsAViewAndFeatureReference() {
        assertProblem(HEAD + MINIMAL.replace("[user_activity:clicks_5m]", "[clicks_5m]"), "f.yaml:30: models[0].features[0]: "
                + "\"clicks_5m\" is not a feature reference (write it as view:feature, e.g. user_activity:clicks_5m; "
                + "did you mean user_activity:clicks_5m?)");
    }

    @Test
    void aFeatureMustExist() {
        assertProblem(HEAD + MINIMAL.replace("user_activity:clicks_5m", "user_activty:clicks_5m"),
                "f.yaml:30: models[0].features[0]: \"user_activty:clicks_5m\" names no feature view "
                        + "(feature views: user_activity, user_history; did you mean user_activity?)");
        assertProblem(HEAD + MINIMAL.replace("user_activity:clicks_5m", "user_activity:click_5m"),
                "f.yaml:30: models[0].features[0]: \"user_activity:click_5m\" names no feature of view 'user_activity' "
                        + "(features: clicks_5m, spend_1h, last_item; did you mean clicks_5m?)");
    }

    @Test
    void aFeatureIsListedOnce() {
        assertProblem(ctr("user_activity:spend_1h", "user_activity:clicks_5m"),
                "f.yaml:30: models[0].features[1]: \"user_activity:clicks_5m\" is listed twice (first at features[0])");
    }

    // ---- context ----

    @Test
    void contextFieldsAreNames() {
        assertProblem(ctr("[item_id, hour]", "[item_id, \"hour of day\"]"),
                "f.yaml:31: models[0].context[1]: \"hour of day\" is not a valid name (letters, digits and _, starting with a letter or _)");
        assertProblem(ctr("[item_id, hour]", "[item_id, \"\"]"),
                "f.yaml:31: models[0].context[1]: is empty (name a field that each request sends, e.g. item_id)");
    }

    @Test
    void contextFieldsAreUniqueAndDifferFromFeatures() {
        assertProblem(ctr("[item_id, hour]", "[item_id, item_id]"),
                "f.yaml:31: models[0].context[1]: \"item_id\" is listed twice (first at context[0])");
        assertProblem(ctr("[item_id, hour]", "[item_id, spend_1h]"), "f.yaml:31: models[0].context[1]: \"spend_1h\" is also "
                + "the name of feature user_activity:spend_1h (interactions could not tell them apart; rename the context field)");
    }

    // ---- interactions ----

    @Test
    void anInteractionIsAPair() {
        assertProblem(ctr("[[last_item, item_id]]", "[[last_item, item_id, hour]]"),
                "f.yaml:32: models[0].interactions[0]: has 3 inputs, but an interaction crosses exactly two (e.g. [last_item, item_id])");
        assertProblem(ctr("[[last_item, item_id]]", "[last_item]"),
                "f.yaml:32: models[0].interactions[0]: \"last_item\" is a single value, but must be a list");
    }

    @Test
    void anInteractionNamesInputsOfTheModel() {
        assertProblem(ctr("[[last_item, item_id]]", "[[last_item, itemid]]"), "f.yaml:32: models[0].interactions[0][1]: \"itemid\" "
                + "is not a feature or context field of the model (inputs: clicks_5m, spend_1h, last_item, user_activity:clicks_5m, "
                + "user_activity:spend_1h, user_activity:last_item, item_id, hour; did you mean item_id?)");
        // a feature of a view the model does not use is not one of its inputs
        assertProblem(ctr("[[last_item, item_id]]", "[[user_history:last_item, item_id]]"),
                "f.yaml:32: models[0].interactions[0][0]: \"user_history:last_item\" is not a feature or context field of the model "
                        + "(inputs: clicks_5m, spend_1h, last_item, user_activity:clicks_5m, user_activity:spend_1h, "
                        + "user_activity:last_item, item_id, hour)");
    }

    @Test
    void aShortNameOfTwoFeaturesIsAmbiguous() {
        assertProblem(ctr("user_activity:spend_1h", "user_history:last_item"), "f.yaml:32: models[0].interactions[0][0]: "
                + "\"last_item\" is ambiguous: it names user_history:last_item and user_activity:last_item (write view:feature)");
        FreshetConfig.parse(ctr("user_activity:spend_1h", "user_history:last_item")
                .replace("[[last_item, item_id]]", "[[user_history:last_item, user_activity:last_item]]"), "f.yaml");
    }

    // ---- label ----

    private static final String LABEL = "{source: purchases, join_key: prediction_id, field: purchased, window: 30m, default: 0}";

    @Test
    void aModelNeedsALabel() {
        assertProblem(ctr("    label: " + LABEL + "\n", ""), "f.yaml:28: models[0].label: is missing (where labels come from, "
                + "e.g. label: {source: purchases, join_key: prediction_id, field: purchased, window: 30m})");
        assertThat(problems(ctr(LABEL, "{}"))).containsExactly(
                "f.yaml:33: models[0].label.source: is missing (the source whose events are labels, e.g. source: purchases)",
                "f.yaml:33: models[0].label.join_key: is missing (the field of the label events holding the prediction id, e.g. join_key: prediction_id)",
                "f.yaml:33: models[0].label.field: is missing (the field of the label events holding the label, e.g. field: purchased)",
                "f.yaml:33: models[0].label.window: is missing (how long after a prediction its label may arrive, e.g. window: 30m)");
    }

    @Test
    void theLabelSourceMustExist() {
        assertProblem(ctr("source: purchases", "source: purchase"),
                "f.yaml:33: models[0].label.source: \"purchase\" is not a defined source (sources: clicks, purchases; did you mean purchases?)");
    }

    @Test
    void theJoinKeyIsAStringFieldOfTheSource() {
        assertProblem(ctr("join_key: prediction_id", "join_key: predictionid"), "f.yaml:33: models[0].label.join_key: \"predictionid\" "
                + "is not a field of source 'purchases' (fields: prediction_id, purchased, amount, ts; did you mean prediction_id?)");
        assertProblem(ctr("join_key: prediction_id", "join_key: amount"), "f.yaml:33: models[0].label.join_key: \"amount\" "
                + "has type double in source 'purchases' (the prediction id must be a string field)");
    }

    @Test
    void theLabelFieldIsABooleanOrANumber() {
        assertProblem(ctr("field: purchased", "field: ts"), "f.yaml:33: models[0].label.field: \"ts\" has type timestamp in source "
                + "'purchases' (a label is a boolean, long or double field: true or 1 is positive, false or 0 negative)");
        assertProblem(ctr("field: purchased", "field: prediction_id"), "f.yaml:33: models[0].label.field: \"prediction_id\" has type "
                + "string in source 'purchases' (a label is a boolean, long or double field: true or 1 is positive, false or 0 negative)");
        FreshetConfig.parse(ctr("field: purchased", "field: amount"), "f.yaml");
    }

    @Test
    void theLabelWindowIsAPositiveDuration() {
        assertProblem(ctr("window: 30m", "window: 30x"), "f.yaml:33: models[0].label.window: \"30x\" " + Durations.RULE);
        assertProblem(ctr("window: 30m", "window: 0s"), "f.yaml:33: models[0].label.window: \"0ms\" must be positive");
    }

    @Test
    void theDefaultLabelIsBetweenZeroAndOne() {
        assertProblem(ctr("default: 0", "default: 2"), "f.yaml:33: models[0].label.default: \"2.0\" is not between 0 and 1 "
                + "(the label of a prediction that gets none within the window; 0 is negative)");
        assertProblem(ctr("default: 0", "default: no"), "f.yaml:33: models[0].label.default: \"no\" is not a number");
        assertThat(FreshetConfig.parse(ctr("default: 0", "default: 0.5"), "f.yaml").models().get(0).label().defaultLabel()).isEqualTo(0.5);
    }

    @Test
    void anUnknownLabelKeySuggestsTheClosestOne() {
        assertProblem(ctr("default: 0", "defualt: 0"), "f.yaml:33: models[0].label.defualt: unknown key "
                + "(allowed: source, join_key, field, window, default; did you mean default?)");
    }

    // ---- options ----

    private static final String FTRL = "{alpha: 0.05, beta: 1.0, l1: 1.0, l2: 1.0, hash_bits: 22}";

    @Test
    void ftrlOptionsAreAMapping() {
        assertProblem(ctr(FTRL, "\"--alpha 0.05\""), "f.yaml:34: models[0].options: \"--alpha 0.05\" is a single value, but ftrl "
                + "options are a mapping (e.g. options: {alpha: 0.05, l1: 1.0}; a string of options is for learner: vw)");
        assertProblem(ctr(FTRL, "{alpha: 0.05, hashbits: 22}"), "f.yaml:34: models[0].options.hashbits: unknown key "
                + "(allowed: alpha, beta, l1, l2, hash_bits, numbers; did you mean hash_bits?)");
    }

    @Test
    void ftrlTakesNumbersRawUnlessToldToLogScaleThem() {
        assertThat(((LearnerOptions.Ftrl) FreshetConfig.parse(ctr(FTRL, "{numbers: log}"), "f.yaml").models().get(0).options()).numbers())
                .isEqualTo(LearnerOptions.Ftrl.Numbers.LOG);
        assertThat(((LearnerOptions.Ftrl) FreshetConfig.parse(ctr(FTRL, "{numbers: raw}"), "f.yaml").models().get(0).options()).numbers())
                .isEqualTo(LearnerOptions.Ftrl.Numbers.RAW);
        assertThat(LearnerOptions.Ftrl.defaults().numbers()).isEqualTo(LearnerOptions.Ftrl.Numbers.RAW);
        assertProblem(ctr(FTRL, "{numbers: logs}"), "f.yaml:34: models[0].options.numbers: \"logs\" is not a way to take numeric "
                + "inputs (ways: raw, log; did you mean log?)");
    }

    @Test
    void ftrlOptionsAreInRange() {
        assertThat(problems(ctr(FTRL, "{alpha: 0, beta: -1, l1: -0.5, l2: 1e999, hash_bits: 31}"))).containsExactly(
                "f.yaml:34: models[0].options.alpha: \"0\" must be positive (the learning rate's scale; the default is 0.05)",
                "f.yaml:34: models[0].options.beta: \"-1\" must not be negative (the learning rate's smoothing; the default is 1.0)",
                "f.yaml:34: models[0].options.l1: \"-0.5\" must not be negative (L1 regularisation; 0 turns it off; the default is 1.0)",
                "f.yaml:34: models[0].options.l2: \"1e999\" is too large (L2 regularisation; 0 turns it off; the default is 1.0)",
                "f.yaml:34: models[0].options.hash_bits: \"31\" is out of range (1 to 30)");
    }

    @Test
    void vwOptionsAreAString() {
        assertProblem(ctr("learner: ftrl", "learner: vw"), "f.yaml:34: models[0].options: is a mapping, but vw options are VW's "
                + "command line in one string (e.g. options: \"--loss_function logistic -b 22\"; a mapping of options is for learner: ftrl)");
    }

    @Test
    void vwOptionsThatFreshetManagesAreRefused() {
        String vw = ctr("learner: ftrl", "learner: vw").replace(FTRL, "\"-b 22 --daemon -f model.vw --loss_function=hinge\"");

        assertThat(problems(vw)).containsExactly(
                "f.yaml:34: models[0].options: VW option --daemon is not allowed: VW runs inside Freshet and must not listen on a port",
                "f.yaml:34: models[0].options: VW option -f is not allowed: Freshet saves models in its snapshots",
                "f.yaml:34: models[0].options: VW option --loss_function hinge is not allowed: Freshet's learners are binary "
                        + "classifiers giving probabilities, so the loss must be logistic (leave it out or write --loss_function logistic)");
    }

    // ---- publish_interval and model_store ----

    @Test
    void thePublishIntervalIsAPositiveDuration() {
        assertProblem(ctr("publish_interval: 10s", "publish_interval: often"),
                "f.yaml:35: models[0].publish_interval: \"often\" " + Durations.RULE);
        assertProblem(ctr("publish_interval: 10s", "publish_interval: 0m"), "f.yaml:35: models[0].publish_interval: \"0ms\" must be positive");
    }

    @Test
    void theModelStoreIsADirectory() {
        assertProblem(YAML.replace("{path: ./data/models}", "{path: \"\"}"),
                "f.yaml:36: model_store.path: \"\" is empty (give a directory, e.g. ./data)");
        assertProblem(YAML.replace("{path: ./data/models}", "{pth: ./data/models}"),
                "f.yaml:36: model_store.pth: unknown key (allowed: path, keep_versions; did you mean path?)");
    }

    @Test
    void theModelStoreKeepsACountOfVersions() {
        assertThat(FreshetConfig.parse(YAML.replace("{path: ./data/models}", "{path: ./m, keep_versions: 3}"), "f.yaml").modelStore())
                .isEqualTo(new ModelStoreConfig(Path.of("./m"), 3));
        assertThat(FreshetConfig.parse(YAML, "f.yaml").modelStore().keepVersions()).isEqualTo(ModelStoreConfig.DEFAULT_KEEP_VERSIONS);
        assertProblem(YAML.replace("{path: ./data/models}", "{keep_versions: 0}"),
                "f.yaml:36: model_store.keep_versions: \"0\" is out of range (1 to 100000)");
        assertProblem(YAML.replace("{path: ./data/models}", "{keep_versions: all}"),
                "f.yaml:36: model_store.keep_versions: \"all\" is not an integer");
    }

    @Test
    void aModelIsNotNamedLikeAVersionOfAnother() {
        assertProblem(YAML.replace("model_store", CTR.replace("name: ctr", "name: ctr-v2") + "model_store"),
                "f.yaml:36: models[1].name: \"ctr-v2\" is also the name of version 2 of model ctr (versions are named "
                        + "<model>-v<n>, and a bandit's action may name one); rename it");
    }

    // ---- many problems, no cascades ----

    @Test
    void everyProblemIsReportedInOneRun() {
        String yaml = HEAD + CTR.replace("learner: ftrl", "learner: ftr").replace("user_activity:spend_1h", "user_activity:spend")
                .replace("[item_id, hour]", "[item_id, item_id]").replace("window: 30m", "window: 30x")
                + MINIMAL.replace("name: ctr", "name: ctr2").replace("purchases", "purchase");

        assertThat(problems(yaml)).containsExactly(
                "f.yaml:29: models[0].learner: \"ftr\" is not a learner (learners: ftrl, vw; did you mean ftrl?)",
                "f.yaml:30: models[0].features[1]: \"user_activity:spend\" names no feature of view 'user_activity' "
                        + "(features: clicks_5m, spend_1h, last_item)",
                "f.yaml:31: models[0].context[1]: \"item_id\" is listed twice (first at context[0])",
                "f.yaml:33: models[0].label.window: \"30x\" " + Durations.RULE,
                "f.yaml:39: models[1].label.source: \"purchase\" is not a defined source (sources: clicks, purchases; did you mean purchases?)");
    }

    @Test
    void aBrokenViewIsNotReportedAgainThroughTheModelsThatUseIt() {
        // the view's last feature cannot be read, so whether the view has spend_1h is unknown
        String yaml = HEAD.replace("{name: spend_1h, function: sum, field: price, window: 1h}", "{name: spend_1h, function: summ, field: price}")
                + MINIMAL.replace("user_activity:clicks_5m", "user_activity:clicks_5m, user_activity:spend_1x");

        assertThat(problems(yaml)).containsExactly("f.yaml:18: feature_views[0].features[1].function: \"summ\" is not an aggregate "
                + "function (functions: " + dev.freshet.core.definition.AggregationFunction.names() + "; did you mean sum?)");
    }

    @Test
    void aViewWithoutANameMayBeTheOneAModelNames() {
        String yaml = HEAD.replace("  - name: user_activity\n", "  - nme: user_activity\n") + MINIMAL;

        assertThat(problems(yaml)).containsExactly(
                "f.yaml:12: feature_views[0].nme: unknown key (allowed: name, entity, source, tile, ttl, features; did you mean name?)",
                "f.yaml:12: feature_views[0].name: is missing");
    }

    @Test
    void aBrokenSourceIsNotReportedAgainThroughTheLabel() {
        String yaml = HEAD.replace("purchased: boolean", "purchased: bool ean") + MINIMAL;

        assertThat(problems(yaml)).hasSize(1).first().asString().startsWith("f.yaml:10: sources[1].schema.purchased: \"bool ean\"");
    }

    @Test
    void anUnreadableInputIsNotReportedAgainThroughInteractions() {
        assertThat(problems(ctr("user_activity:last_item]", "last_item]"))).containsExactly("f.yaml:30: models[0].features[2]: "
                + "\"last_item\" is not a feature reference (write it as view:feature, e.g. user_activity:clicks_5m; "
                + "did you mean user_activity:last_item?)");
        assertThat(problems(ctr("[item_id, hour]", "[{item_id: x}, hour]"))).containsExactly(
                "f.yaml:31: models[0].context[0]: is a mapping, but must be a single value");
    }

    @Test
    void anUnknownLearnerIsNotReportedAgainThroughItsOptions() {
        assertThat(problems(ctr("learner: ftrl", "learner: xgboost").replace(FTRL, "{whatever: 1}"))).containsExactly(
                "f.yaml:29: models[0].learner: \"xgboost\" is not a learner (learners: ftrl, vw)");
    }
}
