package dev.freshet.offline.join;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * A source's values in columns as long as the spine, indexed by row number: a value is stored where
 * its row is, so the output needs no sort (what {@link SortedResults} does for spines too long for
 * this). Numbers, booleans and timestamps are kept as longs (a double by its bits) with a bit per row
 * saying whether there is a value; strings as their UTF-8 bytes ({@link StringColumn}). Not
 * thread-safe.
 */
final class ColumnResults implements SourceResults {

    /** The most rows kept in columns (a Java array's length). */
    static final long MAX_ROWS = Integer.MAX_VALUE - 16;

    /** Heap assumed per row and slot of a string value: its place (12 bytes) and its bytes, generously. */
    private static final long STRING_BYTES = 64;

    private final String source;
    private final int rows;
    private final int[] columns;
    private final ValueKind[] kinds;
    /** Per slot: the values (null for a string slot) and the strings (null for the others). */
    private final long[][] numbers;
    private final StringColumn[] strings;
    /** Per slot: bit {@code r} set when row {@code r} has a value. */
    private final long[][] present;
    /** Bit {@code r} set when row {@code r}'s values were put. */
    private final long[] put;

    /**
     * @param rows    the spine's rows; at most {@link #MAX_ROWS}
     * @param columns the output column of each slot
     * @param kinds   the kind of each slot's value
     */
    ColumnResults(String source, long rows, int[] columns, ValueKind[] kinds) {
        if (rows > MAX_ROWS) {
            throw new IllegalArgumentException("at most " + MAX_ROWS + " rows in columns, not " + rows);
        }
        this.source = source;
        this.rows = (int) rows;
        this.columns = columns.clone();
        this.kinds = kinds.clone();
        this.numbers = new long[kinds.length][];
        this.strings = new StringColumn[kinds.length];
        this.present = new long[kinds.length][];
        for (int s = 0; s < kinds.length; s++) {
            if (kinds[s] == ValueKind.STRING) {
                strings[s] = new StringColumn(this.rows);
            } else {
                numbers[s] = new long[this.rows];
                present[s] = new long[words(this.rows)];
            }
        }
        this.put = new long[words(this.rows)];
    }

    /** The heap the results of {@code rows} spine rows with values of these kinds take, about. */
    static long bytes(long rows, ValueKind[] kinds) {
        long perRow = 0;
        for (ValueKind k : kinds) {
            perRow += k == ValueKind.STRING ? STRING_BYTES : Long.BYTES + 1;
        }
        return rows * (perRow + 1);
    }

    private static int words(int bits) {
        return (bits + 63) >>> 6;
    }

    @Override
    public void put(long row, Object[] values) {
        int r = (int) row;
        for (int s = 0; s < kinds.length; s++) {
            Object v = values[s];
            if (v == null) {
                continue;
            }
            switch (kinds[s]) {
                case STRING -> strings[s].set(r, (String) v);
                case LONG, TIMESTAMP -> set(s, r, (Long) v);
                case DOUBLE -> set(s, r, Double.doubleToRawLongBits((Double) v));
                case BOOLEAN -> set(s, r, (Boolean) v ? 1 : 0);
            }
        }
        put[r >>> 6] |= 1L << r;
    }

    private void set(int slot, int r, long value) {
        numbers[slot][r] = value;
        present[slot][r >>> 6] |= 1L << r;
    }

    @Override
    public void fill(long first, int n, FieldVector[] features) {
        int from = (int) first;
        for (int r = 0; r < n; r++) {
            int row = from + r;
            if ((put[row >>> 6] & 1L << row) == 0) {
                throw new IllegalStateException("the join lost spine row " + (row + 1) + " of source '" + source + "'");
            }
        }
        for (int s = 0; s < kinds.length; s++) {
            FieldVector v = features[columns[s]];
            switch (kinds[s]) {
                case STRING -> strings[s].fill((VarCharVector) v, from, n);
                case LONG, TIMESTAMP, DOUBLE -> fillWords((BaseFixedWidthVector) v, s, from, n);
                case BOOLEAN -> fillBooleans((BitVector) v, s, from, n);
            }
        }
    }

    private boolean has(int slot, int row) {
        return (present[slot][row >>> 6] & 1L << row) != 0;
    }

    /**
     * A vector of 8-byte values (Int64, Timestamp(ms), Float64): each value's bits written as they are
     * kept (a double's raw bits are what a Float64 vector holds), its validity bit set.
     */
    private void fillWords(BaseFixedWidthVector v, int slot, int from, int n) {
        long[] values = numbers[slot];
        ArrowBuf data = v.getDataBuffer();
        for (int r = 0; r < n; r++) {
            if (has(slot, from + r)) {
                data.setLong((long) r * Long.BYTES, values[from + r]);
                BitVectorHelper.setBit(v.getValidityBuffer(), r);
            } else {
                v.setNull(r);
            }
        }
    }

    private void fillBooleans(BitVector v, int slot, int from, int n) {
        long[] values = numbers[slot];
        for (int r = 0; r < n; r++) {
            if (has(slot, from + r)) {
                v.set(r, (int) values[from + r]);
            } else {
                v.setNull(r);
            }
        }
    }

    @Override
    public void close() {
        // heap only: nothing to release
    }

    @Override
    public String toString() {
        return "ColumnResults[" + source + ", " + rows + " rows]";
    }
}
