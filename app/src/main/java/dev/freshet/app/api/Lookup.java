package dev.freshet.app.api;

import dev.freshet.app.api.FeatureCatalog.Resolved;
import dev.freshet.app.api.LookupRequest.EntityColumn;
import dev.freshet.core.config.Typos;
import dev.freshet.core.definition.Entity;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.core.feature.FeatureStatus;
import dev.freshet.core.feature.FeatureVector;
import dev.freshet.online.OnlineStore;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One validated lookup: the request's features grouped by entity (one {@link OnlineStore#read} per
 * entity), each group's join key column, and the Feast response they make. Everything a request
 * can get wrong is found by {@link #plan}, before any read, so nothing partial ever happens.
 * A plan is used by one thread at a time.
 */
final class Lookup {

    private static final byte[] PRESENT = JsonOut.quoted(FeatureStatus.PRESENT.name());
    private static final byte[] EPOCH = JsonOut.asciiBytes("\"1970-01-01T00:00:00Z\"");
    // the fixed parts of a result column, written as bytes: every lookup writes them once per column
    private static final byte[] VALUES = JsonOut.asciiBytes("{\"values\":[");
    private static final byte[] STATUSES = JsonOut.asciiBytes("],\"statuses\":[");
    private static final byte[] TIMESTAMPS = JsonOut.asciiBytes("],\"event_timestamps\":[");
    private static final byte[] COLUMN_END = JsonOut.asciiBytes("]}");
    private static final byte[] HEAD = JsonOut.asciiBytes("{\"metadata\":{\"feature_names\":[");
    private static final byte[] RESULTS = JsonOut.asciiBytes("]},\"results\":[");
    private static final byte[][] STATUS = new byte[FeatureStatus.values().length][];

    static {
        for (FeatureStatus s : FeatureStatus.values()) {
            STATUS[s.ordinal()] = JsonOut.quoted(s.name());
        }
    }

    /** The features of one entity, read together. Immutable. */
    private record Group(Entity entity, String firstView, List<FeatureRef> refs) {
    }

    /**
     * What a plan works out from the request's feature list alone (and {@code full_feature_names}): each
     * feature resolved, checked and put in its entity's group. Immutable, so kept by {@link FeatureCatalog}
     * for lists sent again.
     *
     * @param groupOf      per feature, its group's index
     * @param indexInGroup per feature, its index in its group's refs
     */
    record Shape(Resolved[] features, Group[] groups, int[] groupOf, int[] indexInGroup) {

        /**
         * Resolves and checks a feature list.
         *
         * @throws ApiError (400) for an unknown or repeated feature, or clashing column names
         */
        static Shape of(List<String> texts, boolean full, FeatureCatalog catalog) {
            int n = texts.size();
            Resolved[] features = new Resolved[n];
            int[] groupOf = new int[n];
            int[] indexInGroup = new int[n];
            Map<String, Integer> groupIndex = new LinkedHashMap<>();
            List<Entity> entities = new ArrayList<>();
            List<String> firstViews = new ArrayList<>();
            List<List<FeatureRef>> refs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Resolved r = catalog.resolve(texts.get(i), i);
                checkUnique(features, i, r, full);
                features[i] = r;
                Integer g = groupIndex.get(r.entity().name());
                if (g == null) {
                    g = entities.size();
                    groupIndex.put(r.entity().name(), g);
                    entities.add(r.entity());
                    firstViews.add(r.view().name());
                    refs.add(new ArrayList<>());
                }
                groupOf[i] = g;
                indexInGroup[i] = refs.get(g).size();
                refs.get(g).add(r.ref());
            }
            Group[] groups = new Group[entities.size()];
            for (int g = 0; g < groups.length; g++) {
                groups[g] = new Group(entities.get(g), firstViews.get(g), List.copyOf(refs.get(g)));
            }
            return new Shape(features, groups, groupOf, indexInGroup);
        }
    }

    private final LookupRequest request;
    private final Shape shape;
    /** Per group: the request's column of its join key. */
    private final EntityColumn[] columnOf;
    private final int rows;

    private Lookup(LookupRequest request, Shape shape, EntityColumn[] columnOf, int rows) {
        this.request = request;
        this.shape = shape;
        this.columnOf = columnOf;
        this.rows = rows;
    }

    /**
     * Resolves and checks a request; its feature list's {@link Shape} comes from the catalog's kept ones when it
     * was sent before.
     *
     * @throws ApiError (400) for an unknown or repeated feature, clashing column names, a join key
     *         missing or not used, or id lists of different lengths
     */
    static Lookup plan(LookupRequest request, FeatureCatalog catalog) {
        Shape shape = catalog.shape(request.features(), request.fullFeatureNames());
        Group[] groups = shape.groups();
        // (loops, not streams: this runs for every request)
        List<EntityColumn> columns = request.entities();
        EntityColumn[] columnOf = new EntityColumn[groups.length];
        for (int g = 0; g < groups.length; g++) {
            Group group = groups[g];
            String key = group.entity().joinKey();
            columnOf[g] = column(columns, key);
            if (columnOf[g] == null) {
                throw ApiError.badRequest(ApiError.MISSING_JOIN_KEY, "view " + group.firstView() + " is keyed by " + key + " (entity "
                        + group.entity().name() + "), but \"entities\" has no " + key + " (" + present(columns) + "); add \"" + key
                        + "\": [ids]");
            }
        }
        for (EntityColumn c : columns) {
            if (!usedBy(groups, c)) {
                List<String> needed = Arrays.stream(groups).map(g -> g.entity().joinKey()).distinct().toList();
                throw ApiError.badRequest(ApiError.UNUSED_JOIN_KEY, "entities." + c.joinKey() + " is not the join key of any"
                        + " requested feature's view (the requested views are keyed by " + String.join(", ", needed)
                        + Typos.hint(c.joinKey(), needed) + "): remove it, or request a feature keyed by it");
            }
        }
        int rows = columns.getFirst().size();
        for (EntityColumn c : columns) {
            if (c.size() != rows) {
                throw ApiError.badRequest(ApiError.LENGTH_MISMATCH, "the id lists in \"entities\" differ in length ("
                        + columns.stream().map(x -> x.joinKey() + " has " + x.size()).collect(Collectors.joining(", "))
                        + "): every join key needs one id per row");
            }
        }
        return new Lookup(request, shape, columnOf, rows);
    }

    private static EntityColumn column(List<EntityColumn> columns, String joinKey) {
        for (EntityColumn c : columns) {
            if (c.joinKey().equals(joinKey)) {
                return c;
            }
        }
        return null;
    }

    private static boolean usedBy(Group[] groups, EntityColumn column) {
        for (Group g : groups) {
            if (g.entity().joinKey().equals(column.joinKey())) {
                return true;
            }
        }
        return false;
    }

    private static void checkUnique(Resolved[] earlier, int i, Resolved r, boolean full) {
        for (int j = 0; j < i; j++) {
            Resolved e = earlier[j];
            if (e == r) {
                throw ApiError.badRequest(ApiError.INVALID_REQUEST, "features[" + j + "] and features[" + i + "] are both "
                        + r.ref() + ": name each feature once");
            }
            if (!full && e.ref().feature().equals(r.ref().feature())) {
                throw ApiError.badRequest(ApiError.FEATURE_NAME_COLLISION, "features[" + j + "] (" + e.ref() + ") and features["
                        + i + "] (" + r.ref() + ") would both be named " + r.ref().feature() + " in the response: set"
                        + " \"full_feature_names\": true to name columns view__feature");
            }
        }
    }

    private static String present(List<EntityColumn> columns) {
        return columns.isEmpty() ? "it is empty"
                : "it has " + columns.stream().map(EntityColumn::joinKey).collect(Collectors.joining(", "));
    }

    int rows() {
        return rows;
    }

    int featureCount() {
        return shape.features().length;
    }

    /**
     * Reads every group from the store (blocking) and writes the response.
     *
     * @param now      the lookup time, epoch ms
     * @param statuses incremented per feature value by its status ordinal
     * @return the response body
     */
    Buffer execute(OnlineStore store, long now, long[] statuses) {
        Group[] groups = shape.groups();
        @SuppressWarnings("unchecked")
        List<FeatureVector>[] results = new List[groups.length];
        for (int g = 0; g < groups.length; g++) {
            results[g] = rows == 0 ? List.of() : store.read(groups[g].refs(), columnOf[g].keys(), now);
            if (results[g].size() != rows) {
                throw new IllegalStateException("the online store returned " + results[g].size() + " vectors for " + rows
                        + " entities of " + groups[g].entity().name());
            }
        }
        Resolved[] features = shape.features();
        JsonOut out = JsonOut.local();
        out.raw(HEAD);
        List<EntityColumn> columns = request.entities();
        for (int c = 0; c < columns.size(); c++) {
            (c > 0 ? out.raw(',') : out).string(columns.get(c).joinKey());
        }
        for (int i = 0; i < features.length; i++) {
            if (i > 0 || !columns.isEmpty()) {
                out.raw(',');
            }
            out.raw(request.fullFeatureNames() ? features[i].fullName() : features[i].shortName());
        }
        out.raw(RESULTS);
        for (int c = 0; c < columns.size(); c++) {
            if (c > 0) {
                out.raw(',');
            }
            writeEntityColumn(out, columns.get(c));
        }
        for (int i = 0; i < features.length; i++) {
            if (i > 0 || !columns.isEmpty()) {
                out.raw(',');
            }
            writeFeatureColumn(out, results[shape.groupOf()[i]], shape.indexInGroup()[i], statuses);
        }
        out.raw(']').raw('}');
        return out.toBuffer();
    }

    private void writeEntityColumn(JsonOut out, EntityColumn column) {
        out.raw(VALUES);
        for (int r = 0; r < rows; r++) {
            if (r > 0) {
                out.raw(',');
            }
            column.writeValue(out, r);
        }
        out.raw(STATUSES);
        for (int r = 0; r < rows; r++) {
            (r > 0 ? out.raw(',') : out).raw(PRESENT);
        }
        out.raw(TIMESTAMPS);
        for (int r = 0; r < rows; r++) {
            (r > 0 ? out.raw(',') : out).raw(EPOCH);
        }
        out.raw(COLUMN_END);
    }

    private void writeFeatureColumn(JsonOut out, List<FeatureVector> vectors, int k, long[] statuses) {
        out.raw(VALUES);
        for (int r = 0; r < rows; r++) {
            (r > 0 ? out.raw(',') : out).value(vectors.get(r).values().get(k));
        }
        out.raw(STATUSES);
        for (int r = 0; r < rows; r++) {
            FeatureStatus s = vectors.get(r).statuses().get(k);
            statuses[s.ordinal()]++;
            (r > 0 ? out.raw(',') : out).raw(STATUS[s.ordinal()]);
        }
        out.raw(TIMESTAMPS);
        for (int r = 0; r < rows; r++) {
            (r > 0 ? out.raw(',') : out).isoTimestamp(vectors.get(r).eventTimestamps().get(k));
        }
        out.raw(COLUMN_END);
    }
}
