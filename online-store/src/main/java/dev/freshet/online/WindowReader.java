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

/**
 * The read half of every online store: turns feature references into one {@code getTiles} call per
 * view and merges each window's tiles with the view's {@link ViewAggregator}, so every backend
 * serves the same values and statuses. Immutable and thread-safe.
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

    private final Definitions definitions;
    private final Map<String, ViewAggregator> aggregators = new LinkedHashMap<>();
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
        Map<String, List<Integer>> positionsByView = groupByView(features);
        int n = features.size();
        Object[][] values = new Object[entities.size()][n];
        FeatureStatus[][] statuses = new FeatureStatus[entities.size()][n];
        long[][] times = new long[entities.size()][n];
        for (Map.Entry<String, List<Integer>> group : positionsByView.entrySet()) {
            readView(source, group.getKey(), group.getValue(), features, entities, now, values, statuses, times);
        }
        List<FeatureVector> out = new ArrayList<>(entities.size());
        for (int e = 0; e < entities.size(); e++) {
            List<Long> ts = new ArrayList<>(n);
            for (long t : times[e]) {
                ts.add(t);
            }
            out.add(new FeatureVector(entities.get(e), now, features, Arrays.asList(values[e]), Arrays.asList(statuses[e]), ts));
        }
        return out;
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

    private void readView(TileSource source, String viewName, List<Integer> positions, List<FeatureRef> features,
                          List<EntityKey> entities, long now, Object[][] values, FeatureStatus[][] statuses, long[][] times) {
        ViewAggregator a = aggregators.get(viewName);
        FeatureView view = a.view();
        int[] index = new int[positions.size()];
        for (int k = 0; k < index.length; k++) {
            index[k] = a.featureIndex(features.get(positions.get(k)).feature()); // (checked by groupByView)
        }
        // what a miss evaluates: with the value cache every feature of the view, so that a cached entry is whole and
        // never merged with another (which could have been computed from tiles older than a write); else those asked for
        int[] evaluated = index;
        if (valueCache != null) {
            evaluated = new int[view.features().size()];
            for (int i = 0; i < evaluated.length; i++) {
                evaluated[i] = i;
            }
        }
        boolean[] lifetime = new boolean[evaluated.length];
        long fromTile = Long.MAX_VALUE;
        for (int k = 0; k < evaluated.length; k++) {
            FeatureDefinition f = view.features().get(evaluated[k]);
            lifetime[k] = f.isLifetime();
            long from = f.isLifetime() ? TileKey.LIFETIME : a.tileStart(now) - f.windowMillis();
            fromTile = Math.min(fromTile, from);
        }
        long ttl = view.ttl() == null ? 0 : view.ttl().toMillis();
        boolean expires = a.tilesExpire();
        long lastExpired = a.lastExpiredStart(now);
        // the cached values of entities read before at this position of the tile grid; the others are read
        long stamp = valueCache == null ? 0 : valueCache.stamp(); // before anything is read: see ValueCache.offer
        ValueCache.Position position = ValueCache.Position.of(now, a.tileStart(now));
        ValueCache.Entry[] cached = new ValueCache.Entry[entities.size()];
        List<EntityKey> misses = entities;
        if (valueCache != null) {
            misses = new ArrayList<>();
            for (int e = 0; e < entities.size(); e++) {
                ValueCache.Entry c = valueCache.get(new TileCache.Key(viewName, entities.get(e)), position);
                if (c != null) {
                    cached[e] = c;
                } else {
                    misses.add(entities.get(e));
                }
            }
        }
        List<EntityTiles> found = misses.isEmpty() ? List.of() : source.getTiles(viewName, misses, fromTile);
        if (found.size() != misses.size()) {
            throw new IllegalStateException("the store returned tiles of " + found.size() + " entities for " + misses.size());
        }
        Tile[] buffer = new Tile[8];
        int next = 0;
        for (int e = 0; e < entities.size(); e++) {
            ValueCache.Entry c = cached[e];
            if (c != null) {
                FeatureStatus status = status(c.known(), c.latest(), expires, lastExpired, ttl, now, a);
                if (status != FeatureStatus.PRESENT) {
                    fill(positions, e, null, status, status == FeatureStatus.NOT_FOUND ? 0 : c.latest(), values, statuses, times);
                } else {
                    for (int k = 0; k < index.length; k++) {
                        put(positions.get(k), e, c.value(index[k]), values, statuses, times);
                    }
                }
                continue;
            }
            EntityTiles et = found.get(next++);
            // an entity whose every tile has expired is unknown, whether or not the sweeper has removed them yet
            FeatureStatus status = status(et.isKnown(), et.latestEventTime(), expires, lastExpired, ttl, now, a);
            FeatureValue[] computed = new FeatureValue[view.features().size()];
            // a cached entry must also serve lookups at other times in the tile, where a ttl or expiry may not have
            // passed yet: with the cache, a known entity's values are computed whatever its status is now
            if (status == FeatureStatus.PRESENT || (valueCache != null && et.isKnown())) {
                // the lifetime tile (read only by lifetime features), then the ordinary tiles after it by start: the
                // lifetime tile is a left fold of the oldest tiles, so merging it first and the rest in time order
                // gives a lifetime sum the same last bits however many tiles the pipeline had folded (as offline)
                Tile life = et.lifetime();
                long after = life == null ? Long.MIN_VALUE : life.start();
                if (buffer.length < et.tiles().size() + 1) {
                    buffer = new Tile[et.tiles().size() + 1];
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
                    put(positions.get(k), e, computed[index[k]], values, statuses, times);
                }
            }
            if (valueCache != null) {
                valueCache.offer(new TileCache.Key(viewName, et.entity()),
                        new ValueCache.Entry(position, et.isKnown(), et.latestEventTime(), computed), stamp);
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

    private static void fill(List<Integer> positions, int e, Object value, FeatureStatus status, long time,
                             Object[][] values, FeatureStatus[][] statuses, long[][] times) {
        for (int p : positions) {
            values[e][p] = value;
            statuses[e][p] = status;
            times[e][p] = time;
        }
    }
}
