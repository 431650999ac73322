package dev.freshet.offline.join;

import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.event.IsoTimestamp;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.dataset.scanner.Scanner;
import org.apache.arrow.dataset.source.Dataset;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * A spine file, Parquet ({@code .parquet}) or CSV ({@code .csv}, header row, types inferred by
 * Arrow), read through Arrow Dataset, and the reading of its entity and timestamp columns.
 *
 * <p>The entity column may be a string or an integer column (canonical key: decimal). The timestamp
 * column may be an integer (epoch milliseconds), an Arrow timestamp of any unit (a zone-less
 * timestamp is taken as UTC), a date (its midnight UTC), or a string: epoch milliseconds in digits or
 * an ISO-8601 date-time with {@code Z} or an offset. Row numbers in messages count data rows from 1.
 */
final class SpineFile {

    private static final int BATCH_ROWS = 32_768;

    private final Path path;
    private final FileFormat format;

    private SpineFile(Path path, FileFormat format) {
        this.path = path;
        this.format = format;
    }

    /** @throws InvalidInputException when the file is missing or of another extension */
    static SpineFile of(Path path) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        FileFormat format;
        if (name.endsWith(".parquet")) {
            format = FileFormat.PARQUET;
        } else if (name.endsWith(".csv")) {
            format = FileFormat.CSV;
        } else {
            throw new InvalidInputException("spine " + path + ": unknown file type (use a .parquet or .csv file)");
        }
        if (!Files.isRegularFile(path)) {
            throw new InvalidInputException("spine " + path + " does not exist or is not a file");
        }
        return new SpineFile(path, format);
    }

    Path path() {
        return path;
    }

    Schema schema(BufferAllocator allocator) {
        try (FileSystemDatasetFactory f = new FileSystemDatasetFactory(allocator, NativeMemoryPool.getDefault(), format,
                path.toAbsolutePath().toUri().toString())) {
            return f.inspect();
        } catch (RuntimeException e) {
            throw new InvalidInputException("spine " + path + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The column of that name, or an error listing the spine's columns. */
    static Field column(Schema schema, Path path, String name, String role) {
        for (Field f : schema.getFields()) {
            if (f.getName().equals(name)) {
                return f;
            }
        }
        throw new InvalidInputException("spine " + path + " has no " + role + " column '" + name + "' (columns: "
                + String.join(", ", schema.getFields().stream().map(Field::getName).toList()) + ")");
    }

    /** Scans the spine in file order; {@code columns} empty for all. */
    Scan scan(BufferAllocator allocator, Optional<String[]> columns) {
        return new Scan(allocator, columns);
    }

    /** A scan of the spine's batches. Not thread-safe. */
    final class Scan implements AutoCloseable {
        private final FileSystemDatasetFactory factory;
        private final Dataset dataset;
        private final Scanner scanner;
        private final ArrowReader reader;

        private Scan(BufferAllocator allocator, Optional<String[]> columns) {
            try {
                factory = new FileSystemDatasetFactory(allocator, NativeMemoryPool.getDefault(), format,
                        path.toAbsolutePath().toUri().toString());
                dataset = factory.finish();
                scanner = dataset.newScan(new ScanOptions(BATCH_ROWS, columns));
                reader = scanner.scanBatches();
            } catch (RuntimeException e) {
                close();
                throw new InvalidInputException("spine " + path + " cannot be read: " + e.getMessage(), e);
            }
        }

        boolean next() {
            try {
                return reader.loadNextBatch();
            } catch (IOException | RuntimeException e) {
                throw new InvalidInputException("spine " + path + " cannot be read: " + e.getMessage(), e);
            }
        }

        VectorSchemaRoot root() {
            try {
                return reader.getVectorSchemaRoot();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                for (AutoCloseable c : new AutoCloseable[]{reader, scanner, dataset, factory}) {
                    if (c != null) {
                        c.close();
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot close the scan of spine " + path + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The canonical entity key at a row.
     *
     * @param rowNumber the row's number in the file, from 1, for messages
     */
    String entity(FieldVector v, int row, long rowNumber) {
        // a CSV reader reads a missing string as empty, not null: neither is an entity
        if (v.isNull(row) || v instanceof VarCharVector s && s.getValueLength(row) == 0) {
            throw new InvalidInputException("spine " + path + ": row " + rowNumber + " has no entity (column '" + v.getName()
                    + "' is null or empty); every row needs one");
        }
        if (v instanceof VarCharVector s) {
            return new String(s.get(row), StandardCharsets.UTF_8);
        }
        if (v instanceof BaseIntVector i) {
            return Long.toString(i.getValueAsLong(row));
        }
        throw new InvalidInputException("spine " + path + ": entity column '" + v.getName() + "' is of type "
                + v.getField().getType() + "; it must hold strings or integers");
    }

    /**
     * The entity keys of a batch of a string entity column, copied out in bulk (the same checks as
     * {@link #entity}): a row's key is {@code data()[from(r), from(r) + length(r))}. Reused batch
     * after batch. Not thread-safe.
     */
    final class StringKeys {
        private int[] offsets;
        private byte[] data;

        /**
         * @param firstRowNumber the number of the batch's first row in the file, from 1, for messages
         * @throws InvalidInputException when a row has no entity (null or empty)
         */
        void bind(VarCharVector v, int n, long firstRowNumber) {
            offsets = BulkCopy.offsets(v, n, offsets);
            data = BulkCopy.data(v, offsets, n, data);
            boolean nulls = v.getNullCount() > 0;
            for (int r = 0; r < n; r++) {
                if (offsets[r + 1] == offsets[r] || nulls && v.isNull(r)) {
                    entity(v, r, firstRowNumber + r); // throws, with the message
                }
            }
        }

        byte[] data() {
            return data;
        }

        int from(int row) {
            return offsets[row];
        }

        int length(int row) {
            return offsets[row + 1] - offsets[row];
        }
    }

    /** The timestamp at a row, epoch milliseconds. */
    long timestamp(FieldVector v, int row, long rowNumber) {
        if (v.isNull(row)) {
            throw new InvalidInputException("spine " + path + ": row " + rowNumber + " has no timestamp (column '" + v.getName()
                    + "' is null); every row needs one");
        }
        if (v instanceof TimeStampVector ts) {
            long value = ts.get(row);
            return switch (((ArrowType.Timestamp) v.getField().getType()).getUnit()) {
                case SECOND -> Math.multiplyExact(value, 1000L);
                case MILLISECOND -> value;
                case MICROSECOND -> Math.floorDiv(value, 1000L);
                case NANOSECOND -> Math.floorDiv(value, 1_000_000L);
            };
        }
        if (v instanceof DateDayVector d) {
            return d.get(row) * 86_400_000L;
        }
        if (v instanceof DateMilliVector d) {
            return d.get(row);
        }
        if (v instanceof BaseIntVector i) {
            return i.getValueAsLong(row);
        }
        if (v instanceof VarCharVector s) {
            return parse(new String(s.get(row), StandardCharsets.UTF_8), v.getName(), rowNumber);
        }
        throw new InvalidInputException("spine " + path + ": timestamp column '" + v.getName() + "' is of type "
                + v.getField().getType() + "; it must hold epoch milliseconds, timestamps, dates or ISO-8601 strings");
    }

    private long parse(String text, String column, long rowNumber) {
        String s = text.trim();
        if (!s.isEmpty() && s.chars().skip(s.charAt(0) == '-' ? 1 : 0).allMatch(Character::isDigit) && s.length() > (s.charAt(0) == '-' ? 1 : 0)) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                // too many digits: reported below
            }
        }
        // the forms event timestamps may take, so that a spine accepts what the pipeline accepts
        long millis = IsoTimestamp.parse(s);
        if (IsoTimestamp.isError(millis)) {
            String why = millis == IsoTimestamp.NO_ZONE ? "an ISO-8601 date-time without Z or an offset (add one: the time is ambiguous)"
                    : millis == IsoTimestamp.OUT_OF_RANGE ? "an ISO-8601 date-time with a part out of range"
                    : "neither epoch milliseconds nor an ISO-8601 date-time with Z or an offset";
            throw new InvalidInputException("spine " + path + ": row " + rowNumber + ": timestamp column '" + column + "' holds \""
                    + text + "\", which is " + why + " (e.g. 2024-05-01T12:00:00Z or 2024-05-01T14:00:00+02:00)");
        }
        return millis;
    }
}
