package dev.freshet.offline.join;

import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.config.Typos;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Entity;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Source;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.offline.arrow.ArchiveSchema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A request resolved against the definitions: the output's feature columns, and per source the
 * views to aggregate, the archive columns to read and where each value goes. Each view's aggregator
 * is built over the requested features only (the same aggregate code, fewer states to update per
 * event). Immutable.
 */
final class JoinPlan {

    /** One feature column of the output. */
    record Column(FeatureRef ref, String name, ValueKind kind) {
    }

    /**
     * The requested features of one view.
     *
     * @param featureIndex the features' positions in {@code aggregator}
     * @param slot         the features' positions in their source's result record
     * @param maxWindow    the longest requested window, ms (0 when only lifetime features are requested)
     * @param lifetime     whether a lifetime feature is requested (tiles leaving every window are then folded into one)
     * @param ttlMillis    the view's ttl, ms, or 0 when values never expire
     * @param expiry       the aggregator of the whole view (not only the requested features) when its tiles
     *                     expire ({@link ViewAggregator#tilesExpire}): an entity whose newest tile has expired
     *                     at {@code t} is NOT_FOUND, as online; null when they never expire
     */
    record ViewPlan(ViewAggregator aggregator, int[] featureIndex, int[] slot, long maxWindow, boolean lifetime, long ttlMillis,
                    ViewAggregator expiry) {
    }

    /**
     * The views of one source.
     *
     * @param keyField    the field holding the entity key
     * @param columns     the output feature column of each slot
     * @param scanColumns the archive columns to read
     * @param fields      the schema positions of the fields the aggregates read
     */
    record SourcePlan(Source source, ArchiveSchema layout, String keyField, List<ViewPlan> views, int[] columns,
                      String[] scanColumns, int[] fields) {
    }

    private final List<Column> columns;
    private final List<SourcePlan> sources;

    private JoinPlan(List<Column> columns, List<SourcePlan> sources) {
        this.columns = columns;
        this.sources = sources;
    }

    List<Column> columns() {
        return columns;
    }

    List<SourcePlan> sources() {
        return sources;
    }

    /**
     * @throws InvalidInputException on an unknown view or feature (naming the choices), views of an
     *                               entity whose join key is not the entity column, or two features that would share a column name
     */
    static JoinPlan of(Definitions definitions, TrainingSetRequest request) {
        Map<String, List<Integer>> byView = new LinkedHashMap<>();
        List<FeatureDefinition> defs = new ArrayList<>();
        List<Column> columns = new ArrayList<>();
        Map<String, FeatureRef> names = new HashMap<>();
        List<String> viewNames = definitions.featureViews().stream().map(FeatureView::name).toList();
        for (FeatureRef ref : request.features()) {
            FeatureView view = definitions.featureView(ref.view()).orElseThrow(() -> new InvalidInputException(
                    "unknown feature view '" + ref.view() + "' in '" + ref + "' (feature views: " + String.join(", ", viewNames)
                            + Typos.hint(ref.view(), viewNames) + ")"));
            List<String> featureNames = view.features().stream().map(FeatureDefinition::name).toList();
            FeatureDefinition f = view.feature(ref.feature()).orElseThrow(() -> new InvalidInputException(
                    "unknown feature '" + ref.feature() + "' in view '" + ref.view() + "' (features: " + String.join(", ", featureNames)
                            + Typos.hint(ref.feature(), featureNames) + ")"));
            Entity entity = definitions.entityOf(view);
            if (!entity.joinKey().equals(request.entityColumn())) {
                throw new InvalidInputException("feature '" + ref + "': view '" + view.name() + "' is keyed by entity '" + entity.name()
                        + "' whose join key is '" + entity.joinKey() + "', not the spine's entity column '" + request.entityColumn()
                        + "' (request features of one entity, with its join key as entity_column)");
            }
            String name = request.fullFeatureNames() ? ref.view() + "__" + ref.feature() : ref.feature();
            FeatureRef clash = names.put(name, ref);
            if (clash != null) {
                throw new InvalidInputException("features '" + clash + "' and '" + ref + "' would both be column '" + name
                        + "' (set full_feature_names to name columns view__feature)");
            }
            Source source = definitions.sourceOf(view);
            FieldType type = f.field() == null ? null : source.schema().find(f.field()).orElseThrow().type();
            columns.add(new Column(ref, name, ValueKind.of(f, type)));
            defs.add(f);
            byView.computeIfAbsent(view.name(), v -> new ArrayList<>()).add(columns.size() - 1);
        }

        Map<String, List<String>> viewsBySource = new LinkedHashMap<>();
        for (String view : byView.keySet()) {
            viewsBySource.computeIfAbsent(definitions.featureView(view).orElseThrow().source(), s -> new ArrayList<>()).add(view);
        }
        List<SourcePlan> sources = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : viewsBySource.entrySet()) {
            Source source = definitions.source(e.getKey()).orElseThrow();
            FeatureView first = definitions.featureView(e.getValue().get(0)).orElseThrow();
            String keyField = definitions.entityOf(first).joinKey();
            if (source.schema().indexOf(keyField) < 0) {
                throw new InvalidInputException("source '" + source.name() + "' has no field '" + keyField
                        + "', the join key its views are keyed by");
            }
            Set<String> scan = new LinkedHashSet<>();
            scan.add(keyField);
            Set<Integer> fields = new LinkedHashSet<>();
            List<ViewPlan> views = new ArrayList<>();
            List<Integer> slotColumns = new ArrayList<>();
            for (String viewName : e.getValue()) {
                FeatureView view = definitions.featureView(viewName).orElseThrow();
                List<Integer> positions = byView.get(viewName);
                List<FeatureDefinition> requested = positions.stream().map(defs::get).toList();
                FeatureView reduced = new FeatureView(view.name(), view.entity(), view.source(), view.tile(), view.ttl(), requested);
                ViewAggregator aggregator = ViewAggregator.of(reduced, source.schema());
                int[] index = new int[positions.size()];
                int[] slot = new int[positions.size()];
                long maxWindow = 0;
                boolean lifetime = false;
                for (int k = 0; k < positions.size(); k++) {
                    FeatureDefinition f = defs.get(positions.get(k));
                    index[k] = aggregator.featureIndex(f.name());
                    slot[k] = slotColumns.size();
                    slotColumns.add(positions.get(k));
                    if (f.isLifetime()) {
                        lifetime = true;
                    } else {
                        maxWindow = Math.max(maxWindow, f.windowMillis());
                    }
                    if (f.field() != null) {
                        scan.add(f.field());
                        fields.add(source.schema().indexOf(f.field()));
                    }
                }
                long ttl = view.ttl() == null ? 0 : view.ttl().toMillis();
                // expiry depends on the whole view (its lifetime features, its longest window), not on what was asked
                ViewAggregator whole = ViewAggregator.of(view, source.schema());
                views.add(new ViewPlan(aggregator, index, slot, maxWindow, lifetime, ttl, whole.tilesExpire() ? whole : null));
            }
            scan.add(ArchiveSchema.EVENT_TIME);
            scan.add(ArchiveSchema.PARTITION);
            scan.add(ArchiveSchema.OFFSET);
            sources.add(new SourcePlan(source, ArchiveSchema.of(source), keyField, List.copyOf(views),
                    slotColumns.stream().mapToInt(Integer::intValue).toArray(), scan.toArray(new String[0]),
                    fields.stream().mapToInt(Integer::intValue).toArray()));
        }
        return new JoinPlan(List.copyOf(columns), List.copyOf(sources));
    }
}
