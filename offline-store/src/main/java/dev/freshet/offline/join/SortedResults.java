package dev.freshet.offline.join;

import dev.freshet.core.codec.ByteReader;
import dev.freshet.core.codec.ByteWriter;
import org.apache.arrow.vector.FieldVector;

/**
 * A source's values kept as records of an {@link ExternalSorter} (key "", {@code a} the row number,
 * the payload the values encoded by {@link ValueKind#encode}), so they may spill to disk: the results
 * of a spine too long to keep in columns. Sorted by row number when first read. Not thread-safe.
 */
final class SortedResults implements SourceResults {

    private final ExternalSorter sorter;
    private final String source;
    private final int[] columns;
    private final ValueKind[] kinds;
    private final ByteWriter out;
    private RecordCursor cursor;

    /**
     * @param sorter  where the records go; closed by whoever made it
     * @param columns the output column of each slot
     * @param kinds   the kind of each slot's value
     */
    SortedResults(ExternalSorter sorter, String source, int[] columns, ValueKind[] kinds) {
        this.sorter = sorter;
        this.source = source;
        this.columns = columns.clone();
        this.kinds = kinds.clone();
        this.out = new ByteWriter(16 * kinds.length + 16);
    }

    @Override
    public void put(long row, Object[] values) {
        out.reset();
        for (int s = 0; s < kinds.length; s++) {
            kinds[s].encode(values[s], out);
        }
        sorter.add("", row, 0, 0, out.toByteArray());
    }

    @Override
    public void fill(long first, int n, FieldVector[] features) {
        if (cursor == null) {
            cursor = sorter.sorted();
        }
        for (int r = 0; r < n; r++) {
            if (!cursor.next() || cursor.a() != first + r) {
                throw new IllegalStateException("the join lost spine row " + (first + r + 1) + " of source '" + source + "'");
            }
            decode(features, r);
        }
    }

    /** One row's values; a method of its own so that the JIT compiles it early, in full. */
    private void decode(FieldVector[] features, int r) {
        ByteReader values = new ByteReader(cursor.payload(), cursor.payloadOffset(), cursor.payloadLength(), "feature values");
        for (int s = 0; s < kinds.length; s++) {
            kinds[s].decode(values, cursor.payload(), features[columns[s]], r);
        }
    }

    @Override
    public void close() {
        if (cursor != null) {
            cursor.close();
        }
    }
}
