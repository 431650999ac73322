package dev.freshet.app.cli;

import dev.freshet.core.error.InvalidInputException;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.offline.arrow.ParquetFiles;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Examples from a Parquet file, such as a training set from {@code freshet training-set}: one row
 * per example, inputs in columns named as {@link ExampleRows} says, the label in the label column.
 * An input without a column is missing in every example. Not thread-safe.
 */
final class ParquetExampleRows implements ExampleRows {

    private final Path file;
    private final ParquetFiles.Scan scan;
    private final String[] columns;   // per slot, the column read, or null
    private final String labelColumn;
    private FieldVector[] vectors;
    private FieldVector labelVector;
    private int row;
    private int rows;
    private long read;
    private double label;

    ParquetExampleRows(BufferAllocator allocator, Path file, ExampleLayout layout, String labelColumn) {
        this.file = file;
        Schema schema = ParquetFiles.schema(allocator, file);
        Set<String> names = schema.getFields().stream().map(Field::getName).collect(Collectors.toSet());
        if (!names.contains(labelColumn)) {
            throw new InvalidInputException(file + " has no label column '" + labelColumn + "' (columns: "
                    + String.join(", ", names) + "; name it with --label-column)");
        }
        this.labelColumn = labelColumn;
        this.columns = new String[layout.size()];
        List<String> read = new ArrayList<>();
        read.add(labelColumn);
        for (int i = 0; i < layout.size(); i++) {
            for (String candidate : ExampleRows.candidates(layout, i)) {
                if (names.contains(candidate)) {
                    columns[i] = candidate;
                    read.add(candidate);
                    break;
                }
            }
        }
        this.scan = ParquetFiles.scan(allocator, List.of(file), Optional.of(read.stream().distinct().toArray(String[]::new)),
                ParquetFiles.DEFAULT_BATCH_ROWS);
    }

    /** The inputs that have no column in the file (missing in every example). */
    List<String> missingInputs(ExampleLayout layout) {
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < columns.length; i++) {
            if (columns[i] == null) {
                missing.add(layout.slots().get(i).name());
            }
        }
        return missing;
    }

    @Override
    public boolean next(Example into) {
        while (row >= rows) {
            if (!scan.next()) {
                return false;
            }
            VectorSchemaRoot root = scan.root();
            vectors = new FieldVector[columns.length];
            for (int i = 0; i < columns.length; i++) {
                vectors[i] = columns[i] == null ? null : root.getVector(columns[i]);
            }
            labelVector = root.getVector(labelColumn);
            rows = root.getRowCount();
            row = 0;
        }
        read++;
        into.clear();
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i] != null) {
                try {
                    into.set(i, value(vectors[i].getObject(row)));
                } catch (InvalidInputException e) {
                    throw new InvalidInputException(position() + ": " + e.getMessage());
                }
            }
        }
        label = ExampleRows.label(value(labelVector.getObject(row)), labelColumn, position());
        row++;
        return true;
    }

    private static Object value(Object arrow) {
        return switch (arrow) {
            case Text t -> t.toString();
            case Number n -> n.doubleValue();
            case null, default -> arrow instanceof Boolean || arrow == null ? arrow : arrow.toString();
        };
    }

    @Override
    public double label() {
        return label;
    }

    @Override
    public String position() {
        return file + " row " + read;
    }

    @Override
    public void close() {
        scan.close();
    }
}
