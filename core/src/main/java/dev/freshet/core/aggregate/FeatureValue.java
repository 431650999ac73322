package dev.freshet.core.aggregate;

/**
 * A feature's value at a point in time.
 *
 * @param value     Long, Double, String, Boolean, or null when the window holds no value
 * @param eventTime the event time of the latest event the window holds (epoch ms), or
 *                  {@code Long.MIN_VALUE} when it holds none
 */
public record FeatureValue(Object value, long eventTime) {

    /** True when at least one event fell in the window. */
    public boolean hasEvents() {
        return eventTime != Long.MIN_VALUE;
    }
}
