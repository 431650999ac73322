package dev.freshet.core.feature;

/** Why a feature value is what it is; the names are Feast's. */
public enum FeatureStatus {
    /** A value computed from at least one event (or 0 for a count or sum over an empty window of a known entity). */
    PRESENT,
    /** The entity has no data for this view. */
    NOT_FOUND,
    /** The entity's latest data is older than the view's ttl. */
    OUTSIDE_MAX_AGE
}
