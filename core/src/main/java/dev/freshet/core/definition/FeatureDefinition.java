package dev.freshet.core.definition;

import java.time.Duration;
import java.util.Objects;

/**
 * One feature of a view: an aggregate function over a field, in a window or over the lifetime.
 *
 * @param name     unique within its view
 * @param function the aggregate
 * @param field    the source field aggregated; null only for {@code count} of events
 * @param window   the window length (a multiple of the view's tile); null for a lifetime aggregate
 * @param quantile the rank in (0, 1) for {@code quantile}; {@code NaN} for every other function
 */
public record FeatureDefinition(String name, AggregationFunction function, String field, Duration window, double quantile) {

    public FeatureDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(function, "function");
    }

    /** A feature with no quantile rank (every function but {@code quantile}). */
    public FeatureDefinition(String name, AggregationFunction function, String field, Duration window) {
        this(name, function, field, window, Double.NaN);
    }

    /** True when the feature aggregates every event before the lookup time, with no window. */
    public boolean isLifetime() {
        return window == null;
    }

    /** The window in milliseconds, or {@code Long.MAX_VALUE} for a lifetime aggregate. */
    public long windowMillis() {
        return window == null ? Long.MAX_VALUE : window.toMillis();
    }
}
