package dev.freshet.core.config;

import dev.freshet.core.definition.AggregationFunction;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.SourceFormat;
import dev.freshet.core.error.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Definitions built in code equal those loaded from YAML, and break the same rules with the same paths. */
class DefinitionsBuilderTest {

    @Test
    void theBuilderBuildsTheExampleDefinitions() {
        Definitions built = Definitions.builder()
                .entity("user", "user_id")
                .source("clicks", s -> s.topic("clicks").format(SourceFormat.JSON).timestampField("ts")
                        .field("user_id", FieldType.STRING).field("item_id", FieldType.STRING)
                        .field("price", FieldType.DOUBLE).field("ts", FieldType.TIMESTAMP))
                .featureView("user_activity", v -> v.entity("user").source("clicks")
                        .tile(Duration.ofMinutes(1)).ttl(Duration.ofDays(7))
                        .count("clicks_5m", Duration.ofMinutes(5))
                        .aggregate("spend_1h", AggregationFunction.SUM, "price", Duration.ofHours(1))
                        .aggregate("avg_price_1d", AggregationFunction.AVG, "price", Duration.ofDays(1))
                        .aggregate("max_price_1h", AggregationFunction.MAX, "price", Duration.ofHours(1))
                        .aggregate("last_item", AggregationFunction.LAST, "item_id", null)
                        .aggregate("items_1d", AggregationFunction.COUNT_DISTINCT, "item_id", Duration.ofDays(1))
                        .count("clicks_total", null))
                .build();

        Definitions loaded = FreshetConfig.parse(ExampleConfig.YAML, "freshet.yaml").definitions();
        assertThat(built).isEqualTo(loaded).hasSameHashCodeAs(loaded);
        assertThat(built.fingerprint()).isEqualTo(loaded.fingerprint());
    }

    @Test
    void theBuilderReportsTheSameProblemsAsTheYamlWithTheSamePaths() {
        String yaml = """
                project: shop
                entities:
                  - {name: user, join_key: user_id}
                sources:
                  - name: clicks
                    timestamp_field: ts
                    schema: {user_id: string, item_id: string, price: double, ts: timestamp}
                feature_views:
                  - name: v
                    entity: item
                    source: clicks
                    tile: 1m
                    features:
                      - {name: c, function: count, window: 90s}
                      - {name: s, function: sum, field: item_id}
                      - {name: s, function: quantile, field: price, quantile: 1.5}
                      - {name: m, function: max, field: cost}
                """;
        List<String> fromYaml = ExampleConfig.problems(yaml);

        ConfigException fromBuilder = catchThrowableOfType(ConfigException.class, () -> Definitions.builder()
                .entity("user", "user_id")
                .source("clicks", s -> s.timestampField("ts")
                        .field("user_id", FieldType.STRING).field("item_id", FieldType.STRING)
                        .field("price", FieldType.DOUBLE).field("ts", FieldType.TIMESTAMP))
                .featureView("v", v -> v.entity("item").source("clicks").tile(Duration.ofMinutes(1))
                        .count("c", Duration.ofSeconds(90))
                        .aggregate("s", AggregationFunction.SUM, "item_id", null)
                        .quantile("s", "price", 1.5, null)
                        .aggregate("m", AggregationFunction.MAX, "cost", null))
                .build());

        assertThat(fromBuilder.problems()).containsExactly(
                "feature_views[0].entity: \"item\" is not a defined entity (entities: user)",
                "feature_views[0].features[0].window: \"90s\" is not a multiple of the view's tile 1m",
                "feature_views[0].features[1].function: \"sum\" does not apply to field 'item_id' of type string "
                        + "(it needs a numeric field: long, double or timestamp)",
                "feature_views[0].features[2].name: \"s\" is defined twice in view 'v' (feature names must be unique within a view)",
                "feature_views[0].features[2].quantile: \"1.5\" is not between 0 and 1 (exclusive)",
                "feature_views[0].features[3].field: \"cost\" is not a field of source 'clicks' (fields: user_id, item_id, price, ts)");
        assertThat(fromYaml).containsExactly(
                "f.yaml:10: " + fromBuilder.problems().get(0),
                "f.yaml:14: " + fromBuilder.problems().get(1),
                "f.yaml:15: " + fromBuilder.problems().get(2),
                "f.yaml:16: " + fromBuilder.problems().get(3),
                "f.yaml:16: " + fromBuilder.problems().get(4),
                "f.yaml:17: " + fromBuilder.problems().get(5));
    }
}
