package dev.freshet.bench.learners;

import dev.freshet.core.definition.LabelSpec;
import dev.freshet.core.definition.LearnerKind;
import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.learners.stream.LoggedPrediction;
import dev.freshet.learners.stream.TrainingExample;
import dev.freshet.learners.stream.TrainingJson;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The model and the training-example records of the learner benchmarks that go through Kafka or its
 * JSON: a click model of five features (three numbers, two categories) and two context fields, with
 * the interaction last item × item, and records as the label join writes them ({@link TrainingJson}).
 */
final class TrainingRecords {

    static final String MODEL = "ctr";

    private TrainingRecords() {
    }

    static ModelDefinition model() {
        return new ModelDefinition(MODEL, LearnerKind.FTRL,
                List.of(new FeatureRef("user_activity", "clicks_5m"), new FeatureRef("user_activity", "spend_1h"),
                        new FeatureRef("user_activity", "last_item"), new FeatureRef("item_stats", "ctr_1d"),
                        new FeatureRef("item_stats", "category")),
                List.of("item_id", "hour"), List.of(List.of("last_item", "item_id")),
                new LabelSpec("clicks", "prediction_id", "clicked", Duration.ofMinutes(30), 0.0),
                new LearnerOptions.Ftrl(0.1, 1.0, 0.0, 1.0, 20), Duration.ofSeconds(10));
    }

    /** A generator of records {@code 0, 1, 2, ...}, seeded; about 8 % are labelled positive. */
    static final class Generator {

        private final SplittableRandom random;
        private long next;

        Generator(long seed) {
            this.random = new SplittableRandom(seed);
        }

        byte[] next() {
            long id = next++;
            long ts = 1_700_000_000_000L + id;
            Map<String, Object> inputs = new LinkedHashMap<>();
            inputs.put("user_activity:clicks_5m", (long) random.nextInt(20));
            inputs.put("user_activity:spend_1h", random.nextInt(100_000) / 100.0);
            inputs.put("user_activity:last_item", "item-" + random.nextInt(10_000));
            inputs.put("item_stats:ctr_1d", random.nextDouble() * 0.2);
            inputs.put("item_stats:category", "cat-" + random.nextInt(200));
            inputs.put("item_id", "item-" + random.nextInt(10_000));
            inputs.put("hour", (long) random.nextInt(24));
            LoggedPrediction p = new LoggedPrediction("p-" + Long.toHexString(id), MODEL, MODEL + "-v1", ts,
                    Map.of("user_id", "user-" + random.nextInt(100_000)), inputs, 0.08);
            double label = random.nextInt(100) < 8 ? 1 : 0;
            return TrainingJson.encode(new TrainingExample(p, label, label == 1, ts + 5_000));
        }
    }
}
