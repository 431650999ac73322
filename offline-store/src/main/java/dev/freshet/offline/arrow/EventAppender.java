package dev.freshet.offline.arrow;

import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.event.Event;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

import java.nio.charset.StandardCharsets;

/**
 * Appends archived events to Arrow vectors in the {@link ArchiveSchema} layout: its own
 * {@link VectorSchemaRoot} ({@link #EventAppender(ArchiveSchema, BufferAllocator)}), or one it is lent
 * ({@link #over}), such as the batch a {@link ParquetFiles.BatchSource} fills. {@link #clear} starts the
 * next batch in the same vectors. Not thread-safe.
 */
public final class EventAppender implements AutoCloseable {

    private final ArchiveSchema layout;
    private final Schema schema;
    private final VectorSchemaRoot root;
    private final FieldVector[] fields;
    private final TimeStampMilliTZVector eventTime;
    private final IntVector partition;
    private final BigIntVector offset;
    private final boolean owned;
    private int rows;

    /** An appender with its own vectors, freed by {@link #close}. */
    public EventAppender(ArchiveSchema layout, BufferAllocator allocator) {
        this(layout, VectorSchemaRoot.create(layout.arrowSchema(), allocator), true);
        root.allocateNew();
    }

    /**
     * An appender over vectors of the layout's schema that someone else owns; it starts with
     * {@link #clear}, and {@link #close} leaves the vectors alone.
     *
     * @throws IllegalArgumentException when {@code root} has another schema
     */
    public static EventAppender over(ArchiveSchema layout, VectorSchemaRoot root) {
        if (!root.getSchema().equals(layout.arrowSchema())) {
            throw new IllegalArgumentException("vectors of schema " + root.getSchema() + " are not in the layout " + layout);
        }
        EventAppender appender = new EventAppender(layout, root, false);
        appender.clear();
        return appender;
    }

    private EventAppender(ArchiveSchema layout, VectorSchemaRoot root, boolean owned) {
        this.layout = layout;
        this.schema = layout.source().schema();
        this.root = root;
        this.owned = owned;
        this.fields = new FieldVector[schema.size()];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = root.getVector(i);
        }
        this.eventTime = (TimeStampMilliTZVector) root.getVector(ArchiveSchema.EVENT_TIME);
        this.partition = (IntVector) root.getVector(ArchiveSchema.PARTITION);
        this.offset = (BigIntVector) root.getVector(ArchiveSchema.OFFSET);
    }

    /**
     * Adds one event with its place in {@code freshet.events.<source>}.
     *
     * @throws IllegalArgumentException when the event is of another schema
     */
    public void append(Event event, int kafkaPartition, long kafkaOffset) {
        if (event.schema() != schema && !event.schema().equals(schema)) {
            throw new IllegalArgumentException("event " + event + " is not of source '" + layout.source().name() + "'");
        }
        int row = rows;
        for (int i = 0; i < fields.length; i++) {
            FieldVector v = fields[i];
            if (event.isNull(i)) {
                v.setNull(row);
                continue;
            }
            Field f = schema.field(i);
            switch (f.type()) {
                case STRING -> ((VarCharVector) v).setSafe(row, event.getString(i).getBytes(StandardCharsets.UTF_8));
                case LONG -> ((BigIntVector) v).setSafe(row, event.getLong(i));
                case DOUBLE -> ((Float8Vector) v).setSafe(row, Double.longBitsToDouble(event.getBits(i)));
                case BOOLEAN -> ((BitVector) v).setSafe(row, event.getBoolean(i) ? 1 : 0);
                case TIMESTAMP -> ((TimeStampMilliTZVector) v).setSafe(row, event.getLong(i));
            }
        }
        eventTime.setSafe(row, event.timestamp());
        partition.setSafe(row, kafkaPartition);
        offset.setSafe(row, kafkaOffset);
        rows++;
    }

    /** Rows appended since the last {@link #clear}. */
    public int rowCount() {
        return rows;
    }

    /** The vectors, their row count set to {@link #rowCount}. */
    public VectorSchemaRoot root() {
        root.setRowCount(rows);
        return root;
    }

    /**
     * Starts the next batch in fresh buffers. The previous batch's buffers are released, not
     * overwritten: a consumer that still holds them (Dataset's writer, which reads them on its own
     * threads after the batch was handed over) keeps reading the rows it was given.
     */
    public void clear() {
        root.allocateNew();
        rows = 0;
        root.setRowCount(0);
    }

    @Override
    public void close() {
        if (owned) {
            root.close();
        }
    }
}
