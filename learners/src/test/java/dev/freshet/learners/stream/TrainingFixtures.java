package dev.freshet.learners.stream;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.ModelStoreConfig;
import dev.freshet.core.definition.AggregationFunction;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Entity;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.LabelSpec;
import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.definition.Source;
import dev.freshet.core.definition.SourceFormat;
import dev.freshet.core.event.Event;
import dev.freshet.core.event.EventJson;
import dev.freshet.core.feature.FeatureRef;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A shop with clicks, purchases that label predictions, and one FTRL model {@code ctr}. */
final class TrainingFixtures {

    static final Source CLICKS = new Source("clicks", "clicks", SourceFormat.JSON, "ts", Schema.of(
            new Field("user_id", FieldType.STRING), new Field("item_id", FieldType.STRING),
            new Field("price", FieldType.DOUBLE), new Field("ts", FieldType.TIMESTAMP)));
    static final Source PURCHASES = new Source("purchases", "purchases", SourceFormat.JSON, "ts", Schema.of(
            new Field("prediction_id", FieldType.STRING), new Field("purchased", FieldType.BOOLEAN),
            new Field("ts", FieldType.TIMESTAMP)));
    static final FeatureView USER_ACTIVITY = new FeatureView("user_activity", "user", "clicks",
            Duration.ofMinutes(1), Duration.ofDays(7), List.of(
            new FeatureDefinition("clicks_5m", AggregationFunction.COUNT, null, Duration.ofMinutes(5)),
            new FeatureDefinition("spend_1h", AggregationFunction.SUM, "price", Duration.ofHours(1)),
            new FeatureDefinition("last_item", AggregationFunction.LAST, "item_id", null)));
    static final Definitions DEFINITIONS = Definitions.of(List.of(new Entity("user", "user_id")),
            List.of(CLICKS, PURCHASES), List.of(USER_ACTIVITY));

    static final Duration WINDOW = Duration.ofMinutes(30);

    private TrainingFixtures() {
    }

    static ModelDefinition ctr(LearnerOptions options, Duration publishInterval) {
        return new ModelDefinition("ctr", options.kind(),
                List.of(new FeatureRef("user_activity", "clicks_5m"), new FeatureRef("user_activity", "spend_1h"),
                        new FeatureRef("user_activity", "last_item")),
                List.of("item_id", "hour"), List.of(List.of("last_item", "item_id")),
                new LabelSpec("purchases", "prediction_id", "purchased", WINDOW, 0), options, publishInterval);
    }

    static ModelDefinition ctr() {
        return ctr(new LearnerOptions.Ftrl(0.1, 1, 0, 0, 18), Duration.ofSeconds(10));
    }

    static FreshetConfig config(ModelDefinition... models) {
        return config(Path.of("models"), models);
    }

    static FreshetConfig config(Path modelStore, ModelDefinition... models) {
        return FreshetConfig.of("shop", DEFINITIONS).withModels(List.of(models), new ModelStoreConfig(modelStore));
    }

    static LoggedPrediction prediction(String id, long ts, String item, int hour, long clicks, double spend, String lastItem) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("user_activity:clicks_5m", clicks);
        inputs.put("user_activity:spend_1h", spend);
        inputs.put("user_activity:last_item", lastItem);
        inputs.put("item_id", item);
        inputs.put("hour", (long) hour);
        return new LoggedPrediction(id, "ctr", "ctr-v0", ts, Map.of("user_id", "u1"), inputs, 0.5);
    }

    /** A purchases event in its canonical JSON, as ingest writes it to {@code freshet.events.purchases}. */
    static byte[] purchase(String predictionId, Boolean purchased, long ts) {
        Event.Builder b = Event.builder(PURCHASES.schema()).key("").timestamp(ts).set("ts", ts);
        if (predictionId != null) {
            b.set("prediction_id", predictionId);
        }
        if (purchased != null) {
            b.set("purchased", purchased);
        }
        return EventJson.of(PURCHASES, null).encode(b.build());
    }
}
