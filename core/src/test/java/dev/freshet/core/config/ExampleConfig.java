package dev.freshet.core.config;

import dev.freshet.core.definition.AggregationFunction;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Entity;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.definition.Source;
import dev.freshet.core.definition.SourceFormat;
import dev.freshet.core.error.ConfigException;
import dev.freshet.core.testing.ExampleYaml;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The README's {@code freshet.yaml} (also the repository's), and the records it must load to. */
final class ExampleConfig {

    static final String YAML = ExampleYaml.SHOP;

    static final Entity USER = new Entity("user", "user_id");

    static final Source CLICKS = new Source("clicks", "clicks", SourceFormat.JSON, "ts", Schema.of(
            new Field("user_id", FieldType.STRING),
            new Field("item_id", FieldType.STRING),
            new Field("price", FieldType.DOUBLE),
            new Field("ts", FieldType.TIMESTAMP)));

    static final FeatureView USER_ACTIVITY = new FeatureView("user_activity", "user", "clicks",
            Duration.ofMinutes(1), Duration.ofDays(7), List.of(
            new FeatureDefinition("clicks_5m", AggregationFunction.COUNT, null, Duration.ofMinutes(5)),
            new FeatureDefinition("spend_1h", AggregationFunction.SUM, "price", Duration.ofHours(1)),
            new FeatureDefinition("avg_price_1d", AggregationFunction.AVG, "price", Duration.ofDays(1)),
            new FeatureDefinition("max_price_1h", AggregationFunction.MAX, "price", Duration.ofHours(1)),
            new FeatureDefinition("last_item", AggregationFunction.LAST, "item_id", null),
            new FeatureDefinition("items_1d", AggregationFunction.COUNT_DISTINCT, "item_id", Duration.ofDays(1)),
            new FeatureDefinition("clicks_total", AggregationFunction.COUNT, null, null)));

    static final FreshetConfig EXPECTED = new FreshetConfig("shop",
            new KafkaConfig(null, new KafkaConfig.Embedded(9092, Path.of("./data/kafka"))),
            StreamsConfig.defaults(),
            new OnlineStoreConfig.RocksDb(Path.of("./data/online")),
            new OfflineStoreConfig(Path.of("./data/offline")),
            new ApiConfig(8080),
            Definitions.of(List.of(USER), List.of(CLICKS), List.of(USER_ACTIVITY)), List.of(), ModelStoreConfig.defaults(), List.of());

    private ExampleConfig() {
    }

    /** The problems a configuration has, as the exception lists them. */
    static List<String> problems(String yaml) {
        try {
            FreshetConfig.parse(yaml, "f.yaml");
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected configuration problems, but this loaded:\n" + yaml);
    }

    /** Asserts that the configuration has exactly this one problem. */
    static void assertProblem(String yaml, String expected) {
        assertThatThrownBy(() -> FreshetConfig.parse(yaml, "f.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(expected);
    }
}
