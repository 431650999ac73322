package dev.freshet.offline.join;

import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.event.EventBatch;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Events kept by value, in primitive columns (time, and per aggregated field its bits, null flags
 * and, for string fields, the strings): the join's store for events that must outlive the stream's
 * reused {@link EventRow}, such as the read-ahead batches and the events of a view's open tile.
 * Storing a row copies a few primitives, where keeping an object per event would allocate one.
 * The columns grow on demand. Not thread-safe.
 *
 * <p>As an {@link EventBatch} the aggregation library reads ranges of rows by schema position (the
 * fields not kept read as null). Rows made {@link #withTextAsBytes with text as bytes} keep their
 * strings as UTF-8 bytes, copied in bulk from the file's column and decoded only when read: a
 * range added at once ({@code last}) then decodes one string, not one per row.
 */
final class EventRows extends EventBatch {

    private final int[] fields;
    /** Per schema position: the index of the kept field, or -1. */
    private final int[] keptIndex;
    /** Per schema position: a double field (for {@link #getDouble}). */
    private final boolean[] floating;
    private final boolean[] text;
    private final boolean textAsBytes;
    private long[] times;
    private final long[][] bits;
    private final boolean[][] nulls;
    private final String[][] strings;
    // with text as bytes: per kept string field, each row's start and length in its bytes, and the bytes used so far
    private final int[][] textStart;
    private final int[][] textLength;
    private final byte[][] textData;
    private final int[] textUsed;

    /**
     * @param fields   the schema positions kept (the fields the join aggregates)
     * @param capacity the number of rows to allocate for at first
     */
    EventRows(Schema schema, int[] fields, int capacity) {
        this(schema, fields, capacity, false);
    }

    private EventRows(Schema schema, int[] fields, int capacity, boolean textAsBytes) {
        this.fields = fields.clone();
        this.textAsBytes = textAsBytes;
        this.keptIndex = new int[schema.size()];
        this.floating = new boolean[schema.size()];
        Arrays.fill(keptIndex, -1);
        for (int p = 0; p < schema.size(); p++) {
            floating[p] = schema.field(p).type() == FieldType.DOUBLE;
        }
        int k = fields.length;
        this.text = new boolean[k];
        this.times = new long[capacity];
        this.bits = new long[k][];
        this.nulls = new boolean[k][];
        this.strings = new String[k][];
        this.textStart = new int[k][];
        this.textLength = new int[k][];
        this.textData = new byte[k][];
        this.textUsed = new int[k];
        for (int i = 0; i < k; i++) {
            keptIndex[fields[i]] = i;
            text[i] = schema.field(fields[i]).type() == FieldType.STRING;
            bits[i] = text[i] ? null : new long[capacity];
            nulls[i] = new boolean[capacity];
            if (text[i] && textAsBytes) {
                textStart[i] = new int[capacity];
                textLength[i] = new int[capacity];
                textData[i] = new byte[Math.max(64, capacity * 8)];
            } else if (text[i]) {
                strings[i] = new String[capacity];
            }
        }
    }

    /** Rows whose strings are kept as UTF-8 bytes until read (see the class comment); {@link #clear} before refilling them. */
    static EventRows withTextAsBytes(Schema schema, int[] fields, int capacity) {
        return new EventRows(schema, fields, capacity, true);
    }

    /** Forgets the strings' bytes: rows are then set again from row 0. */
    void clear() {
        Arrays.fill(textUsed, 0);
    }

    /** Stores {@code row} (its kept fields) as row {@code i}, growing the columns when {@code i} is past them. */
    void set(int i, EventRow row) {
        if (i >= times.length) {
            grow(i + 1);
        }
        times[i] = row.timestamp;
        for (int k = 0; k < fields.length; k++) {
            int p = fields[k];
            if (text[k]) {
                setString(i, k, row.nulls[p] ? null : row.strings[p]);
            } else {
                nulls[k][i] = row.nulls[p];
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

    /**
     * Sets kept field {@code k}, not a string field, of rows {@code at} to {@code at + n} to the bits {@code src[from..]}, none
     * null. This and the other bulk setters fill rows whose times are set first ({@link #setTimes} grows the columns).
     */
    void setValues(int at, int k, long[] src, int from, int n) {
        System.arraycopy(src, from, bits[k], at, n);
        Arrays.fill(nulls[k], at, at + n, false);
    }

    /** Sets kept field {@code k} of rows {@code at} to {@code at + n} to null. */
    void setNulls(int at, int k, int n) {
        Arrays.fill(nulls[k], at, at + n, true);
        if (!text[k]) {
            Arrays.fill(bits[k], at, at + n, 0L);
        } else if (!textAsBytes) {
            Arrays.fill(strings[k], at, at + n, null);
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
        if (!textAsBytes) {
            strings[k][i] = value;
        } else if (value != null) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            setText(i, k, utf8, 0, utf8.length);
        }
    }

    /**
     * Sets kept string field {@code k} of rows {@code at} to {@code at + to - from} to the strings of rows {@code from}
     * to {@code to} of a string column ({@code data[offsets[r], offsets[r + 1])}), none null: one copy of their bytes
     * with text as bytes, a string per row otherwise.
     */
    void setStrings(int at, int k, byte[] data, int[] offsets, int from, int to) {
        Arrays.fill(nulls[k], at, at + to - from, false);
        if (!textAsBytes) {
            for (int r = from; r < to; r++) {
                strings[k][at + r - from] = new String(data, offsets[r], offsets[r + 1] - offsets[r], StandardCharsets.UTF_8);
            }
            return;
        }
        int base = reserve(k, offsets[to] - offsets[from]);
        System.arraycopy(data, offsets[from], textData[k], base, offsets[to] - offsets[from]);
        int shift = base - offsets[from];
        int[] start = textStart[k];
        int[] length = textLength[k];
        for (int r = from; r < to; r++) {
            start[at + r - from] = offsets[r] + shift;
            length[at + r - from] = offsets[r + 1] - offsets[r];
        }
    }

    /** Sets kept string field {@code k} of row {@code i}, not null, to the UTF-8 bytes {@code data[from, from + length)}. */
    void setString(int i, int k, byte[] data, int from, int length) {
        nulls[k][i] = false;
        if (textAsBytes) {
            setText(i, k, data, from, length);
        } else {
            strings[k][i] = new String(data, from, length, StandardCharsets.UTF_8);
        }
    }

    private void setText(int i, int k, byte[] data, int from, int length) {
        int base = reserve(k, length);
        System.arraycopy(data, from, textData[k], base, length);
        textStart[k][i] = base;
        textLength[k][i] = length;
    }

    /** Room for {@code n} more bytes of string field {@code k}: returns where they go. */
    private int reserve(int k, int n) {
        int base = textUsed[k];
        if (base + n > textData[k].length) {
            textData[k] = Arrays.copyOf(textData[k], Math.max(base + n, 2 * textData[k].length));
        }
        textUsed[k] = base + n;
        return base;
    }

    /** Fills {@code row} with row {@code i}. */
    void load(int i, EventRow row) {
        row.timestamp = times[i];
        for (int k = 0; k < fields.length; k++) {
            int p = fields[k];
            row.nulls[p] = nulls[k][i];
            if (text[k]) {
                row.strings[p] = string(k, i);
            } else {
                row.bits[p] = bits[k][i];
            }
        }
    }

    @Override
    public long timestamp(int row) {
        return times[row];
    }

    @Override
    public boolean isNull(int position, int row) {
        int k = keptIndex[position];
        return k < 0 || nulls[k][row];
    }

    @Override
    public long getBits(int position, int row) {
        int k = keptIndex[position];
        return k < 0 || text[k] ? 0 : bits[k][row];
    }

    @Override
    public double getDouble(int position, int row) {
        long b = getBits(position, row);
        return floating[position] ? Double.longBitsToDouble(b) : (double) b;
    }

    @Override
    public String getString(int position, int row) {
        int k = keptIndex[position];
        return k < 0 || !text[k] ? null : string(k, row);
    }

    private String string(int k, int i) {
        if (nulls[k][i]) {
            return null;
        }
        return textAsBytes ? new String(textData[k], textStart[k][i], textLength[k][i], StandardCharsets.UTF_8) : strings[k][i];
    }

    private void grow(int needed) {
        int capacity = Math.max(needed, 2 * times.length);
        times = Arrays.copyOf(times, capacity);
        for (int k = 0; k < fields.length; k++) {
            nulls[k] = Arrays.copyOf(nulls[k], capacity);
            if (!text[k]) {
                bits[k] = Arrays.copyOf(bits[k], capacity);
            } else if (textAsBytes) {
                textStart[k] = Arrays.copyOf(textStart[k], capacity);
                textLength[k] = Arrays.copyOf(textLength[k], capacity);
            } else {
                strings[k] = Arrays.copyOf(strings[k], capacity);
            }
        }
    }
}
