package dev.freshet.core.aggregate;

import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.event.Event;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The definition of feature values, written as plainly as possible over raw events: the oracle
 * that tiles, merges and codecs are checked against. Events are in log order.
 */
final class BruteForce {

    private BruteForce() {
    }

    /** The events in the feature's window at {@code t}: {@code floor_tile(t - W) <= ts < t}, or {@code ts < t} for lifetime. */
    static List<Event> window(List<Event> log, FeatureDefinition f, long tileMillis, long t) {
        long from = f.isLifetime() ? Long.MIN_VALUE : Math.floorDiv(t - f.windowMillis(), tileMillis) * tileMillis;
        List<Event> in = new ArrayList<>();
        for (Event e : log) {
            if (e.timestamp() >= from && e.timestamp() < t) {
                in.add(e);
            }
        }
        return in;
    }

    /** The non-null values of the feature's field in the window, in log order. */
    static List<Object> values(List<Event> window, FeatureDefinition f) {
        List<Object> out = new ArrayList<>();
        for (Event e : window) {
            Object v = f.field() == null ? Boolean.TRUE : e.get(f.field());
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /** Exact value for every function but the sketches (count_distinct and quantile have their own checks). */
    static Object value(List<Event> window, FeatureDefinition f, Schema schema) {
        List<Object> vs = values(window, f);
        switch (f.function()) {
            case COUNT:
                return (long) vs.size();
            case SUM: {
                if (schema.find(f.field()).orElseThrow().type() == dev.freshet.core.definition.FieldType.DOUBLE) {
                    double s = 0;
                    for (Object v : vs) {
                        s += (Double) v;
                    }
                    return s;
                }
                long s = 0;
                for (Object v : vs) {
                    s += (Long) v;
                }
                return s;
            }
            case MIN:
            case MAX: {
                Object best = null;
                for (Object v : vs) {
                    if (best == null) {
                        best = v;
                    } else {
                        int c = compare(v, best);
                        if (f.function() == dev.freshet.core.definition.AggregationFunction.MIN ? c < 0 : c > 0) {
                            best = v;
                        }
                    }
                }
                return best;
            }
            case AVG: {
                if (vs.isEmpty()) {
                    return null;
                }
                double s = 0;
                for (Object v : vs) {
                    s += ((Number) v).doubleValue();
                }
                return s / vs.size();
            }
            case LAST:
            case FIRST: {
                Event best = null;
                for (Event e : window) {
                    if (e.get(f.field()) == null) {
                        continue;
                    }
                    boolean last = f.function() == dev.freshet.core.definition.AggregationFunction.LAST;
                    if (best == null || (last ? e.timestamp() >= best.timestamp() : e.timestamp() < best.timestamp())) {
                        best = e;
                    }
                }
                return best == null ? null : best.get(f.field());
            }
            case COUNT_DISTINCT: {
                Set<Object> distinct = new HashSet<>(vs);
                return (long) distinct.size();
            }
            default:
                throw new IllegalArgumentException("no exact oracle for " + f.function());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, Object b) {
        return ((Comparable) a).compareTo(b);
    }

    /** The largest event time in the window, or Long.MIN_VALUE. */
    static long latest(List<Event> window) {
        long latest = Long.MIN_VALUE;
        for (Event e : window) {
            latest = Math.max(latest, e.timestamp());
        }
        return latest;
    }
}
