package dev.freshet.core.definition;

import dev.freshet.core.feature.FeatureRef;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Models built in Java pass the same rules as models in YAML, with the paths they would have there. */
class ModelRulesTest {

    private static final Definitions DEFINITIONS = Definitions.builder()
            .entity("user", "user_id")
            .source("clicks", s -> s.field("user_id", FieldType.STRING).field("item_id", FieldType.STRING)
                    .field("price", FieldType.DOUBLE).field("ts", FieldType.TIMESTAMP))
            .source("purchases", s -> s.field("prediction_id", FieldType.STRING).field("purchased", FieldType.BOOLEAN)
                    .field("ts", FieldType.TIMESTAMP))
            .featureView("user_activity", v -> v.entity("user").source("clicks").tile(Duration.ofMinutes(1))
                    .count("clicks_5m", Duration.ofMinutes(5))
                    .aggregate("last_item", AggregationFunction.LAST, "item_id", null))
            .build();

    private static final List<FeatureRef> FEATURES = List.of(FeatureRef.parse("user_activity:clicks_5m"),
            FeatureRef.parse("user_activity:last_item"));
    private static final LabelSpec LABEL = new LabelSpec("purchases", "prediction_id", "purchased", Duration.ofMinutes(30), 0);

    private static ModelDefinition model(String name, List<FeatureRef> features, List<List<String>> interactions,
                                         LabelSpec label, LearnerOptions options) {
        return new ModelDefinition(name, options.kind(), features, List.of("item_id"), interactions, label, options,
                ModelDefinition.DEFAULT_PUBLISH_INTERVAL);
    }

    @Test
    void aValidModelHasNoProblems() {
        ModelDefinition ctr = model("ctr", FEATURES, List.of(List.of("last_item", "item_id")), LABEL, LearnerOptions.Ftrl.defaults());

        assertThat(ModelRules.validate(DEFINITIONS, List.of(ctr))).isEmpty();
    }

    @Test
    void everyRuleIsCheckedWithTheYamlPaths() {
        ModelDefinition ok = model("ctr", FEATURES, List.of(), LABEL, LearnerOptions.Ftrl.defaults());
        ModelDefinition bad = new ModelDefinition("ctr", LearnerKind.VW,
                List.of(FeatureRef.parse("user_activity:clicks_1h")), List.of("clicks_5m"),
                List.of(List.of("item"), List.of("last_item", "clicks_5m")),
                new LabelSpec("purchases", "ts", "prediction_id", Duration.ZERO, 1.5),
                new LearnerOptions.Vw("--passes 2"), Duration.ZERO);

        assertThat(ModelRules.validate(DEFINITIONS, List.of(ok, bad))).extracting(Problem::describe).containsExactly(
                "models[1].name: \"ctr\" is defined twice (first at models[0]; model names must be unique)",
                "models[1].features[0]: \"user_activity:clicks_1h\" names no feature of view 'user_activity' "
                        + "(features: clicks_5m, last_item; did you mean clicks_5m?)",
                "models[1].interactions[0]: has 1 inputs, but an interaction crosses exactly two (e.g. [last_item, item_id])",
                "models[1].interactions[1][0]: \"last_item\" is not a feature or context field of the model "
                        + "(inputs: clicks_1h, user_activity:clicks_1h, clicks_5m)",
                "models[1].label.join_key: \"ts\" has type timestamp in source 'purchases' (the prediction id must be a string field)",
                "models[1].label.field: \"prediction_id\" has type string in source 'purchases' "
                        + "(a label is a boolean, long or double field: true or 1 is positive, false or 0 negative)",
                "models[1].label.window: \"0ms\" must be positive",
                "models[1].label.default: \"1.5\" is not between 0 and 1 (the label of a prediction that gets none within the window; 0 is negative)",
                "models[1].options: VW option --passes is not allowed: a streaming learner sees each example once",
                "models[1].publish_interval: \"0ms\" must be positive");
    }
}
