package dev.freshet.core.event;

import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.error.InvalidInputException;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One canonical event of a source: its entity, its event time and its typed field values,
 * stored by schema position. Numbers, booleans and timestamps live unboxed in a {@code long[]}
 * (doubles as their IEEE bits), so aggregates read them without allocation. Immutable and
 * thread-safe.
 */
public final class Event extends EventFields {

    private final Schema schema;
    private final EntityKey key;
    private final long timestamp;
    private final long[] primitives;
    private final String[] strings;
    private final boolean[] nulls;

    private Event(Schema schema, EntityKey key, long timestamp, long[] primitives, String[] strings, boolean[] nulls) {
        this.schema = schema;
        this.key = key;
        this.timestamp = timestamp;
        this.primitives = primitives;
        this.strings = strings;
        this.nulls = nulls;
    }

    /**
     * An event over arrays its caller has filled and gives up: they are not copied, so a decoder
     * allocates them once instead of twice (a builder's and the event's). The caller has checked
     * every value against the schema: for each position, {@code nulls} tells whether it is null,
     * strings are in {@code strings} and everything else in {@code primitives} as {@link #getBits}.
     */
    static Event owning(Schema schema, EntityKey key, long timestamp, long[] primitives, String[] strings, boolean[] nulls) {
        return new Event(schema, key, timestamp, primitives, strings, nulls);
    }

    /** An event of the given schema; every field starts null. */
    public static Builder builder(Schema schema) {
        return new Builder(schema);
    }

    public Schema schema() {
        return schema;
    }

    public EntityKey key() {
        return key;
    }

    /** Event time, epoch milliseconds. */
    @Override
    public long timestamp() {
        return timestamp;
    }

    @Override
    public boolean isNull(int position) {
        return nulls[position];
    }

    /** A double field's value (0 when null), or a long/timestamp field's value converted to double. */
    @Override
    public double getDouble(int position) {
        long bits = primitives[position];
        return schema.field(position).type() == FieldType.DOUBLE ? Double.longBitsToDouble(bits) : (double) bits;
    }

    /** A long or timestamp field's value (0 when null). */
    @Override
    public long getLong(int position) {
        return primitives[position];
    }

    /**
     * The raw 64 bits of a non-string field: the value of a long or timestamp, the IEEE bits of
     * a double, 1 or 0 for a boolean.
     */
    @Override
    public long getBits(int position) {
        return primitives[position];
    }

    public boolean getBoolean(int position) {
        return primitives[position] != 0;
    }

    /** A string field's value, or null. */
    @Override
    public String getString(int position) {
        return strings[position];
    }

    /** The value as an object (String, Long, Double, Boolean; timestamps as Long), or null. Allocates. */
    public Object get(int position) {
        if (nulls[position]) {
            return null;
        }
        return switch (schema.field(position).type()) {
            case STRING -> strings[position];
            case LONG, TIMESTAMP -> primitives[position];
            case DOUBLE -> Double.longBitsToDouble(primitives[position]);
            case BOOLEAN -> primitives[position] != 0;
        };
    }

    /**
     * The named field's value as an object.
     *
     * @throws IllegalArgumentException when the schema has no such field
     */
    public Object get(String fieldName) {
        int i = schema.indexOf(fieldName);
        if (i < 0) {
            throw new IllegalArgumentException("no field '" + fieldName + "' in schema " + schema);
        }
        return get(i);
    }

    /** The fields as a name-to-value map in schema order (nulls included). Allocates; for logging and tests. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < schema.size(); i++) {
            m.put(schema.field(i).name(), get(i));
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Event e && timestamp == e.timestamp && key.equals(e.key) && schema.equals(e.schema)
                && Arrays.equals(primitives, e.primitives) && Arrays.equals(strings, e.strings) && Arrays.equals(nulls, e.nulls);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, timestamp, Arrays.hashCode(primitives), Arrays.hashCode(strings));
    }

    @Override
    public String toString() {
        return "Event[key=" + key + ", ts=" + timestamp + ", " + toMap() + "]";
    }

    /** Builds an event, checking each value against the schema's type as it is set. Not thread-safe. */
    public static final class Builder {
        private final Schema schema;
        private EntityKey key;
        private long timestamp;
        private boolean timestampSet;
        private final long[] primitives;
        private final String[] strings;
        private final boolean[] nulls;

        private Builder(Schema schema) {
            this.schema = Objects.requireNonNull(schema, "schema");
            this.primitives = new long[schema.size()];
            this.strings = new String[schema.size()];
            this.nulls = new boolean[schema.size()];
            Arrays.fill(nulls, true);
        }

        public Builder key(EntityKey entityKey) {
            this.key = Objects.requireNonNull(entityKey, "key");
            return this;
        }

        public Builder key(String entityKey) {
            return key(new EntityKey(entityKey));
        }

        /** Event time, epoch milliseconds. */
        public Builder timestamp(long epochMillis) {
            this.timestamp = epochMillis;
            this.timestampSet = true;
            return this;
        }

        /**
         * Sets a field by name, accepting a value of the field's type: String for string; any
         * Long, Integer, Short or Byte for long and timestamp; any Number for double; Boolean for boolean;
         * null for a missing value.
         *
         * @throws InvalidInputException on an unknown field or a value of the wrong type
         */
        public Builder set(String fieldName, Object value) {
            int i = schema.indexOf(fieldName);
            if (i < 0) {
                throw new InvalidInputException("no field '" + fieldName + "' in the schema (fields: "
                        + String.join(", ", schema.fields().stream().map(Field::name).toList()) + ")");
            }
            return set(i, value);
        }

        /** Sets a field by position; see {@link #set(String, Object)}. */
        public Builder set(int position, Object value) {
            Field f = schema.field(position);
            if (value == null) {
                nulls[position] = true;
                strings[position] = null;
                primitives[position] = 0;
                return this;
            }
            switch (f.type()) {
                case STRING -> {
                    if (!(value instanceof String s)) {
                        throw wrongType(f, value);
                    }
                    strings[position] = s;
                }
                case LONG, TIMESTAMP -> {
                    if (!(value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)) {
                        throw wrongType(f, value);
                    }
                    primitives[position] = ((Number) value).longValue();
                }
                case DOUBLE -> {
                    if (!(value instanceof Number n)) {
                        throw wrongType(f, value);
                    }
                    primitives[position] = Double.doubleToRawLongBits(n.doubleValue());
                }
                case BOOLEAN -> {
                    if (!(value instanceof Boolean b)) {
                        throw wrongType(f, value);
                    }
                    primitives[position] = b ? 1 : 0;
                }
            }
            nulls[position] = false;
            return this;
        }

        /**
         * Sets a non-string field without boxing: the value of a long or timestamp, the IEEE bits of
         * a double ({@link Double#doubleToRawLongBits}), 1 or 0 for a boolean (see {@link Event#getBits}).
         *
         * @throws IllegalArgumentException when the field is a string field
         */
        public Builder setBits(int position, long bits) {
            Field f = schema.field(position);
            if (f.type() == FieldType.STRING) {
                throw new IllegalArgumentException("field '" + f.name() + "' is a string; set it with set(position, value)");
            }
            primitives[position] = f.type() == FieldType.BOOLEAN ? (bits != 0 ? 1 : 0) : bits;
            nulls[position] = false;
            return this;
        }

        private static InvalidInputException wrongType(Field f, Object value) {
            return new InvalidInputException("field '" + f.name() + "' is " + f.type().yamlName() + ", not "
                    + value.getClass().getSimpleName() + " (value: " + value + ")");
        }

        /**
         * @throws IllegalStateException when the key or the timestamp was not set
         */
        public Event build() {
            if (key == null) {
                throw new IllegalStateException("an event needs an entity key");
            }
            if (!timestampSet) {
                throw new IllegalStateException("an event needs a timestamp");
            }
            return new Event(schema, key, timestamp, primitives.clone(), strings.clone(), nulls.clone());
        }
    }
}
