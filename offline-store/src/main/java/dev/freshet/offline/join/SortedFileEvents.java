package dev.freshet.offline.join;

import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.offline.archive.KeyRuns;
import dev.freshet.offline.arrow.ArchiveSchema;
import dev.freshet.offline.arrow.EventColumns;
import dev.freshet.offline.arrow.ParquetFiles;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The events of one archive file whose rows are sorted by (entity, event time, partition, offset),
 * each batch copied out of its Arrow buffers in bulk, column by column, into reused arrays.
 *
 * <p>Consecutive rows of a sorted file mostly share their entity. When compaction wrote the file's
 * {@link KeyRuns} beside it, the key column is not read at all: each entity's key and row count come
 * from there. Otherwise the key is compared as bytes with the previous row's and decoded into a
 * string only when it changes. Either way the order check needs one string comparison per entity,
 * not per row. A sidecar that cannot be read or does not match its file is logged and the key
 * column read instead. The
 * {@link EventRow}, one reused for every row, is filled only when the join asks for it, with the
 * fields the join aggregates (the others null). The file is opened by the first {@link #next}.
 * Not thread-safe.
 */
final class SortedFileEvents implements EventStream {

    /** Eight bytes of a {@code byte[]} read as one long, to compare keys. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final Logger log = LoggerFactory.getLogger(SortedFileEvents.class);

    private final BufferAllocator allocator;
    private final Path file;
    private final long fileRows;
    private final boolean hasKeyRuns;
    private final String[] scanColumns;
    private final ArchiveSchema layout;
    private EventColumns columns;
    private final Schema schema;
    private final String keyField;
    private final int[] fields;
    private final FieldType[] types;
    private final EventRow eventRow;
    private final KeyRuns.Strings strings;
    private ParquetFiles.Scan scan;
    private boolean closed;
    /** The file's key runs, when it has them: the key column is then not read. */
    private KeyRuns keyRuns;
    private int run = -1;
    /** Rows of the current run after the current row. */
    private long runLeft;

    // the bound batch, copied out of its Arrow buffers in bulk: the per-row work then reads plain arrays
    private int row = -1;
    private int rows;
    private boolean stringKeys;
    private int[] keyOffsets = new int[0];
    private byte[] keyData = new byte[0];
    private long[] longKeys = new long[0];
    private long[] times = new long[0];
    private int[] partitions = new int[0];
    private long[] offsets = new long[0];
    /** Per aggregated field: the vector (null when the scan lacks the column), its bits or its strings. */
    private final FieldVector[] fieldVectors;
    private final boolean[] fieldNulls;
    private final long[][] fieldBits;
    private final int[][] fieldOffsets;
    private final byte[][] fieldData;

    // the current row
    private int keyStart;
    private int keyLength = -1;
    private long longKey;
    private String entity;
    private boolean sameEntity;
    private long ts;

    /**
     * @param file    the file, with {@code rows} rows, and key runs beside it to use when {@code keyRuns}
     * @param columns the archive columns to read
     * @param fields  the schema positions of the fields the join aggregates
     * @param strings decodes the entity keys: one shared by the files of a merge, which come to each entity in turn
     */
    SortedFileEvents(BufferAllocator allocator, Path file, long rows, boolean keyRuns, String[] columns, ArchiveSchema layout,
                     String keyField, int[] fields, KeyRuns.Strings strings) {
        this.strings = strings;
        this.allocator = allocator;
        this.file = file;
        this.fileRows = rows;
        this.hasKeyRuns = keyRuns;
        this.scanColumns = columns.clone();
        this.layout = layout;
        this.schema = layout.source().schema();
        this.keyField = keyField;
        this.fields = fields.clone();
        this.types = new FieldType[fields.length];
        for (int i = 0; i < fields.length; i++) {
            types[i] = schema.field(fields[i]).type();
        }
        this.eventRow = new EventRow(schema, fields);
        this.fieldVectors = new FieldVector[fields.length];
        this.fieldNulls = new boolean[fields.length];
        this.fieldBits = new long[fields.length][];
        this.fieldOffsets = new int[fields.length][];
        this.fieldData = new byte[fields.length][];
    }

    @Override
    public boolean next() {
        if (scan == null) {
            if (closed) {
                return false;
            }
            // opened by the first read, not by the constructor: on the thread that reads, while the join's thread does other work
            open();
        }
        row++;
        while (row >= rows) {
            if (!scan.next()) {
                checkRunsEnded();
                return false;
            }
            bind(scan.root());
            row = 0;
        }
        long previousTs = ts;
        String previous = entity;
        if (keyRuns != null) {
            nextInRuns();
        } else {
            readKey();
        }
        ts = times[row];
        // a file wrongly marked sorted would silently give wrong values: check the order as it streams
        if (previous != null && (sameEntity ? ts < previousTs : entity.compareTo(previous) <= 0)) {
            throw new CorruptDataException("archive file " + file + " is marked sorted, but event (" + entity + ", " + ts
                    + ") comes after (" + previous + ", " + previousTs + "); mark it unsorted or re-compact it");
        }
        return true;
    }

    private void open() {
        boolean keyAggregated = false;
        for (int p : fields) {
            keyAggregated |= schema.field(p).name().equals(keyField);
        }
        if (hasKeyRuns) {
            try {
                keyRuns = KeyRuns.read(file, fileRows);
            } catch (CorruptDataException | UncheckedIOException e) {
                log.warn("reading the key column of {}, as its key runs cannot be used: {}", file, e.getMessage());
            }
        }
        String[] read = scanColumns;
        if (keyRuns != null && !keyAggregated) {
            read = Arrays.stream(scanColumns).filter(c -> !c.equals(keyField)).toArray(String[]::new);
        }
        // without runs the key column is checked as the other columns are; with them it may be absent
        columns = new EventColumns(layout, keyRuns == null ? keyField : null);
        scan = ParquetFiles.scan(allocator, List.of(file), Optional.of(read), ParquetFiles.DEFAULT_BATCH_ROWS);
    }

    /** The next row is the current run's next, or the next run's first. */
    private void nextInRuns() {
        if (runLeft > 0) {
            runLeft--;
            sameEntity = true;
            return;
        }
        run++;
        if (run >= keyRuns.runs()) {
            throw new CorruptDataException("archive file " + file + " has more rows than its key runs " + KeyRuns.sidecar(file)
                    + " account for (" + keyRuns.rows() + "); delete the key runs, and the join reads the key column instead");
        }
        sameEntity = false;
        entity = keyRuns.key(run, strings);
        runLeft = keyRuns.rowCount(run) - 1;
    }

    private void checkRunsEnded() {
        if (keyRuns != null && (run < keyRuns.runs() - 1 || runLeft > 0)) {
            throw new CorruptDataException("archive file " + file + " has fewer rows than its key runs " + KeyRuns.sidecar(file)
                    + " account for (" + keyRuns.rows() + "); delete the key runs, and the join reads the key column instead");
        }
    }

    private void bind(VectorSchemaRoot root) {
        // checks the columns' types once per batch, with the archive's messages
        rows = columns.bind(root).rowCount();
        int n = rows;
        if (keyRuns == null) {
            bindKeys(root.getVector(keyField), n);
        }
        times = BulkCopy.longs(required(root, ArchiveSchema.EVENT_TIME), n, times);
        FieldVector partition = required(root, ArchiveSchema.PARTITION);
        partitions = BulkCopy.ints(partition, n, partitions);
        offsets = BulkCopy.longs(required(root, ArchiveSchema.OFFSET), n, offsets);
        for (int i = 0; i < fields.length; i++) {
            FieldVector v = root.getVector(schema.field(fields[i]).name());
            fieldVectors[i] = v;
            if (v == null) {
                continue;
            }
            fieldNulls[i] = v.getNullCount() > 0;
            switch (types[i]) {
                case STRING -> {
                    fieldOffsets[i] = BulkCopy.offsets((VarCharVector) v, n, fieldOffsets[i]);
                    fieldData[i] = BulkCopy.data((VarCharVector) v, fieldOffsets[i], n, fieldData[i]);
                }
                case LONG, DOUBLE, TIMESTAMP -> fieldBits[i] = BulkCopy.longs(v, n, fieldBits[i]);
                case BOOLEAN -> {
                    // bit-packed: read per row
                }
            }
        }
    }

    private void bindKeys(FieldVector key, int n) {
        if (key.getNullCount() > 0) {
            for (int r = 0; r < n; r++) {
                if (key.isNull(r)) {
                    throw new CorruptDataException("archive file " + file + ": row " + r + " of a batch has no entity key ('"
                            + keyField + "' is null)");
                }
            }
        }
        stringKeys = key instanceof VarCharVector;
        if (stringKeys) {
            keyOffsets = BulkCopy.offsets((VarCharVector) key, n, keyOffsets);
            keyData = BulkCopy.data((VarCharVector) key, keyOffsets, n, keyData);
        } else {
            longKeys = BulkCopy.longs(key, n, longKeys);
        }
    }

    private FieldVector required(VectorSchemaRoot root, String name) {
        FieldVector v = root.getVector(name);
        if (v.getNullCount() > 0) {
            throw new CorruptDataException("archive file " + file + ": column '" + name + "' has " + v.getNullCount()
                    + " nulls in a batch; every event needs one");
        }
        return v;
    }

    /** Reads the row's key; decodes it only when it differs from the previous row's. */
    private void readKey() {
        if (stringKeys) {
            int start = keyOffsets[row];
            int length = keyOffsets[row + 1] - start;
            // the previous row's key is still in keyData at keyStart, unless a new batch was bound: then compare the strings' bytes
            sameEntity = length == keyLength && (row > 0
                    ? Arrays.equals(keyData, start, start + length, keyData, keyStart, keyStart + length)
                    : entity != null && entity.equals(new String(keyData, start, length, StandardCharsets.UTF_8)));
            keyStart = start;
            if (!sameEntity) {
                keyLength = length;
                entity = strings.decode(keyData, start, length);
            }
        } else {
            long value = longKeys[row];
            sameEntity = entity != null && value == longKey;
            if (!sameEntity) {
                longKey = value;
                entity = Long.toString(value);
            }
        }
    }

    @Override
    public boolean sameEntity() {
        return sameEntity;
    }

    @Override
    public String entity() {
        return entity;
    }

    @Override
    public long ts() {
        return ts;
    }

    @Override
    public int partition() {
        return partitions[row];
    }

    @Override
    public long offset() {
        return offsets[row];
    }

    @Override
    public EventRow row() {
        EventRow r = this.eventRow;
        r.timestamp = ts;
        for (int k = 0; k < fields.length; k++) {
            int p = fields[k];
            if (isNull(k)) {
                r.setNull(p);
            } else {
                r.nulls[p] = false;
                if (types[k] == FieldType.STRING) {
                    r.strings[p] = string(k);
                } else {
                    r.bits[p] = bits(k);
                }
            }
        }
        return r;
    }

    /** As {@link #row}, straight from the batch's columns into {@code rows}; {@code rows} keeps this stream's fields, in its order. */
    @Override
    public void copyTo(EventRows rows, int i) {
        rows.setTime(i, ts);
        for (int k = 0; k < fields.length; k++) {
            boolean isNull = isNull(k);
            if (types[k] == FieldType.STRING) {
                rows.setString(i, k, isNull ? null : string(k));
            } else {
                rows.setValue(i, k, isNull, isNull ? 0 : bits(k));
            }
        }
    }

    @Override
    public int copyRun(EventRows out, int[] partitionsOut, long[] offsetsOut, int at, int max) {
        return copy(out, partitionsOut, offsetsOut, at, max, false, 0, 0, 0);
    }

    @Override
    public int copyRunBefore(EventRows out, int[] partitionsOut, long[] offsetsOut, int at, int max, long limitTs, int limitPartition,
                             long limitOffset) {
        return copy(out, partitionsOut, offsetsOut, at, max, true, limitTs, limitPartition, limitOffset);
    }

    /**
     * The run of the current entity from the current row on, within the bound batch (at most {@code max} rows, and before
     * the limit when {@code bounded}), copied a column at a time; the stream is then on the run's last row.
     */
    private int copy(EventRows out, int[] partitionsOut, long[] offsetsOut, int at, int max, boolean bounded, long limitTs,
                     int limitPartition, long limitOffset) {
        int from = row;
        int end = runEnd(from, Math.min(rows, from + max), bounded, limitTs, limitPartition, limitOffset);
        int n = end - from;
        out.setTimes(at, times, from, n);
        System.arraycopy(partitions, from, partitionsOut, at, n);
        System.arraycopy(offsets, from, offsetsOut, at, n);
        for (int k = 0; k < fields.length; k++) {
            FieldVector v = fieldVectors[k];
            if (v == null) {
                out.setNulls(at, k, n);
            } else if (types[k] == FieldType.STRING) {
                int[] o = fieldOffsets[k];
                byte[] data = fieldData[k];
                if (!fieldNulls[k]) {
                    out.setStrings(at, k, data, o, from, end);
                } else {
                    for (int r = from; r < end; r++) {
                        if (v.isNull(r)) {
                            out.setString(at + r - from, k, (String) null);
                        } else {
                            out.setString(at + r - from, k, data, o[r], o[r + 1] - o[r]);
                        }
                    }
                }
            } else if (types[k] != FieldType.BOOLEAN && !fieldNulls[k]) {
                out.setValues(at, k, fieldBits[k], from, n);
            } else {
                for (int r = from; r < end; r++) {
                    boolean isNull = fieldNulls[k] && v.isNull(r);
                    out.setValue(at + r - from, k, isNull, isNull ? 0
                            : types[k] == FieldType.BOOLEAN ? ((BitVector) v).get(r) : fieldBits[k][r]);
                }
            }
        }
        row = end - 1;
        ts = times[row];
        if (n > 1) {
            sameEntity = true;
        }
        if (keyRuns != null) {
            runLeft -= n - 1;
        }
        if (stringKeys) {
            keyStart = keyOffsets[row];
        }
        return n;
    }

    /**
     * The end of the current entity's run from row {@code from}: the first row before {@code limit} of another entity, or
     * not strictly before {@code (limitTs, limitPartition, limitOffset)} when {@code bounded}. Checks the run's times
     * as {@link #next} does.
     */
    private int runEnd(int from, int limit, boolean bounded, long limitTs, int limitPartition, long limitOffset) {
        int end = from + 1;
        if (keyRuns != null) {
            // the run's rows are known: only the time order and the limit are checked
            int runStop = (int) Math.min(limit, from + 1 + runLeft);
            while (end < runStop && (!bounded || precedes(end, limitTs, limitPartition, limitOffset))) {
                checkOrder(end);
                end++;
            }
        } else if (stringKeys) {
            int start = keyOffsets[from];
            int length = keyOffsets[from + 1] - start;
            while (end < limit && keyOffsets[end + 1] - keyOffsets[end] == length && sameBytes(keyData, keyOffsets[end], start, length)
                    && (!bounded || precedes(end, limitTs, limitPartition, limitOffset))) {
                checkOrder(end);
                end++;
            }
        } else {
            long key = longKeys[from];
            while (end < limit && longKeys[end] == key && (!bounded || precedes(end, limitTs, limitPartition, limitOffset))) {
                checkOrder(end);
                end++;
            }
        }
        return end;
    }

    /**
     * Whether {@code data[i, i + length)} and {@code data[j, j + length)} are equal: eight bytes at a time, as keys are short
     * and {@code Arrays.equals} over ranges has a set-up cost that a run's many comparisons would pay each time.
     */
    private static boolean sameBytes(byte[] data, int i, int j, int length) {
        int k = 0;
        for (; k + Long.BYTES <= length; k += Long.BYTES) {
            if ((long) LONGS.get(data, i + k) != (long) LONGS.get(data, j + k)) {
                return false;
            }
        }
        for (; k < length; k++) {
            if (data[i + k] != data[j + k]) {
                return false;
            }
        }
        return true;
    }

    /** Whether row {@code r} comes strictly before {@code (limitTs, limitPartition, limitOffset)}. */
    private boolean precedes(int r, long limitTs, int limitPartition, long limitOffset) {
        long t = times[r];
        if (t != limitTs) {
            return t < limitTs;
        }
        return partitions[r] != limitPartition ? partitions[r] < limitPartition : offsets[r] < limitOffset;
    }

    /** Row {@code r} is of the previous row's entity: its time must not go back. */
    private void checkOrder(int r) {
        if (times[r] < times[r - 1]) {
            throw new CorruptDataException("archive file " + file + " is marked sorted, but event (" + entity + ", " + times[r]
                    + ") comes after (" + entity + ", " + times[r - 1] + "); mark it unsorted or re-compact it");
        }
    }

    /** Whether aggregated field {@code k} of the current row is null (or missing from the file). */
    private boolean isNull(int k) {
        FieldVector v = fieldVectors[k];
        return v == null || fieldNulls[k] && v.isNull(row);
    }

    /** String field {@code k} of the current row, not null. */
    private String string(int k) {
        int[] o = fieldOffsets[k];
        return new String(fieldData[k], o[row], o[row + 1] - o[row], StandardCharsets.UTF_8);
    }

    /** Non-string field {@code k} of the current row, not null, as {@link EventRow#bits} holds it. */
    private long bits(int k) {
        return types[k] == FieldType.BOOLEAN ? ((BitVector) fieldVectors[k]).get(row) : fieldBits[k][row];
    }

    @Override
    public void close() {
        closed = true;
        if (scan != null) {
            scan.close();
        }
    }
}
