package dev.freshet.core.feature;

import dev.freshet.core.event.EntityKey;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The values of some features for one entity at one instant.
 *
 * @param entity          the entity
 * @param asOf            the lookup time, epoch milliseconds (values aggregate events strictly before it)
 * @param features        the features, in request order
 * @param values          one value per feature: Long, Double, String, Boolean or null
 * @param statuses        one status per feature
 * @param eventTimestamps one per feature: the event time of the latest event the value includes, epoch ms, or 0 when none
 */
public record FeatureVector(EntityKey entity, long asOf, List<FeatureRef> features, List<Object> values,
                            List<FeatureStatus> statuses, List<Long> eventTimestamps) {

    public FeatureVector {
        Objects.requireNonNull(entity, "entity");
        features = List.copyOf(features);
        // values may hold nulls, so List.copyOf does not fit
        values = Collections.unmodifiableList(new ArrayList<>(values));
        statuses = List.copyOf(statuses);
        eventTimestamps = List.copyOf(eventTimestamps);
        int n = features.size();
        if (values.size() != n || statuses.size() != n || eventTimestamps.size() != n) {
            throw new IllegalArgumentException("a feature vector needs one value, status and timestamp per feature: "
                    + n + " features, " + values.size() + " values, " + statuses.size() + " statuses, "
                    + eventTimestamps.size() + " timestamps");
        }
    }

    /** The value of a feature of this vector. */
    public Object value(FeatureRef ref) {
        int i = features.indexOf(ref);
        if (i < 0) {
            throw new IllegalArgumentException("feature " + ref + " is not in this vector (features: " + features + ")");
        }
        return values.get(i);
    }
}
