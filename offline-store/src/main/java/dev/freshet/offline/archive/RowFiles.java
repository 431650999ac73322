package dev.freshet.offline.archive;

import dev.freshet.core.error.CorruptDataException;
import dev.freshet.offline.arrow.ArchiveSchema;
import dev.freshet.offline.arrow.EventAppender;
import dev.freshet.offline.arrow.EventColumns;
import dev.freshet.offline.arrow.ParquetFiles;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Archive files as streams of {@link ArchivedRow}s: what compaction reads, sorts and merges. The
 * layout and key field are those of one source. Stateless apart from its settings.
 */
final class RowFiles {

    /** Rows per Arrow batch, read or written: a merge holds one batch per input. */
    static final int BATCH_ROWS = 4_096;

    private final BufferAllocator allocator;
    private final ArchiveSchema layout;
    private final String keyField;

    /** @param keyField the entity key field, or null for an unkeyed source */
    RowFiles(BufferAllocator allocator, ArchiveSchema layout, String keyField) {
        this.allocator = allocator;
        this.layout = layout;
        this.keyField = keyField;
    }

    /** Every row of a file, in file order. Holds them all: for files of at most {@code maxRowsPerFile} rows. */
    List<ArchivedRow> readAll(Path file) {
        List<ArchivedRow> rows = new ArrayList<>();
        try (Cursor c = open(file)) {
            while (c.hasNext()) {
                rows.add(c.next());
            }
        }
        return rows;
    }

    /** Streams a file's rows one batch at a time. Close it. */
    Cursor open(Path file) {
        return new Cursor(ParquetFiles.scan(allocator, List.of(file), Optional.empty(), BATCH_ROWS), new EventColumns(layout, keyField));
    }

    /** What a written file holds. */
    record Written(long rows, long minEventTime, long maxEventTime) {
    }

    /**
     * Writes up to {@code maxRows} rows taken from {@code rows} (in that order) as one Parquet file.
     * Nothing is written when {@code rows} is empty.
     *
     * @throws java.io.UncheckedIOException when the file cannot be written
     */
    Written write(Iterator<ArchivedRow> rows, long maxRows, Path target) {
        return write(rows, maxRows, target, null);
    }

    /**
     * As {@link #write(Iterator, long, Path)}, adding each row's entity key to {@code keys} (unless null), in order.
     */
    Written write(Iterator<ArchivedRow> rows, long maxRows, Path target, KeyRuns.Builder keys) {
        long[] stats = {0, Long.MAX_VALUE, Long.MIN_VALUE};
        if (!rows.hasNext()) {
            return new Written(0, 0, 0);
        }
        ParquetFiles.write(allocator, layout.arrowSchema(), root -> {
            if (!rows.hasNext() || stats[0] == maxRows) {
                return false;
            }
            // over() starts in fresh buffers: the writer may still read the previous batch's
            EventAppender appender = EventAppender.over(layout, root);
            while (rows.hasNext() && stats[0] < maxRows && appender.rowCount() < BATCH_ROWS) {
                ArchivedRow r = rows.next();
                appender.append(r.event(), r.partition(), r.offset());
                if (keys != null) {
                    keys.add(r.event().key().value(), 1);
                }
                stats[0]++;
                stats[1] = Math.min(stats[1], r.event().timestamp());
                stats[2] = Math.max(stats[2], r.event().timestamp());
            }
            appender.root();
            return true;
        }, target);
        return new Written(stats[0], stats[1], stats[2]);
    }

    /**
     * The key runs of a sorted file, from its key column alone (the entity keys in canonical form, as {@link EventColumns}
     * reads them). Not written: {@link KeyRuns.Builder#write} does that.
     *
     * @throws dev.freshet.core.error.CorruptDataException when a key is null or the column is of another type
     */
    KeyRuns.Builder keyRuns(Path file) {
        KeyRuns.Builder keys = new KeyRuns.Builder();
        if (keyField == null) {
            try (ParquetFiles.Scan scan = ParquetFiles.scan(allocator, List.of(file), Optional.of(new String[]{ArchiveSchema.OFFSET}),
                    BATCH_ROWS * 8)) {
                while (scan.next()) {
                    if (scan.root().getRowCount() > 0) {
                        keys.add("", scan.root().getRowCount());
                    }
                }
            }
            return keys;
        }
        try (ParquetFiles.Scan scan = ParquetFiles.scan(allocator, List.of(file), Optional.of(new String[]{keyField}), BATCH_ROWS * 8)) {
            while (scan.next()) {
                FieldVector v = scan.root().getVector(keyField);
                int n = scan.root().getRowCount();
                for (int r = 0; r < n; r++) {
                    if (v.isNull(r)) {
                        throw new CorruptDataException("archive file " + file + ": a row has no entity key ('" + keyField + "' is null)");
                    }
                    if (v instanceof VarCharVector s) {
                        keys.add(new String(s.get(r), StandardCharsets.UTF_8), 1);
                    } else if (v instanceof BigIntVector l) {
                        keys.add(Long.toString(l.get(r)), 1);
                    } else {
                        throw new CorruptDataException("archive file " + file + ": key column '" + keyField + "' is "
                                + v.getField().getType());
                    }
                }
            }
        }
        return keys;
    }

    /** A file's rows, read batch by batch; {@link #peek} without taking. Not thread-safe. */
    static final class Cursor implements Iterator<ArchivedRow>, AutoCloseable {
        private final ParquetFiles.Scan scan;
        private final EventColumns columns;
        private int row;
        private boolean bound;
        private ArchivedRow head;

        private Cursor(ParquetFiles.Scan scan, EventColumns columns) {
            this.scan = scan;
            this.columns = columns;
        }

        @Override
        public boolean hasNext() {
            return peek() != null;
        }

        /** The next row, or null at the end. */
        ArchivedRow peek() {
            if (head != null) {
                return head;
            }
            while (!bound || row == columns.rowCount()) {
                if (!scan.next()) {
                    return null;
                }
                columns.bind(scan.root());
                bound = true;
                row = 0;
            }
            head = new ArchivedRow(columns.event(row), columns.partition(row), columns.offset(row));
            row++;
            return head;
        }

        @Override
        public ArchivedRow next() {
            ArchivedRow r = peek();
            if (r == null) {
                throw new NoSuchElementException();
            }
            head = null;
            return r;
        }

        @Override
        public void close() {
            scan.close();
        }
    }
}
