package dev.freshet.online;

import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FeatureView;

/**
 * Which tiles {@link OnlineStore#sweep} removes, the same for every backend: the ordinary tiles of a
 * view without lifetime features that end at least the view's horizon (its longest window, or its
 * ttl when longer) before the start of the tile holding {@code now}. No window read at or after
 * {@code now} reads them, and the ttl part keeps an entity's latest event time (and so its
 * {@code OUTSIDE_MAX_AGE} status) until it is older than the ttl anyway.
 *
 * <p>Views with lifetime features are never swept: their old tiles are folded into the lifetime
 * tile by the features topology, which then removes them with tombstones.
 */
final class SweepRule {

    private SweepRule() {
    }

    /** True when the view's tiles may be swept: it has no lifetime feature. */
    static boolean sweeps(FeatureView view) {
        return view.features().stream().noneMatch(FeatureDefinition::isLifetime);
    }

    /**
     * The start of the newest expired tile at {@code now}: tiles starting at or before it are removed,
     * that is those with {@code start + tile <= tileStart(now) - horizon}.
     */
    static long lastExpiredStart(ViewAggregator aggregator, long now) {
        return aggregator.lastExpiredStart(now);
    }
}
