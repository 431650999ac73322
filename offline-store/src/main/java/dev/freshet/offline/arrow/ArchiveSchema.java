package dev.freshet.offline.arrow;

import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.definition.Source;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The columns of a source's archived events, as written to Parquet: one column per schema field,
 * in schema order and of the field's type, then three columns the archive adds:
 * <ul>
 *   <li>{@value #EVENT_TIME}: the event time, a UTC timestamp in milliseconds (the timestamp field's
 *       value, also when that field is a plain long);</li>
 *   <li>{@value #PARTITION} and {@value #OFFSET}: where the canonical event was in
 *       {@code freshet.events.<source>}: the log order that breaks ties of {@code last} and
 *       {@code first}, and what makes an archived row unique.</li>
 * </ul>
 * Field types map to Arrow as string → Utf8, long → Int64, double → Float64, boolean → Bool,
 * timestamp → Timestamp(ms, UTC). Field columns are nullable; the three added columns are not.
 * Immutable.
 */
public final class ArchiveSchema {

    public static final String EVENT_TIME = Schema.RESERVED_PREFIX + "event_time";
    public static final String PARTITION = Schema.RESERVED_PREFIX + "partition";
    public static final String OFFSET = Schema.RESERVED_PREFIX + "offset";

    private static final ArrowType TIMESTAMP = new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC");

    private final Source source;
    private final org.apache.arrow.vector.types.pojo.Schema arrow;

    private ArchiveSchema(Source source) {
        this.source = source;
        List<org.apache.arrow.vector.types.pojo.Field> columns = new ArrayList<>();
        for (Field f : source.schema().fields()) {
            columns.add(org.apache.arrow.vector.types.pojo.Field.nullable(f.name(), arrowType(f.type())));
        }
        columns.add(org.apache.arrow.vector.types.pojo.Field.notNullable(EVENT_TIME, TIMESTAMP));
        columns.add(org.apache.arrow.vector.types.pojo.Field.notNullable(PARTITION, new ArrowType.Int(32, true)));
        columns.add(org.apache.arrow.vector.types.pojo.Field.notNullable(OFFSET, new ArrowType.Int(64, true)));
        this.arrow = new org.apache.arrow.vector.types.pojo.Schema(columns);
    }

    public static ArchiveSchema of(Source source) {
        return new ArchiveSchema(Objects.requireNonNull(source, "source"));
    }

    /** The Arrow type a field of this type is stored as. */
    public static ArrowType arrowType(FieldType type) {
        return switch (type) {
            case STRING -> ArrowType.Utf8.INSTANCE;
            case LONG -> new ArrowType.Int(64, true);
            case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case BOOLEAN -> ArrowType.Bool.INSTANCE;
            case TIMESTAMP -> TIMESTAMP;
        };
    }

    public Source source() {
        return source;
    }

    /** The columns: the schema's fields, then {@link #EVENT_TIME}, {@link #PARTITION}, {@link #OFFSET}. */
    public org.apache.arrow.vector.types.pojo.Schema arrowSchema() {
        return arrow;
    }

    @Override
    public String toString() {
        return "archive schema of source '" + source.name() + "': " + arrow;
    }
}
