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
import java.util.Collection;
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
    private static final byte[][] STATUS = new byte[FeatureStatus.values().length][];

    static {
        for (FeatureStatus s : FeatureStatus.values()) {
            STATUS[s.ordinal()] = JsonOut.quoted(s.name());
        }
    }

    /** The features of one entity, read together. */
    private static final class Group {
        final Entity entity;
        final String firstView;
        final List<FeatureRef> refs = new ArrayList<>();
        EntityColumn column;
        List<FeatureVector> result;

        Group(Entity entity, String firstView) {
            this.entity = entity;
            this.firstView = firstView;
        }
    }

    private final LookupRequest request;
    private final Resolved[] features;
    private final Group[] groupOf;
    private final int[] indexInGroup;
    private final List<Group> groups;
    private final int rows;

    private Lookup(LookupRequest request, Resolved[] features, Group[] groupOf, int[] indexInGroup, List<Group> groups, int rows) {
        this.request = request;
        this.features = features;
        this.groupOf = groupOf;
        this.indexInGroup = indexInGroup;
        this.groups = groups;
        this.rows = rows;
    }

    /**
     * Resolves and checks a request.
     *
     * @throws ApiError (400) for an unknown or repeated feature, clashing column names, a join key
     *         missing or not used, or id lists of different lengths
     */
    static Lookup plan(LookupRequest request, FeatureCatalog catalog) {
        List<String> texts = request.features();
        int n = texts.size();
        Resolved[] features = new Resolved[n];
        Group[] groupOf = new Group[n];
        int[] indexInGroup = new int[n];
        Map<String, Group> groups = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Resolved r = catalog.resolve(texts.get(i), i);
            checkUnique(features, i, r, request.fullFeatureNames());
            features[i] = r;
            Group g = groups.computeIfAbsent(r.entity().name(), e -> new Group(r.entity(), r.view().name()));
            groupOf[i] = g;
            indexInGroup[i] = g.refs.size();
            g.refs.add(r.ref());
        }
        // (loops, not streams: this runs for every request)
        List<EntityColumn> columns = request.entities();
        for (Group g : groups.values()) {
            String key = g.entity.joinKey();
            g.column = column(columns, key);
            if (g.column == null) {
                throw ApiError.badRequest(ApiError.MISSING_JOIN_KEY, "view " + g.firstView + " is keyed by " + key + " (entity "
                        + g.entity.name() + "), but \"entities\" has no " + key + " (" + present(columns) + "); add \"" + key
                        + "\": [ids]");
            }
        }
        for (EntityColumn c : columns) {
            if (!usedBy(groups.values(), c)) {
                List<String> needed = groups.values().stream().map(g -> g.entity.joinKey()).distinct().toList();
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
        return new Lookup(request, features, groupOf, indexInGroup, List.copyOf(groups.values()), rows);
    }

    private static EntityColumn column(List<EntityColumn> columns, String joinKey) {
        for (EntityColumn c : columns) {
            if (c.joinKey().equals(joinKey)) {
                return c;
            }
        }
        return null;
    }

    private static boolean usedBy(Collection<Group> groups, EntityColumn column) {
        for (Group g : groups) {
            if (g.entity.joinKey().equals(column.joinKey())) {
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
        return features.length;
    }

    /**
     * Reads every group from the store (blocking) and writes the response.
     *
     * @param now      the lookup time, epoch ms
     * @param statuses incremented per feature value by its status ordinal
     * @return the response body
     */
    Buffer execute(OnlineStore store, long now, long[] statuses) {
        for (Group g : groups) {
            g.result = rows == 0 ? List.of() : store.read(g.refs, g.column.keys(), now);
            if (g.result.size() != rows) {
                throw new IllegalStateException("the online store returned " + g.result.size() + " vectors for " + rows
                        + " entities of " + g.entity.name());
            }
        }
        JsonOut out = JsonOut.local();
        out.raw('{').name("metadata").raw('{').name("feature_names").raw('[');
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
        out.raw(']').raw('}').raw(',').name("results").raw('[');
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
            writeFeatureColumn(out, groupOf[i].result, indexInGroup[i], statuses);
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
