package dev.freshet.offline.arrow;

import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.definition.Source;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.event.Event;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads archived events back from Arrow vectors in the {@link ArchiveSchema} layout, such as a batch
 * of a Parquet scan. Columns are found by name, so a scan may project a subset of the fields: the
 * fields it left out read as null. The entity key is the key field's value in its canonical form
 * (strings as they are, longs in decimal), as {@link dev.freshet.core.event.EventJson} makes it.
 * A view over one batch: {@link #bind} it to the next. Not thread-safe.
 */
public final class EventColumns {

    private final ArchiveSchema layout;
    private final Schema schema;
    private final String keyField;
    private final int keyPosition;
    private final FieldVector[] fields;
    private TimeStampVector eventTime;
    private IntVector partition;
    private BigIntVector offset;
    private int rows;

    /**
     * @param keyField the field holding the entity key (the join key of the entity that keys the source),
     *                 or null for an unkeyed source, whose entity key is {@code ""} as in {@link dev.freshet.core.event.EventJson}
     * @throws IllegalArgumentException when the schema has no such field
     */
    public EventColumns(ArchiveSchema layout, String keyField) {
        this.layout = Objects.requireNonNull(layout, "layout");
        this.schema = layout.source().schema();
        this.keyField = keyField;
        this.keyPosition = keyField == null ? -1 : schema.indexOf(keyField);
        if (keyField != null && keyPosition < 0) {
            throw new IllegalArgumentException("source '" + layout.source().name() + "' has no key field '" + keyField + "'");
        }
        this.fields = new FieldVector[schema.size()];
    }

    /**
     * Reads from this batch from now on.
     *
     * @throws CorruptDataException when the key, event time, partition or offset column is missing or of another type
     */
    public EventColumns bind(VectorSchemaRoot root) {
        Source source = layout.source();
        for (int i = 0; i < fields.length; i++) {
            FieldVector v = root.getVector(schema.field(i).name());
            if (v != null && !typeMatches(schema.field(i).type(), v)) {
                throw new CorruptDataException("archive of source '" + source.name() + "': column '" + schema.field(i).name()
                        + "' is " + v.getField().getType() + ", not the " + schema.field(i).type().yamlName() + " the schema says");
            }
            fields[i] = v;
        }
        if (keyPosition >= 0 && fields[keyPosition] == null) {
            throw new CorruptDataException("archive of source '" + source.name() + "' has no key column '" + keyField + "'");
        }
        eventTime = column(root, ArchiveSchema.EVENT_TIME, TimeStampVector.class);
        partition = column(root, ArchiveSchema.PARTITION, IntVector.class);
        offset = column(root, ArchiveSchema.OFFSET, BigIntVector.class);
        rows = root.getRowCount();
        return this;
    }

    private <V> V column(VectorSchemaRoot root, String name, Class<V> type) {
        FieldVector v = root.getVector(name);
        if (!type.isInstance(v)) {
            throw new CorruptDataException("archive of source '" + layout.source().name() + "' has "
                    + (v == null ? "no column '" + name + "'" : "column '" + name + "' of type " + v.getField().getType()));
        }
        return type.cast(v);
    }

    private static boolean typeMatches(FieldType type, FieldVector v) {
        return switch (type) {
            case STRING -> v instanceof VarCharVector;
            case LONG -> v instanceof BigIntVector;
            case DOUBLE -> v instanceof Float8Vector;
            case BOOLEAN -> v instanceof BitVector;
            case TIMESTAMP -> v instanceof TimeStampVector;
        };
    }

    /** Rows in the bound batch. */
    public int rowCount() {
        return rows;
    }

    public long eventTime(int row) {
        return eventTime.get(row);
    }

    public int partition(int row) {
        return partition.get(row);
    }

    public long offset(int row) {
        return offset.get(row);
    }

    /**
     * The entity key of a row, in canonical form.
     *
     * @throws CorruptDataException when the key is null
     */
    public String entity(int row) {
        if (keyPosition < 0) {
            return "";
        }
        FieldVector v = fields[keyPosition];
        if (v.isNull(row)) {
            throw new CorruptDataException("archive of source '" + layout.source().name() + "': row " + row + " has no entity key ('"
                    + keyField + "' is null)");
        }
        return v instanceof VarCharVector s ? new String(s.get(row), StandardCharsets.UTF_8) : Long.toString(((BigIntVector) v).get(row));
    }

    /** The event of a row. Allocates the event. */
    public Event event(int row) {
        Event.Builder b = Event.builder(schema).key(new EntityKey(entity(row))).timestamp(eventTime(row));
        for (int i = 0; i < fields.length; i++) {
            FieldVector v = fields[i];
            if (v == null || v.isNull(row)) {
                continue;
            }
            Field f = schema.field(i);
            switch (f.type()) {
                case STRING -> b.set(i, new String(((VarCharVector) v).get(row), StandardCharsets.UTF_8));
                case LONG -> b.setBits(i, ((BigIntVector) v).get(row));
                case DOUBLE -> b.setBits(i, Double.doubleToRawLongBits(((Float8Vector) v).get(row)));
                case BOOLEAN -> b.setBits(i, ((BitVector) v).get(row));
                case TIMESTAMP -> b.setBits(i, ((TimeStampVector) v).get(row));
            }
        }
        return b.build();
    }
}
