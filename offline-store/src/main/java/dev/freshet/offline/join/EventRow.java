package dev.freshet.offline.join;

import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.event.EventFields;

import java.util.Arrays;

/**
 * One event of a source as the join reads it: a reused, mutable row of the fields the join
 * aggregates, by schema position (the others stay null), filled by an {@link EventStream} or from
 * {@link EventRows}. It stands where an immutable {@link dev.freshet.core.event.Event} per record
 * would cost builder arrays, copies and, for strings, a boxed value each: the aggregation library
 * reads it during {@code add} only. Values follow {@link EventFields}: raw bits for non-strings.
 * Not thread-safe.
 */
final class EventRow extends EventFields {

    /** The schema positions the row carries. */
    final int[] fields;
    /** Per position: a double field, whose bits {@link #getDouble} reads as a double. */
    private final boolean[] floating;
    long timestamp;
    final long[] bits;
    final String[] strings;
    final boolean[] nulls;

    EventRow(Schema schema, int[] fields) {
        int n = schema.size();
        this.fields = fields.clone();
        this.floating = new boolean[n];
        for (int p = 0; p < n; p++) {
            floating[p] = schema.field(p).type() == FieldType.DOUBLE;
        }
        this.bits = new long[n];
        this.strings = new String[n];
        this.nulls = new boolean[n];
        Arrays.fill(nulls, true);
    }

    /** Sets the field at schema position {@code p} to null. */
    void setNull(int p) {
        nulls[p] = true;
        bits[p] = 0;
        strings[p] = null;
    }

    @Override
    public long timestamp() {
        return timestamp;
    }

    @Override
    public boolean isNull(int position) {
        return nulls[position];
    }

    @Override
    public long getBits(int position) {
        return bits[position];
    }

    @Override
    public double getDouble(int position) {
        long b = bits[position];
        return floating[position] ? Double.longBitsToDouble(b) : (double) b;
    }

    @Override
    public long getLong(int position) {
        return bits[position];
    }

    @Override
    public String getString(int position) {
        return strings[position];
    }
}
