package dev.freshet.core.feature;

/** Why a feature value is what it is; the names are Feast's. */
public enum FeatureStatus {
    /** A value computed from the entity's data (0 for a count or sum over an empty window of a known entity). */
    PRESENT,
    /** The entity is known to the view, but the feature has no value: a min, max, avg, first, last or quantile over a window without events. */
    NULL_VALUE,
    /** The entity has no data for this view. */
    NOT_FOUND,
    /** The entity's latest event is older than the view's ttl; the value is null. */
    OUTSIDE_MAX_AGE
}
