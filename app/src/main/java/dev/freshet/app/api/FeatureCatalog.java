package dev.freshet.app.api;

import dev.freshet.core.config.Typos;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Entity;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.feature.FeatureRef;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every feature a lookup may name, resolved once from the definitions: a request's
 * {@code "view:feature"} strings become their view, entity and response column names with one hash
 * lookup each, and a name that resolves to nothing gets a message listing what exists, with a
 * "did you mean" hint. Also keeps the {@link Lookup.Shape} of the feature lists requested (up to
 * {@link #MAX_SHAPES} of them), so that a list sent again is not resolved again. Thread-safe.
 */
final class FeatureCatalog {

    /** The most feature lists whose shape is kept; lookups of others work theirs out each time. */
    static final int MAX_SHAPES = 1024;

    /** A feature list as requested, with {@code full_feature_names}. */
    private record ShapeKey(List<String> features, boolean full) {
    }

    /**
     * A feature a lookup can read.
     *
     * @param shortName the response column name as JSON bytes ({@code "clicks_5m"})
     * @param fullName  the column name with {@code full_feature_names} ({@code "user_activity__clicks_5m"})
     */
    record Resolved(FeatureRef ref, FeatureView view, Entity entity, byte[] shortName, byte[] fullName) {
    }

    private final Definitions definitions;
    private final Map<String, Resolved> byText = new HashMap<>();
    private final List<String> viewNames;
    private final Map<ShapeKey, Lookup.Shape> shapes = new ConcurrentHashMap<>();

    FeatureCatalog(Definitions definitions) {
        this.definitions = definitions;
        for (FeatureView view : definitions.featureViews()) {
            Entity entity = definitions.entityOf(view);
            for (FeatureDefinition f : view.features()) {
                FeatureRef ref = new FeatureRef(view.name(), f.name());
                byText.put(ref.toString(), new Resolved(ref, view, entity, JsonOut.quoted(f.name()),
                        JsonOut.quoted(view.name() + "__" + f.name())));
            }
        }
        viewNames = definitions.featureViews().stream().map(FeatureView::name).toList();
    }

    /**
     * The feature {@code text} names ({@code view:feature}, spaces around either name ignored).
     *
     * @param position the index in the request's {@code features}, for messages
     * @throws ApiError (400) when the text is no reference, or names an unknown view or feature
     */
    Resolved resolve(String text, int position) {
        Resolved r = byText.get(text);
        if (r != null) {
            return r;
        }
        FeatureRef ref;
        try {
            ref = FeatureRef.parse(text);
        } catch (InvalidInputException e) {
            throw ApiError.badRequest(ApiError.INVALID_FEATURE_REFERENCE, "features[" + position + "]: " + e.getMessage());
        }
        r = byText.get(ref.toString());
        if (r != null) {
            return r;
        }
        FeatureView view = definitions.featureView(ref.view()).orElse(null);
        if (view == null) {
            throw ApiError.badRequest(ApiError.UNKNOWN_FEATURE_VIEW, "features[" + position + "]: unknown feature view "
                    + Json.quote(ref.view()) + " in " + Json.quote(text) + " (feature views: "
                    + (viewNames.isEmpty() ? "none are defined" : String.join(", ", viewNames)) + Typos.hint(ref.view(), viewNames) + ")");
        }
        List<String> names = view.features().stream().map(FeatureDefinition::name).toList();
        throw ApiError.badRequest(ApiError.UNKNOWN_FEATURE, "features[" + position + "]: view " + view.name()
                + " has no feature " + Json.quote(ref.feature()) + " (features of " + view.name() + ": "
                + String.join(", ", names) + Typos.hint(ref.feature(), names) + ")");
    }

    /**
     * The shape of a feature list: kept from an earlier request of the same list, or worked out (and kept while
     * fewer than {@link #MAX_SHAPES} are).
     *
     * @throws ApiError as {@link Lookup#plan}
     */
    Lookup.Shape shape(List<String> features, boolean full) {
        ShapeKey key = new ShapeKey(features, full);
        Lookup.Shape shape = shapes.get(key);
        if (shape == null) {
            shape = Lookup.Shape.of(features, full, this);
            if (shapes.size() < MAX_SHAPES) {
                shapes.putIfAbsent(new ShapeKey(List.copyOf(features), full), shape);
            }
        }
        return shape;
    }

    /** The join keys of the entities of every view, for messages. */
    Definitions definitions() {
        return definitions;
    }
}
