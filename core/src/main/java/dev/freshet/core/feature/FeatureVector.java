package dev.freshet.core.feature;

import dev.freshet.core.event.EntityKey;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

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
        // values may hold nulls, so List.copyOf does not fit; the views of of() are immutable already
        values = values instanceof ArrayView<Object> ? values : Collections.unmodifiableList(new ArrayList<>(values));
        statuses = statuses instanceof ArrayView<FeatureStatus> ? statuses : List.copyOf(statuses);
        eventTimestamps = eventTimestamps instanceof LongView ? eventTimestamps : List.copyOf(eventTimestamps);
        int n = features.size();
        if (values.size() != n || statuses.size() != n || eventTimestamps.size() != n) {
            throw new IllegalArgumentException("a feature vector needs one value, status and timestamp per feature: "
                    + n + " features, " + values.size() + " values, " + statuses.size() + " statuses, "
                    + eventTimestamps.size() + " timestamps");
        }
    }

    /**
     * A vector over arrays the caller hands over and never changes afterwards, without copying them (an online
     * read makes one per entity). The arrays must have one element per feature; {@code statuses} holds no null.
     */
    public static FeatureVector of(EntityKey entity, long asOf, List<FeatureRef> features, Object[] values,
                                   FeatureStatus[] statuses, long[] eventTimestamps) {
        for (FeatureStatus s : statuses) {
            Objects.requireNonNull(s, "status");
        }
        return new FeatureVector(entity, asOf, features, new ArrayView<>(values), new ArrayView<>(statuses),
                new LongView(eventTimestamps));
    }

    /** An immutable list over an array nobody else writes. */
    private static final class ArrayView<T> extends AbstractList<T> implements RandomAccess {
        private final T[] elements;

        ArrayView(T[] elements) {
            this.elements = elements;
        }

        @Override
        public T get(int index) {
            return elements[index];
        }

        @Override
        public int size() {
            return elements.length;
        }
    }

    /** An immutable list over a {@code long[]} nobody else writes. */
    private static final class LongView extends AbstractList<Long> implements RandomAccess {
        private final long[] elements;

        LongView(long[] elements) {
            this.elements = elements;
        }

        @Override
        public Long get(int index) {
            return elements[index];
        }

        @Override
        public int size() {
            return elements.length;
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
