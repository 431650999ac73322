package dev.freshet.app.api;

import dev.freshet.bandits.stream.DecisionRecord;
import dev.freshet.bandits.stream.ServingPolicy;
import dev.freshet.core.config.Typos;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.Definitions;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.online.OnlineStore;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /decide}: reads the bandit's context features from the online store for the request's
 * entities, adds the request's context, asks the bandit's serving policy for the distribution over the
 * candidates, samples the action from it, and logs the decision (context as served, candidates,
 * distribution, action and its probability) to {@code freshet.decisions}. Thread-safe.
 */
final class DecideHandler {

    private record Plan(ServingPolicy policy, ServedContext context) {
    }

    private final Map<String, Plan> plans = new LinkedHashMap<>();
    private final List<String> configured;
    private final OnlineStore store;
    private final Clock clock;
    private final DecisionLog log;

    DecideHandler(Definitions definitions, List<BanditDefinition> configured, Map<String, ServingPolicy> serving, OnlineStore store,
                  Clock clock, DecisionLog log) {
        this.configured = configured.stream().map(BanditDefinition::name).toList();
        this.store = store;
        this.clock = clock;
        this.log = log;
        for (ServingPolicy p : serving.values()) {
            BanditDefinition b = p.bandit();
            plans.put(b.name(), new Plan(p, new ServedContext("bandit " + b.name(), definitions, b.contextFeatures(), b.context())));
        }
    }

    /**
     * Handles one body: blocks while the store reads.
     *
     * @return the 200 body: decision id, action, probability, distribution and policy version
     * @throws ApiError 400 for a malformed request, an unknown bandit, no candidates, missing or unknown entities or context
     */
    JsonOut handle(byte[] body) {
        DecideRequest request = DecideRequest.parse(body);
        Plan plan = plans.get(request.bandit());
        if (plan == null) {
            if (configured.contains(request.bandit())) {
                throw ApiError.unavailable("bandit " + Json.quote(request.bandit()) + " is not served by this server");
            }
            throw ApiError.badRequest(ApiError.UNKNOWN_BANDIT, "unknown bandit " + Json.quote(request.bandit()) + " (bandits: "
                    + (configured.isEmpty() ? "none are defined in freshet.yaml" : String.join(", ", configured))
                    + Typos.hint(request.bandit(), configured) + ")");
        }
        BanditDefinition bandit = plan.policy().bandit();
        List<String> candidates = request.actions() != null ? request.actions() : bandit.actions();
        if (candidates.isEmpty()) {
            throw ApiError.badRequest(ApiError.INVALID_ACTIONS, "bandit " + bandit.name() + " has no configured actions: send the "
                    + "candidates in \"actions\", e.g. \"actions\": [\"banner_a\", \"banner_b\"]");
        }
        long now = clock.millis();
        Object[] values = plan.context().read(store, request.entities(), request.context(), now);
        ExampleLayout layout = plan.policy().layout();
        ServedContext.Inputs inputs = ServedContext.inputs(layout, values);
        ServingPolicy.Choice choice = plan.policy().decide(inputs.example(), candidates);
        String id = Ids.random();
        String action = candidates.get(choice.index());
        log.log(new DecisionRecord(id, bandit.name(), choice.version(), now, request.entities(), inputs.byName(), candidates,
                choice.probabilities(), action, choice.probability()));
        JsonOut out = JsonOut.local();
        out.raw('{').name("decision_id").string(id).raw(',').name("action").string(action).raw(',')
                .name("probability").number(choice.probability()).raw(',').name("distribution").raw('{');
        for (int i = 0; i < candidates.size(); i++) {
            (i > 0 ? out.raw(',') : out).name(candidates.get(i)).number(choice.distribution()[i]);
        }
        out.raw('}').raw(',').name("policy_version").string(choice.version()).raw('}');
        return out;
    }
}
