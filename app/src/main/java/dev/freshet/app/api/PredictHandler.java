package dev.freshet.app.api;

import dev.freshet.bandits.stream.DecisionRecord;
import dev.freshet.bandits.stream.ServingPolicy;
import dev.freshet.core.config.Typos;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.definition.ModelVersion;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.stream.LoggedPrediction;
import dev.freshet.learners.stream.ServingModel;
import dev.freshet.online.OnlineStore;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /predict}: reads the model's features from the online store for the request's
 * entities, adds the request's context, scores the example with the model's serving version and
 * logs the prediction with its inputs exactly as scored, so training learns from what serving saw.
 * Thread-safe.
 */
final class PredictHandler {

    private record Plan(ServingModel model, ServedContext context) {
    }

    /** A bandit whose actions are models: it chooses which model scores each request. */
    private record Route(ServingPolicy policy, ServedContext context) {
    }

    private final Map<String, Plan> plans = new LinkedHashMap<>();
    private final Map<String, Route> routes = new LinkedHashMap<>();
    private final DecisionLog decisions;
    private final List<String> configured;
    private final List<String> models;
    private final OnlineStore store;
    private final Clock clock;
    private final PredictionLog log;

    /**
     * @param configured every model of the configuration, for the messages
     * @param serving    the models this server scores with, by name (may be fewer than configured), and the model
     *                   versions bandits pin, by version name ({@code ctr-v12})
     * @param routers    bandits whose actions are models of {@code serving}: {@code /predict} with a router's name
     *                   lets it choose the model, and logs the choice as its decision, under the prediction's id
     */
    PredictHandler(Definitions definitions, List<ModelDefinition> configured, Map<String, ServingModel> serving,
                   Map<String, ServingPolicy> routers, OnlineStore store, Clock clock, PredictionLog log, DecisionLog decisions) {
        this.decisions = decisions;
        this.configured = java.util.stream.Stream.concat(configured.stream().map(ModelDefinition::name), routers.keySet().stream()).toList();
        this.store = store;
        this.clock = clock;
        this.log = log;
        this.models = configured.stream().map(ModelDefinition::name).toList();
        serving.forEach((name, m) -> plans.put(name, new Plan(m, new ServedContext("model " + name, definitions,
                m.model().features(), m.model().context()))));
        for (ServingPolicy p : routers.values()) {
            BanditDefinition b = p.bandit();
            routes.put(b.name(), new Route(p, new ServedContext("bandit " + b.name(), definitions, b.contextFeatures(), b.context())));
        }
    }

    /**
     * The bandits among {@code bandits} whose actions are all models or pinned versions of {@code models}:
     * they route {@code /predict}.
     */
    static Map<String, ServingPolicy> routers(Map<String, ServingPolicy> bandits, Map<String, ServingModel> models) {
        Map<String, ServingPolicy> out = new LinkedHashMap<>();
        bandits.forEach((name, p) -> {
            List<String> actions = p.bandit().actions();
            if (!actions.isEmpty() && models.keySet().containsAll(actions)) {
                out.put(name, p);
            }
        });
        return out;
    }

    /**
     * Handles one body: blocks while the store reads.
     *
     * @return the 200 body, {@code {"prediction_id": "...", "score": 0.12, "model_version": "ctr-v3"}}
     * @throws ApiError 400 for a malformed request, an unknown model, missing or unknown entities or context fields
     */
    JsonOut handle(byte[] body) {
        PredictRequest request = PredictRequest.parse(body);
        Route route = routes.get(request.model());
        if (route != null) {
            return routed(request, route);
        }
        Plan plan = plans.get(request.model());
        if (plan == null) {
            if (configured.contains(request.model())) {
                throw ApiError.unavailable("model " + Json.quote(request.model()) + " is not served by this server");
            }
            Optional<ModelVersion> version = ModelVersion.parse(request.model(), models);
            if (version.isPresent()) {
                throw ApiError.badRequest(ApiError.UNKNOWN_MODEL, Json.quote(request.model()) + " is a version of model "
                        + version.get().model() + " that no bandit pins: name the model to score with its latest version (a "
                        + "version serves on its own only while a bandit's actions name it)");
            }
            throw ApiError.badRequest(ApiError.UNKNOWN_MODEL, "unknown model " + Json.quote(request.model()) + " (models: "
                    + (configured.isEmpty() ? "none are defined in freshet.yaml" : String.join(", ", configured))
                    + Typos.hint(request.model(), configured) + ")");
        }
        long now = clock.millis();
        String id = Ids.random();
        ServingModel.Score score = score(plan, request, now, id, true);
        JsonOut out = JsonOut.local();
        out.raw('{').name("prediction_id").string(id).raw(',').name("score").number(score.score()).raw(',')
                .name("model_version").string(score.version()).raw('}');
        return out;
    }

    /** Scores with a model and logs the prediction. */
    private ServingModel.Score score(Plan plan, PredictRequest request, long now, String id, boolean strict) {
        ServingModel model = plan.model();
        ExampleLayout layout = model.layout();
        Object[] values = plan.context().read(store, request.entities(), request.context(), now, strict);
        ServedContext.Inputs inputs = ServedContext.inputs(layout, values);
        ServingModel.Score score = model.score(inputs.example());
        log.log(new LoggedPrediction(id, model.model().name(), score.version(), now, request.entities(), inputs.byName(), score.score()));
        return score;
    }

    /**
     * A request to a router: its bandit chooses the model, the model scores, and both the prediction and the
     * decision are logged under one id, so that the label that trains the model also rewards the choice.
     * The request carries what every candidate model and the bandit need; each reads its own part.
     */
    private JsonOut routed(PredictRequest request, Route route) {
        long now = clock.millis();
        ServingPolicy policy = route.policy();
        ExampleLayout layout = policy.layout();
        Object[] values = route.context().read(store, request.entities(), request.context(), now, false);
        ServedContext.Inputs inputs = ServedContext.inputs(layout, values);
        List<String> models = policy.bandit().actions();
        ServingPolicy.Choice choice = policy.decide(inputs.example(), models);
        String chosen = models.get(choice.index());
        String id = Ids.random();
        ServingModel.Score score = score(plans.get(chosen), request, now, id, false);
        decisions.log(new DecisionRecord(id, policy.bandit().name(), choice.version(), now, request.entities(), inputs.byName(), models,
                choice.probabilities(), chosen, choice.probability()));
        JsonOut out = JsonOut.local();
        out.raw('{').name("prediction_id").string(id).raw(',').name("score").number(score.score()).raw(',')
                .name("model_version").string(score.version()).raw(',').name("model").string(chosen).raw(',')
                .name("probability").number(choice.probability()).raw(',').name("policy_version").string(choice.version()).raw('}');
        return out;
    }
}
