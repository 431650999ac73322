package dev.freshet.app.api;

import dev.freshet.core.config.Typos;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.core.feature.FeatureVector;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.stream.LoggedPrediction;
import dev.freshet.learners.stream.ServingModel;
import dev.freshet.online.OnlineStore;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code POST /predict}: reads the model's features from the online store for the request's
 * entities, adds the request's context, scores the example with the model's serving version and
 * logs the prediction with its inputs exactly as scored, so training learns from what serving saw.
 * Thread-safe.
 */
final class PredictHandler {

    /** A model's features grouped by the join key of their entity, with their slots in the layout. */
    private record EntityGroup(String joinKey, List<FeatureRef> features, int[] slots) {
    }

    private record Plan(ServingModel model, List<EntityGroup> groups, List<String> joinKeys) {
    }

    private final Map<String, Plan> plans = new LinkedHashMap<>();
    private final List<String> configured;
    private final OnlineStore store;
    private final Clock clock;
    private final PredictionLog log;

    /**
     * @param configured every model of the configuration, for the messages
     * @param serving    the models this server scores with, by name (may be fewer than configured)
     */
    PredictHandler(Definitions definitions, List<ModelDefinition> configured, Map<String, ServingModel> serving,
                   OnlineStore store, Clock clock, PredictionLog log) {
        this.configured = configured.stream().map(ModelDefinition::name).toList();
        this.store = store;
        this.clock = clock;
        this.log = log;
        for (ServingModel m : serving.values()) {
            Map<String, EntityGroup> byKey = new LinkedHashMap<>();
            List<FeatureRef> features = m.model().features();
            for (int i = 0; i < features.size(); i++) {
                FeatureRef f = features.get(i);
                String joinKey = definitions.entityOf(definitions.featureView(f.view()).orElseThrow()).joinKey();
                EntityGroup g = byKey.computeIfAbsent(joinKey, k -> new EntityGroup(k, new ArrayList<>(), new int[features.size()]));
                g.slots()[g.features().size()] = i; // features come first in the layout, in model order
                g.features().add(f);
            }
            plans.put(m.model().name(), new Plan(m, List.copyOf(byKey.values()), List.copyOf(byKey.keySet())));
        }
    }

    /**
     * Handles one body: blocks while the store reads.
     *
     * @return the 200 body, {@code {"prediction_id": "...", "score": 0.12, "model_version": "ctr-v3"}}
     * @throws ApiError 400 for a malformed request, an unknown model, missing or unknown entities or context fields
     */
    JsonOut handle(byte[] body) {
        PredictRequest request = PredictRequest.parse(body);
        Plan plan = plans.get(request.model());
        if (plan == null) {
            if (configured.contains(request.model())) {
                throw ApiError.unavailable("model " + Json.quote(request.model()) + " is not served by this server");
            }
            throw ApiError.badRequest(ApiError.UNKNOWN_MODEL, "unknown model " + Json.quote(request.model()) + " (models: "
                    + (configured.isEmpty() ? "none are defined in freshet.yaml" : String.join(", ", configured))
                    + Typos.hint(request.model(), configured) + ")");
        }
        ServingModel model = plan.model();
        ExampleLayout layout = model.layout();
        checkEntities(request, plan);
        checkContext(request, model.model());
        Example example = layout.newExample();
        long now = clock.millis();
        Map<String, Object> inputs = new LinkedHashMap<>();
        Object[] values = new Object[layout.size()];
        for (EntityGroup g : plan.groups()) {
            EntityKey key = EntityKey.of(request.entities().get(g.joinKey()));
            FeatureVector v = store.read(g.features(), List.of(key), now).get(0);
            for (int i = 0; i < g.features().size(); i++) {
                values[g.slots()[i]] = v.values().get(i);
            }
        }
        for (int i = layout.featureCount(); i < layout.size(); i++) {
            values[i] = request.context().get(layout.slots().get(i).name());
        }
        for (int i = 0; i < layout.size(); i++) {
            example.set(i, values[i]);
            inputs.put(layout.slots().get(i).name(), values[i]);
        }
        ServingModel.Score score = model.score(example);
        String id = newId();
        log.log(new LoggedPrediction(id, model.model().name(), score.version(), now, request.entities(), inputs, score.score()));
        JsonOut out = JsonOut.local();
        out.raw('{').name("prediction_id").string(id).raw(',').name("score").number(score.score()).raw(',')
                .name("model_version").string(score.version()).raw('}');
        return out;
    }

    private static void checkEntities(PredictRequest request, Plan plan) {
        for (String joinKey : plan.joinKeys()) {
            if (!request.entities().containsKey(joinKey)) {
                throw ApiError.badRequest(ApiError.MISSING_JOIN_KEY, "model " + plan.model().model().name() + " reads features keyed by "
                        + joinKey + ": send \"entities\": {\"" + joinKey + "\": \"<id>\"}");
            }
        }
        for (String sent : request.entities().keySet()) {
            if (!plan.joinKeys().contains(sent)) {
                throw ApiError.badRequest(ApiError.UNUSED_JOIN_KEY, "entities." + sent + " is not a join key of model "
                        + plan.model().model().name() + "'s features (join keys: " + String.join(", ", plan.joinKeys())
                        + Typos.hint(sent, plan.joinKeys()) + ")");
            }
        }
    }

    private static void checkContext(PredictRequest request, ModelDefinition model) {
        List<String> missing = model.context().stream().filter(c -> !request.context().containsKey(c)).toList();
        if (!missing.isEmpty()) {
            throw ApiError.badRequest(ApiError.MISSING_CONTEXT, "the request's \"context\" lacks " + String.join(", ", missing)
                    + " (model " + model.name() + " takes context fields " + String.join(", ", model.context())
                    + "; send null for a value that is unknown)");
        }
        for (String sent : request.context().keySet()) {
            if (!model.context().contains(sent)) {
                throw ApiError.badRequest(ApiError.UNKNOWN_CONTEXT, "context." + sent + " is not a context field of model " + model.name()
                        + " (context fields: " + (model.context().isEmpty() ? "none" : String.join(", ", model.context()))
                        + Typos.hint(sent, model.context()) + ")");
            }
        }
    }

    /** 128 random bits in hex: unique without coordination between servers. */
    private static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return HexFormat.of().toHexDigits(r.nextLong()) + HexFormat.of().toHexDigits(r.nextLong());
    }
}
