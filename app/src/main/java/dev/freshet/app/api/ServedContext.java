package dev.freshet.app.api;

import dev.freshet.core.config.Typos;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.core.feature.FeatureVector;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.online.OnlineStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inputs a request is served with, for a model ({@code /predict}) or a bandit ({@code /decide}):
 * its features read from the online store for the request's entities, then the request's context
 * fields, in that order (the order of an {@code ExampleLayout}). Checks the request's entities and
 * context against what is configured. Immutable and thread-safe.
 */
final class ServedContext {

    /** Features of one entity, with their positions among the inputs. */
    /** The inputs of one request: as the learner or policy takes them, and by name as they are logged. */
    record Inputs(Example example, Map<String, Object> byName) {
    }

    private record EntityGroup(String joinKey, List<FeatureRef> features, int[] slots) {
    }

    private final String owner;
    private final List<EntityGroup> groups;
    private final List<String> joinKeys;
    private final List<String> context;
    private final int size;

    /** @param owner for messages: {@code model ctr}, {@code bandit homepage} */
    ServedContext(String owner, Definitions definitions, List<FeatureRef> features, List<String> context) {
        this.owner = owner;
        Map<String, EntityGroup> byKey = new LinkedHashMap<>();
        for (int i = 0; i < features.size(); i++) {
            FeatureRef f = features.get(i);
            String joinKey = definitions.entityOf(definitions.featureView(f.view()).orElseThrow()).joinKey();
            EntityGroup g = byKey.computeIfAbsent(joinKey, k -> new EntityGroup(k, new ArrayList<>(), new int[features.size()]));
            g.slots()[g.features().size()] = i;
            g.features().add(f);
        }
        this.groups = List.copyOf(byKey.values());
        this.joinKeys = List.copyOf(byKey.keySet());
        this.context = List.copyOf(context);
        this.size = features.size() + context.size();
    }

    /**
     * The inputs for a request, features then context fields: Long, Double, String, Boolean or null.
     *
     * @throws ApiError 400 for a missing or unknown join key, a missing or unknown context field
     */
    Object[] read(OnlineStore store, Map<String, String> entities, Map<String, Object> requestContext, long now) {
        return read(store, entities, requestContext, now, true);
    }

    /**
     * As {@link #read(OnlineStore, Map, Map, long)}; with {@code strict} false, entities and context
     * fields it does not use are allowed (a request routed among several models carries what each needs).
     */
    Object[] read(OnlineStore store, Map<String, String> entities, Map<String, Object> requestContext, long now, boolean strict) {
        checkEntities(entities, strict);
        checkContext(requestContext, strict);
        Object[] values = new Object[size];
        for (EntityGroup g : groups) {
            FeatureVector v = store.read(g.features(), List.of(EntityKey.of(entities.get(g.joinKey()))), now).get(0);
            for (int i = 0; i < g.features().size(); i++) {
                values[g.slots()[i]] = v.values().get(i);
            }
        }
        int first = size - context.size();
        for (int i = 0; i < context.size(); i++) {
            values[first + i] = requestContext.get(context.get(i));
        }
        return values;
    }

    /** The inputs {@link #read} returned, as an example of {@code layout} and by name for the log. */
    static Inputs inputs(ExampleLayout layout, Object[] values) {
        Example example = layout.newExample();
        Map<String, Object> byName = new LinkedHashMap<>();
        for (int i = 0; i < layout.size(); i++) {
            example.set(i, values[i]);
            byName.put(layout.slots().get(i).name(), values[i]);
        }
        return new Inputs(example, byName);
    }

    private void checkEntities(Map<String, String> entities, boolean strict) {
        for (String joinKey : joinKeys) {
            if (!entities.containsKey(joinKey)) {
                throw ApiError.badRequest(ApiError.MISSING_JOIN_KEY, owner + " reads features keyed by " + joinKey
                        + ": send \"entities\": {\"" + joinKey + "\": \"<id>\"}");
            }
        }
        for (String sent : entities.keySet()) {
            if (strict && !joinKeys.contains(sent)) {
                throw ApiError.badRequest(ApiError.UNUSED_JOIN_KEY, "entities." + sent + " is not a join key of " + owner
                        + "'s features (join keys: " + (joinKeys.isEmpty() ? "none" : String.join(", ", joinKeys))
                        + Typos.hint(sent, joinKeys) + ")");
            }
        }
    }

    private void checkContext(Map<String, Object> sent, boolean strict) {
        List<String> missing = context.stream().filter(c -> !sent.containsKey(c)).toList();
        if (!missing.isEmpty()) {
            throw ApiError.badRequest(ApiError.MISSING_CONTEXT, "the request's \"context\" lacks " + String.join(", ", missing)
                    + " (" + owner + " takes context fields " + String.join(", ", context) + "; send null for a value that is unknown)");
        }
        for (String field : sent.keySet()) {
            if (strict && !context.contains(field)) {
                throw ApiError.badRequest(ApiError.UNKNOWN_CONTEXT, "context." + field + " is not a context field of " + owner
                        + " (context fields: " + (context.isEmpty() ? "none" : String.join(", ", context))
                        + Typos.hint(field, context) + ")");
            }
        }
    }
}
