package dev.freshet.core.definition;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.freshet.core.definition.AggregationFunction.AVG;
import static dev.freshet.core.definition.AggregationFunction.COUNT;
import static dev.freshet.core.definition.AggregationFunction.COUNT_DISTINCT;
import static dev.freshet.core.definition.AggregationFunction.FIRST;
import static dev.freshet.core.definition.AggregationFunction.LAST;
import static dev.freshet.core.definition.AggregationFunction.MAX;
import static dev.freshet.core.definition.AggregationFunction.MIN;
import static dev.freshet.core.definition.AggregationFunction.QUANTILE;
import static dev.freshet.core.definition.AggregationFunction.SUM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Each rule of the definitions, one at a time, against an otherwise valid set. */
class DefinitionValidatorTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final List<Entity> entities = new ArrayList<>(List.of(new Entity("user", "user_id")));
    private final List<Source> sources = new ArrayList<>(List.of(source("clicks", "ts",
            new Field("user_id", FieldType.STRING), new Field("item_id", FieldType.STRING),
            new Field("price", FieldType.DOUBLE), new Field("qty", FieldType.LONG),
            new Field("flag", FieldType.BOOLEAN), new Field("ts", FieldType.TIMESTAMP))));

    private static Source source(String name, String timestampField, Field... fields) {
        return new Source(name, name, SourceFormat.JSON, timestampField, Schema.of(fields));
    }

    private static FeatureView view(String name, FeatureDefinition... features) {
        return new FeatureView(name, "user", "clicks", MINUTE, Duration.ofDays(7), List.of(features));
    }

    private static FeatureDefinition feature(String name, AggregationFunction f, String field, Duration window) {
        return new FeatureDefinition(name, f, field, window);
    }

    private List<Problem> validate(FeatureView... views) {
        return Definitions.validate(entities, sources, List.of(views));
    }

    @Test
    void aValidSetHasNoProblem() {
        assertThat(validate(view("v",
                feature("c", COUNT, null, null),
                feature("c_item", COUNT, "item_id", Duration.ofMinutes(5)),
                feature("s", SUM, "price", Duration.ofHours(1)),
                feature("min_qty", MIN, "qty", MINUTE),
                feature("max_ts", MAX, "ts", null),
                feature("avg", AVG, "qty", Duration.ofDays(1)),
                feature("last_flag", LAST, "flag", null),
                feature("first_item", FIRST, "item_id", null),
                feature("items", COUNT_DISTINCT, "item_id", Duration.ofDays(1)),
                new FeatureDefinition("p95", QUANTILE, "price", Duration.ofHours(1), 0.95)))).isEmpty();
    }

    @Test
    void noDefinitionsAtAllAreValid() {
        assertThat(Definitions.validate(List.of(), List.of(), List.of())).isEmpty();
    }

    @Test
    void aViewWithoutEntityOrSourceSaysMissingAndNamesWhatExists() {
        FeatureView v = new FeatureView("v", "", "", MINUTE, null, List.of(feature("c", COUNT, null, null)));
        assertThat(validate(v)).containsExactly(
                new Problem("feature_views[0].entity", null, "is missing (entities: user)"),
                new Problem("feature_views[0].source", null, "is missing (sources: clicks)"));
        entities.clear();
        sources.clear();
        assertThat(validate(view("w", feature("c", COUNT, null, null)))).containsExactly(
                new Problem("feature_views[0].entity", "user", "is not a defined entity (no entities are defined)"),
                new Problem("feature_views[0].source", "clicks", "is not a defined source (no sources are defined)"));
    }

    // ---- entities ----

    @Test
    void entityNamesMustBeValidAndUnique() {
        entities.add(new Entity("user", "uid"));
        entities.add(new Entity("", "item_id"));
        entities.add(new Entity("1item", "item id"));

        assertThat(validate()).containsExactly(
                new Problem("entities[1].name", "user", "is defined twice (entity names must be unique)"),
                new Problem("entities[2].name", null, "is missing"),
                new Problem("entities[3].name", "1item", "is not a valid name (letters, digits and _, starting with a letter or _)"),
                new Problem("entities[3].join_key", "item id", "is not a valid name (letters, digits and _, starting with a letter or _)"));
    }

    // ---- sources ----

    @Test
    void sourceNamesMustBeUniqueAndTopicsValid() {
        sources.add(new Source("clicks", "clicks two", SourceFormat.JSON, "ts", Schema.of(new Field("ts", FieldType.LONG))));

        assertThat(validate()).containsExactly(
                new Problem("sources[1].name", "clicks", "is defined twice (source names must be unique)"),
                new Problem("sources[1].topic", "clicks two", "is not a valid Kafka topic name (1 to 249 of letters, digits, '.', '_' and '-', not . or ..)"));
    }

    @Test
    void aSchemaMustNotBeEmptyAndItsFieldsNeedValidNames() {
        sources.add(source("empty", "ts"));
        sources.add(source("odd", "ts", new Field("ts", FieldType.LONG), new Field("the price", FieldType.DOUBLE)));

        assertThat(validate()).containsExactly(
                new Problem("sources[1].schema", null, "is empty (list the fields of the events, e.g. {user_id: string, ts: timestamp})"),
                new Problem("sources[1].timestamp_field", "ts", "is not a field of the schema (fields: )"),
                new Problem("sources[2].schema.the price", "the price", "is not a valid name (letters, digits and _, starting with a letter or _)"));
    }

    @Test
    void fieldNamesMustNotUseTheArchivesReservedPrefix() {
        sources.add(source("odd", "ts", new Field("ts", FieldType.LONG), new Field("_freshet_offset", FieldType.LONG)));

        assertThat(validate()).containsExactly(
                new Problem("sources[1].schema._freshet_offset", null, "starts with '_freshet_', which is reserved for the columns"
                        + " the offline store adds to archived events (rename the field)"));
    }

    @Test
    void theTimestampFieldMustBeATimestampOrLongOfTheSchema() {
        sources.add(source("a", "when", new Field("ts", FieldType.TIMESTAMP)));
        sources.add(source("b", "ts", new Field("ts", FieldType.STRING)));
        sources.add(source("c", "ts", new Field("ts", FieldType.DOUBLE)));
        sources.add(source("d", "ts", new Field("ts", FieldType.LONG)));

        assertThat(validate()).containsExactly(
                new Problem("sources[1].timestamp_field", "when", "is not a field of the schema (fields: ts)"),
                new Problem("sources[2].timestamp_field", "ts", "has type string in the schema (it must be timestamp or long epoch milliseconds)"),
                new Problem("sources[3].timestamp_field", "ts", "has type double in the schema (it must be timestamp or long epoch milliseconds)"));
    }

    // ---- views ----

    @Test
    void viewNamesMustBeValidAndUnique() {
        FeatureDefinition c = feature("c", COUNT, null, null);

        assertThat(validate(view("v", c), view("v", c), view("user-activity", c))).containsExactly(
                new Problem("feature_views[1].name", "v", "is defined twice (feature view names must be unique)"),
                new Problem("feature_views[2].name", "user-activity", "is not a valid name (letters, digits and _, starting with a letter or _)"));
    }

    @Test
    void aViewMustNameADefinedEntityAndSource() {
        entities.add(new Entity("item", "item_id"));
        FeatureView v = new FeatureView("v", "shop", "views", MINUTE, null, List.of(feature("c", COUNT, null, null)));

        assertThat(validate(v)).containsExactly(
                new Problem("feature_views[0].entity", "shop", "is not a defined entity (entities: user, item)"),
                new Problem("feature_views[0].source", "views", "is not a defined source (sources: clicks)"));
    }

    @Test
    void theSourceMustCarryTheEntitysJoinKey() {
        entities.add(new Entity("shop", "shop_id"));
        FeatureView v = new FeatureView("v", "shop", "clicks", MINUTE, null, List.of(feature("c", COUNT, null, null)));

        assertThat(validate(v)).containsExactly(new Problem("feature_views[0].source", "clicks",
                "has no field 'shop_id', the join key of entity 'shop' (fields: user_id, item_id, price, qty, flag, ts)"));
    }

    @Test
    void tileAndTtlMustBePositive() {
        FeatureDefinition c = feature("c", COUNT, null, Duration.ofMinutes(5));
        FeatureView zeroTile = new FeatureView("a", "user", "clicks", Duration.ZERO, null, List.of(c));
        FeatureView negativeTtl = new FeatureView("b", "user", "clicks", MINUTE, Duration.ofMinutes(-1), List.of(c));
        FeatureView zeroTtl = new FeatureView("c", "user", "clicks", MINUTE, Duration.ZERO, List.of(c));

        assertThat(validate(zeroTile, negativeTtl, zeroTtl)).containsExactly(
                new Problem("feature_views[0].tile", "0ms", "must be positive"),
                new Problem("feature_views[1].ttl", "-1m", "must be positive"),
                new Problem("feature_views[2].ttl", "0ms", "must be positive"));
    }

    @Test
    void aViewNeedsAFeature() {
        assertThat(validate(view("v"))).containsExactly(
                new Problem("feature_views[0].features", null, "is empty (a feature view needs at least one feature)"));
    }

    // ---- features ----

    @Test
    void featureNamesMustBeValidAndUniqueWithinTheirView() {
        FeatureDefinition c = feature("c", COUNT, null, null);

        assertThat(validate(view("v", c, c, feature("", COUNT, null, null), feature("c:1", COUNT, null, null)), view("w", c)))
                .containsExactly(
                        new Problem("feature_views[0].features[1].name", "c", "is defined twice in view 'v' (feature names must be unique within a view)"),
                        new Problem("feature_views[0].features[2].name", null, "is missing"),
                        new Problem("feature_views[0].features[3].name", "c:1", "is not a valid name (letters, digits and _, starting with a letter or _)"));
    }

    @Test
    void everyFunctionButCountNeedsAField() {
        assertThat(validate(view("v", feature("s", SUM, null, null), feature("l", LAST, null, null),
                new FeatureDefinition("q", QUANTILE, null, null, 0.5)))).containsExactly(
                new Problem("feature_views[0].features[0].field", null, "is missing (function sum aggregates a field)"),
                new Problem("feature_views[0].features[1].field", null, "is missing (function last aggregates a field)"),
                new Problem("feature_views[0].features[2].field", null, "is missing (function quantile aggregates a field)"));
    }

    @Test
    void theFieldMustBeOneOfTheSource() {
        assertThat(validate(view("v", feature("s", SUM, "cost", null)))).containsExactly(new Problem("feature_views[0].features[0].field",
                "cost", "is not a field of source 'clicks' (fields: user_id, item_id, price, qty, flag, ts)"));
    }

    @Test
    void numericFunctionsRejectStringsAndBooleans() {
        assertThat(validate(view("v",
                feature("a", SUM, "item_id", null),
                feature("b", MIN, "flag", null),
                feature("c", MAX, "item_id", null),
                feature("d", AVG, "flag", null),
                new FeatureDefinition("e", QUANTILE, "item_id", null, 0.5)))).extracting(Problem::path, Problem::value).containsExactly(
                tuple("feature_views[0].features[0].function", "sum"),
                tuple("feature_views[0].features[1].function", "min"),
                tuple("feature_views[0].features[2].function", "max"),
                tuple("feature_views[0].features[3].function", "avg"),
                tuple("feature_views[0].features[4].function", "quantile"));
        assertThat(validate(view("v", feature("a", SUM, "item_id", null))).get(0).rule())
                .isEqualTo("does not apply to field 'item_id' of type string (it needs a numeric field: long, double or timestamp)");
    }

    @Test
    void aWindowMustBeAPositiveMultipleOfTheTile() {
        FeatureView v = new FeatureView("v", "user", "clicks", Duration.ofMinutes(5), null, List.of(
                feature("a", COUNT, null, Duration.ofMinutes(7)),
                feature("b", COUNT, null, Duration.ofSeconds(90)),
                feature("c", COUNT, null, Duration.ZERO),
                feature("d", COUNT, null, Duration.ofMinutes(-5)),
                feature("e", COUNT, null, Duration.ofHours(1))));

        assertThat(validate(v)).containsExactly(
                new Problem("feature_views[0].features[0].window", "7m", "is not a multiple of the view's tile 5m"),
                new Problem("feature_views[0].features[1].window", "90s", "is not a multiple of the view's tile 5m"),
                new Problem("feature_views[0].features[2].window", "0ms", "must be positive"),
                new Problem("feature_views[0].features[3].window", "-5m", "must be positive"));
    }

    @Test
    void aBadTileDoesNotAlsoFailEveryWindow() {
        FeatureView v = new FeatureView("v", "user", "clicks", Duration.ZERO, null, List.of(feature("a", COUNT, null, Duration.ofMinutes(7))));

        assertThat(validate(v)).containsExactly(new Problem("feature_views[0].tile", "0ms", "must be positive"));
    }

    @Test
    void aQuantileNeedsARankStrictlyBetweenZeroAndOne() {
        assertThat(validate(view("v",
                new FeatureDefinition("a", QUANTILE, "price", null),
                new FeatureDefinition("b", QUANTILE, "price", null, 0.0),
                new FeatureDefinition("c", QUANTILE, "price", null, 1.0),
                new FeatureDefinition("d", QUANTILE, "price", null, 1.5),
                new FeatureDefinition("e", QUANTILE, "price", null, -0.1),
                new FeatureDefinition("f", QUANTILE, "price", null, 0.5)))).containsExactly(
                new Problem("feature_views[0].features[0].quantile", null, "is missing (function quantile needs a rank, e.g. quantile: 0.95)"),
                new Problem("feature_views[0].features[1].quantile", "0.0", "is not between 0 and 1 (exclusive)"),
                new Problem("feature_views[0].features[2].quantile", "1.0", "is not between 0 and 1 (exclusive)"),
                new Problem("feature_views[0].features[3].quantile", "1.5", "is not between 0 and 1 (exclusive)"),
                new Problem("feature_views[0].features[4].quantile", "-0.1", "is not between 0 and 1 (exclusive)"));
    }

    @Test
    void aRankOnlyGoesWithTheQuantileFunction() {
        assertThat(validate(view("v", new FeatureDefinition("a", AVG, "price", null, 0.5)))).containsExactly(
                new Problem("feature_views[0].features[0].quantile", "0.5", "is only allowed with function quantile"));
    }

    @Test
    void everyProblemIsCollectedNotOnlyTheFirst() {
        entities.add(new Entity("user", "user_id"));
        FeatureView v = new FeatureView("v", "user", "nope", Duration.ZERO, null, List.of(feature("s", SUM, null, null)));

        assertThat(validate(v)).extracting(Problem::path).containsExactly(
                "entities[1].name", "feature_views[0].source", "feature_views[0].tile", "feature_views[0].features[0].field");
    }
}
