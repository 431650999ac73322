package dev.freshet.offline.join;

import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;

import java.util.Arrays;

/**
 * Events kept by value, in primitive columns (time, and per aggregated field its bits, null flags
 * and, for string fields, the strings): the join's store for events that must outlive the stream's
 * reused {@link EventRow}, such as the read-ahead batches and the events of a view's open tile.
 * Storing a row copies a few primitives, where keeping an object per event would allocate one.
 * The columns grow on demand. Not thread-safe.
 */
final class EventRows {

    private final int[] fields;
    private final boolean[] text;
    private long[] times;
    private final long[][] bits;
    private final boolean[][] nulls;
    private final String[][] strings;

    /**
     * @param fields   the schema positions kept (the fields the join aggregates)
     * @param capacity the number of rows to allocate for at first
     */
    EventRows(Schema schema, int[] fields, int capacity) {
        this.fields = fields.clone();
        int k = fields.length;
        this.text = new boolean[k];
        this.times = new long[capacity];
        this.bits = new long[k][];
        this.nulls = new boolean[k][];
        this.strings = new String[k][];
        for (int i = 0; i < k; i++) {
            text[i] = schema.field(fields[i]).type() == FieldType.STRING;
            bits[i] = text[i] ? null : new long[capacity];
            nulls[i] = new boolean[capacity];
            strings[i] = text[i] ? new String[capacity] : null;
        }
    }

    /** Stores {@code row} (its kept fields) as row {@code i}, growing the columns when {@code i} is past them. */
    void set(int i, EventRow row) {
        if (i >= times.length) {
            grow(i + 1);
        }
        times[i] = row.timestamp;
        for (int k = 0; k < fields.length; k++) {
            int p = fields[k];
            boolean isNull = row.nulls[p];
            nulls[k][i] = isNull;
            if (text[k]) {
                strings[k][i] = row.strings[p];
            } else {
                bits[k][i] = row.bits[p];
            }
        }
    }

    /** Sets the time of row {@code i}, growing the columns when {@code i} is past them; then set each kept field with {@link #setValue} or {@link #setString}. */
    void setTime(int i, long timestamp) {
        if (i >= times.length) {
            grow(i + 1);
        }
        times[i] = timestamp;
    }

    /** Sets the times of rows {@code at} to {@code at + n} from {@code src[from..]}, growing the columns when they are past them. */
    void setTimes(int at, long[] src, int from, int n) {
        if (at + n > times.length) {
            grow(at + n);
        }
        System.arraycopy(src, from, times, at, n);
    }

    /** Sets kept field {@code k}, not a string field, of rows {@code at} to {@code at + n} to the bits {@code src[from..]}, none null. */
    void setValues(int at, int k, long[] src, int from, int n) {
        System.arraycopy(src, from, bits[k], at, n);
        Arrays.fill(nulls[k], at, at + n, false);
    }

    /** Sets kept field {@code k} of rows {@code at} to {@code at + n} to null. */
    void setNulls(int at, int k, int n) {
        Arrays.fill(nulls[k], at, at + n, true);
        if (text[k]) {
            Arrays.fill(strings[k], at, at + n, null);
        } else {
            Arrays.fill(bits[k], at, at + n, 0L);
        }
    }

    /** Sets kept field {@code k} (an index into the fields, not a schema position) of row {@code i}, not a string field: its bits, or null. */
    void setValue(int i, int k, boolean isNull, long value) {
        nulls[k][i] = isNull;
        bits[k][i] = isNull ? 0 : value;
    }

    /** Sets kept string field {@code k} of row {@code i} (null: null). */
    void setString(int i, int k, String value) {
        nulls[k][i] = value == null;
        strings[k][i] = value;
    }

    /** Fills {@code row} with row {@code i}. */
    void load(int i, EventRow row) {
        row.timestamp = times[i];
        for (int k = 0; k < fields.length; k++) {
            int p = fields[k];
            row.nulls[p] = nulls[k][i];
            if (text[k]) {
                row.strings[p] = strings[k][i];
            } else {
                row.bits[p] = bits[k][i];
            }
        }
    }

    long timestamp(int i) {
        return times[i];
    }

    private void grow(int needed) {
        int capacity = Math.max(needed, 2 * times.length);
        times = Arrays.copyOf(times, capacity);
        for (int k = 0; k < fields.length; k++) {
            nulls[k] = Arrays.copyOf(nulls[k], capacity);
            if (text[k]) {
                strings[k] = Arrays.copyOf(strings[k], capacity);
            } else {
                bits[k] = Arrays.copyOf(bits[k], capacity);
            }
        }
    }
}
