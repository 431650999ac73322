package dev.freshet.online;

import dev.freshet.core.aggregate.FeatureValue;
import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.config.Typos;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.core.feature.FeatureStatus;
import dev.freshet.core.feature.FeatureVector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The read half of every online store: turns feature references into one {@code getTiles} call per
 * view and merges each window's tiles with the view's {@link ViewAggregator}, so every backend
 * serves the same values and statuses. What a read works out from its feature list alone (the views, the
 * features' places in them, the windows) is kept per list, for up to {@link #MAX_PLANS} lists: a service
 * reads the same list again and again. Thread-safe.
 *
 * <p>Reading rule for the lifetime tile (see the README's streaming-pipeline section): a lifetime
 * feature merges the lifetime tile, then the ordinary tiles that start after it; ordinary tiles that
 * start at or before it were folded into it and are ignored (they linger only until their tombstones
 * are applied). Windowed features never read the lifetime tile.
 *
 * <p>Expiry: in a view whose tiles expire ({@link ViewAggregator#tilesExpire}), an entity whose newest
 * tile starts at or before {@link ViewAggregator#lastExpiredStart} is {@code NOT_FOUND}, exactly as after
 * the sweeper removed its tiles, so the answer does not depend on when the sweeper last ran (and the
 * offline join, which applies the same rule, agrees).
 */
final class WindowReader {

    /** Where the tiles come from: a backend's {@link OnlineStore#getTiles}. */
    @FunctionalInterface
    interface TileSource {
        List<EntityTiles> getTiles(String view, List<EntityKey> entities, long fromTile);
    }

    /** The most feature lists whose {@link ReadPlan} is kept; others are planned at each read. */
    static final int MAX_PLANS = 1024;

    private final Definitions definitions;
    private final Map<String, ViewAggregator> aggregators = new LinkedHashMap<>();
    private final Map<List<FeatureRef>, ReadPlan> plans = new ConcurrentHashMap<>();
    /** Computed values of recently read entities; null for a store that other processes write too. */
    private final ValueCache valueCache;

    WindowReader(Definitions definitions) {
        this(definitions, null);
    }

    /** @param values where computed values are kept for later lookups in the same tile, or null */
    WindowReader(Definitions definitions, ValueCache values) {
        this.valueCache = values;
        this.definitions = Objects.requireNonNull(definitions, "definitions");
        for (FeatureView view : definitions.featureViews()) {
            aggregators.put(view.name(), ViewAggregator.of(definitions, view));
        }
    }

    /**
     * The aggregator of a view.
     *
     * @throws InvalidInputException when the view is not defined, with the defined ones and a hint
     */
    ViewAggregator aggregator(String view) {
        ViewAggregator a = aggregators.get(view);
        if (a == null) {
            throw new InvalidInputException("feature view '" + view + "' is not defined (views: "
                    + String.join(", ", aggregators.keySet()) + Typos.hint(view, aggregators.keySet()) + ")");
        }
        return a;
    }

    Definitions definitions() {
        return definitions;
    }

    /** See {@link OnlineStore#read}. */
    List<FeatureVector> read(TileSource source, List<FeatureRef> features, List<EntityKey> entities, long now) {
        ReadPlan plan = plan(features);
        int n = plan.features().size();
        int m = entities.size();
        // one row per entity (not a two-dimensional array: its allocation is a slow runtime call)
        Object[][] values = new Object[m][];
        FeatureStatus[][] statuses = new FeatureStatus[m][];
        long[][] times = new long[m][];
        for (int e = 0; e < m; e++) {
            values[e] = new Object[n];
            statuses[e] = new FeatureStatus[n];
            times[e] = new long[n];
        }
        for (ViewPlan view : plan.views()) {
            readView(source, view, entities, now, values, statuses, times);
        }
        FeatureVector[] out = new FeatureVector[m];
        for (int e = 0; e < m; e++) {
            // each row's arrays are handed over to its vector, which copies nothing
            out[e] = FeatureVector.of(entities.get(e), now, plan.features(), values[e], statuses[e], times[e]);
        }
        return Arrays.asList(out);
    }

    /**
     * What a read works out from its feature list alone: the views to read, and per view which of the
     * requested features it serves and what it evaluates. Immutable.
     *
     * @param features the features, as an immutable copy
     */
    record ReadPlan(List<FeatureRef> features, ViewPlan[] views) {
    }

    /**
     * One view of a {@link ReadPlan}.
     *
     * @param positions the positions in the request of the view's features requested
     * @param index     their indexes in the view ({@link ViewAggregator#featureIndex})
     * @param evaluated the indexes a read that misses the value cache evaluates: every feature of the view with the
     *                  value cache (so that an entry is whole, computed from one reading of the tiles), else {@code index}
     * @param lifetime  per evaluated feature: whether it is a lifetime feature
     * @param windows   per evaluated feature: its window in milliseconds (unused for a lifetime one)
     * @param ttl       the view's ttl in milliseconds, 0 for none
     */
    record ViewPlan(String name, ViewAggregator aggregator, int[] positions, int[] index, int[] evaluated, boolean[] lifetime,
                    long[] windows, long ttl) {

        /** The earliest tile start a read at {@code now} needs: the lifetime tile's, or that of the longest window. */
        long fromTile(long now) {
            long from = Long.MAX_VALUE;
            long head = aggregator.tileStart(now);
            for (int k = 0; k < evaluated.length; k++) {
                from = Math.min(from, lifetime[k] ? TileKey.LIFETIME : head - windows[k]);
            }
            return from;
        }
    }

    /**
     * The plan of a feature list: the one kept for an equal list read before, else worked out (and kept, while
     * fewer than {@link #MAX_PLANS} lists are: services send the same few lists again and again).
     *
     * @throws InvalidInputException as {@link OnlineStore#read} documents
     */
    ReadPlan plan(List<FeatureRef> features) {
        ReadPlan plan = plans.get(features);
        if (plan != null) {
            return plan;
        }
        plan = newPlan(List.copyOf(features));
        if (plans.size() < MAX_PLANS) {
            plans.putIfAbsent(plan.features(), plan);
        }
        return plan;
    }

    private ReadPlan newPlan(List<FeatureRef> features) {
        Map<String, List<Integer>> byView = groupByView(features);
        ViewPlan[] views = new ViewPlan[byView.size()];
        int v = 0;
        for (Map.Entry<String, List<Integer>> group : byView.entrySet()) {
            ViewAggregator a = aggregators.get(group.getKey());
            FeatureView view = a.view();
            List<Integer> positionList = group.getValue();
            int[] positions = new int[positionList.size()];
            int[] index = new int[positions.length];
            for (int k = 0; k < positions.length; k++) {
                positions[k] = positionList.get(k);
                index[k] = a.featureIndex(features.get(positions[k]).feature()); // (checked by groupByView)
            }
            int[] evaluated = index;
            if (valueCache != null) {
                evaluated = new int[view.features().size()];
                for (int i = 0; i < evaluated.length; i++) {
                    evaluated[i] = i;
                }
            }
            boolean[] lifetime = new boolean[evaluated.length];
            long[] windows = new long[evaluated.length];
            for (int k = 0; k < evaluated.length; k++) {
                FeatureDefinition f = view.features().get(evaluated[k]);
                lifetime[k] = f.isLifetime();
                windows[k] = f.isLifetime() ? 0 : f.windowMillis();
            }
            long ttl = view.ttl() == null ? 0 : view.ttl().toMillis();
            views[v++] = new ViewPlan(group.getKey(), a, positions, index, evaluated, lifetime, windows, ttl);
        }
        return new ReadPlan(features, views);
    }

    private Map<String, List<Integer>> groupByView(List<FeatureRef> features) {
        Map<String, List<Integer>> byView = new LinkedHashMap<>();
        String entity = null;
        String firstView = null;
        for (int i = 0; i < features.size(); i++) {
            FeatureRef ref = features.get(i);
            ViewAggregator a = aggregator(ref.view());
            if (a.featureIndex(ref.feature()) < 0) {
                List<String> names = a.view().features().stream().map(FeatureDefinition::name).toList();
                throw new InvalidInputException("feature '" + ref.feature() + "' is not in view '" + ref.view() + "' (features: "
                        + String.join(", ", names) + Typos.hint(ref.feature(), names) + ")");
            }
            if (entity == null) {
                entity = a.view().entity();
                firstView = ref.view();
            } else if (!entity.equals(a.view().entity())) {
                throw new InvalidInputException("features of different entities cannot be read together: view '" + firstView
                        + "' is keyed by entity '" + entity + "', view '" + ref.view() + "' by '" + a.view().entity()
                        + "' (read each entity's features separately)");
            }
            byView.computeIfAbsent(ref.view(), v -> new ArrayList<>()).add(i);
        }
        return byView;
    }

    private void readView(TileSource source, ViewPlan plan, List<EntityKey> entities, long now, Object[][] values,
                          FeatureStatus[][] statuses, long[][] times) {
        ViewAggregator a = plan.aggregator();
        String viewName = plan.name();
        int[] positions = plan.positions();
        int[] index = plan.index();
        int[] evaluated = plan.evaluated();
        boolean[] lifetime = plan.lifetime();
        int viewFeatures = a.view().features().size();
        long fromTile = plan.fromTile(now);
        long ttl = plan.ttl();
        boolean expires = a.tilesExpire();
        long lastExpired = a.lastExpiredStart(now);
        // the cached values of entities read before at this position of the tile grid; the others are read
        long stamp = valueCache == null ? 0 : valueCache.stamp(); // before anything is read: see ValueCache.offer
        ValueCache.Position position = ValueCache.Position.of(now, a.tileStart(now));
        ValueCache.Entry[] cached = null;
        TileCache.Key[] keys = null;
        List<EntityKey> misses = entities;
        if (valueCache != null) {
            int m = entities.size();
            cached = new ValueCache.Entry[m];
            keys = new TileCache.Key[m];
            misses = null;
            for (int e = 0; e < m; e++) {
                keys[e] = new TileCache.Key(viewName, entities.get(e));
                ValueCache.Entry c = valueCache.get(keys[e], position);
                if (c != null) {
                    cached[e] = c;
                } else {
                    if (misses == null) {
                        misses = new ArrayList<>();
                    }
                    misses.add(entities.get(e));
                }
            }
            if (misses == null) {
                misses = List.of();
            }
        }
        List<EntityTiles> found = misses.isEmpty() ? List.of() : source.getTiles(viewName, misses, fromTile);
        if (found.size() != misses.size()) {
            throw new IllegalStateException("the store returned tiles of " + found.size() + " entities for " + misses.size());
        }
        Tile[] buffer = null;
        int next = 0;
        for (int e = 0; e < entities.size(); e++) {
            ValueCache.Entry c = cached == null ? null : cached[e];
            if (c != null) {
                FeatureStatus status = status(c.known(), c.latest(), expires, lastExpired, ttl, now, a);
                if (status != FeatureStatus.PRESENT) {
                    fill(positions, e, null, status, status == FeatureStatus.NOT_FOUND ? 0 : c.latest(), values, statuses, times);
                } else {
                    for (int k = 0; k < index.length; k++) {
                        put(positions[k], e, c.value(index[k]), values, statuses, times);
                    }
                }
                continue;
            }
            EntityTiles et = found.get(next++);
            // an entity whose every tile has expired is unknown, whether or not the sweeper has removed them yet
            FeatureStatus status = status(et.isKnown(), et.latestEventTime(), expires, lastExpired, ttl, now, a);
            FeatureValue[] computed = new FeatureValue[viewFeatures];
            // a cached entry must also serve lookups at other times in the tile, where a ttl or expiry may not have
            // passed yet: with the cache, a known entity's values are computed whatever its status is now
            if (status == FeatureStatus.PRESENT || (valueCache != null && et.isKnown())) {
                // the lifetime tile (read only by lifetime features), then the ordinary tiles after it by start: the
                // lifetime tile is a left fold of the oldest tiles, so merging it first and the rest in time order
                // gives a lifetime sum the same last bits however many tiles the pipeline had folded (as offline)
                Tile life = et.lifetime();
                long after = life == null ? Long.MIN_VALUE : life.start();
                if (buffer == null || buffer.length < et.tiles().size() + 1) {
                    buffer = new Tile[Math.max(8, et.tiles().size() + 1)];
                }
                buffer[0] = life;
                int count = 0;
                for (Tile t : et.tiles()) {
                    if (life == null || t.start() > after) {
                        buffer[1 + count++] = t;
                    }
                }
                for (int k = 0; k < evaluated.length; k++) {
                    boolean withLife = lifetime[k] && life != null;
                    computed[evaluated[k]] = a.evaluate(evaluated[k], buffer, withLife ? 0 : 1, withLife ? count + 1 : count, now);
                }
            }
            if (status != FeatureStatus.PRESENT) {
                fill(positions, e, null, status, status == FeatureStatus.NOT_FOUND ? 0 : et.latestEventTime(), values, statuses, times);
            } else {
                for (int k = 0; k < index.length; k++) {
                    put(positions[k], e, computed[index[k]], values, statuses, times);
                }
            }
            if (valueCache != null) {
                valueCache.offer(keys[e], new ValueCache.Entry(position, et.isKnown(), et.latestEventTime(), computed), stamp);
            }
        }
    }

    /**
     * The status of an entity's features before any window is merged: NOT_FOUND when the store has none of its
     * tiles, or (in a view whose tiles expire) its newest tile has expired, whether or not the sweeper has removed
     * them yet; OUTSIDE_MAX_AGE when its latest event is older than the view's ttl; else PRESENT (the values then
     * say whether a window is empty).
     */
    private static FeatureStatus status(boolean known, long latest, boolean expires, long lastExpired, long ttl, long now,
                                        ViewAggregator a) {
        if (!known || (expires && a.tileStart(latest) <= lastExpired)) {
            return FeatureStatus.NOT_FOUND;
        }
        if (ttl > 0 && latest < now - ttl) {
            return FeatureStatus.OUTSIDE_MAX_AGE;
        }
        return FeatureStatus.PRESENT;
    }

    private static void put(int p, int e, FeatureValue v, Object[][] values, FeatureStatus[][] statuses, long[][] times) {
        values[e][p] = v.value();
        statuses[e][p] = v.value() == null ? FeatureStatus.NULL_VALUE : FeatureStatus.PRESENT;
        times[e][p] = v.hasEvents() ? v.eventTime() : 0;
    }

    private static void fill(int[] positions, int e, Object value, FeatureStatus status, long time,
                             Object[][] values, FeatureStatus[][] statuses, long[][] times) {
        for (int p : positions) {
            values[e][p] = value;
            statuses[e][p] = status;
            times[e][p] = time;
        }
    }
}
