package dev.freshet.app.api;

import dev.freshet.core.config.Typos;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.stream.LoggedPrediction;
import dev.freshet.learners.stream.ServingModel;
import dev.freshet.online.OnlineStore;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /predict}: reads the model's features from the online store for the request's
 * entities, adds the request's context, scores the example with the model's serving version and
 * logs the prediction with its inputs exactly as scored, so training learns from what serving saw.
 * Thread-safe.
 */
final class PredictHandler {

    private record Plan(ServingModel model, ServedContext context) {
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
            plans.put(m.model().name(), new Plan(m, new ServedContext("model " + m.model().name(), definitions,
                    m.model().features(), m.model().context())));
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
        long now = clock.millis();
        Object[] values = plan.context().read(store, request.entities(), request.context(), now);
        Example example = layout.newExample();
        Map<String, Object> inputs = new LinkedHashMap<>();
        for (int i = 0; i < layout.size(); i++) {
            example.set(i, values[i]);
            inputs.put(layout.slots().get(i).name(), values[i]);
        }
        ServingModel.Score score = model.score(example);
        String id = Ids.random();
        log.log(new LoggedPrediction(id, model.model().name(), score.version(), now, request.entities(), inputs, score.score()));
        JsonOut out = JsonOut.local();
        out.raw('{').name("prediction_id").string(id).raw(',').name("score").number(score.score()).raw(',')
                .name("model_version").string(score.version()).raw('}');
        return out;
    }
}
