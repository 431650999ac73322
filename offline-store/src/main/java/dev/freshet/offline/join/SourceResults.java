package dev.freshet.offline.join;

import org.apache.arrow.vector.FieldVector;

/**
 * The feature values of one source's join, by spine row: the join puts each row's values once, in
 * any row order; the output then reads them back in row order, batch after batch. Two kinds: in
 * columns of the spine's length ({@link ColumnResults}, when they fit the budget) or through an
 * external sort by row number ({@link SortedResults}). Not thread-safe.
 */
interface SourceResults extends AutoCloseable {

    /**
     * The values of spine row {@code row} (counted from 0), by slot of the source's plan (null: no
     * value); {@code values} is read during the call only.
     */
    void put(long row, Object[] values);

    /**
     * Sets rows {@code [0, n)} of the source's output columns to the values of spine rows
     * {@code [first, first + n)}: {@code features} holds every output feature column (allocated for
     * {@code n} rows), the source fills those of its slots. Called with consecutive ranges from row 0,
     * after the last {@link #put}.
     *
     * @throws IllegalStateException when a row's values are missing (the join lost it)
     */
    void fill(long first, int n, FieldVector[] features);

    @Override
    void close();
}
