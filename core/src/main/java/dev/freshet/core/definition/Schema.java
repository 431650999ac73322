package dev.freshet.core.definition;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The ordered fields of a source. Field positions are stable: events store their values by
 * position, and aggregates resolve a field's position once, not per event.
 */
public record Schema(List<Field> fields) {

    /**
     * Field names may not start with this: the offline store adds its own columns to archived
     * events under it (event time, Kafka partition and offset).
     */
    public static final String RESERVED_PREFIX = "_freshet_";

    public Schema {
        fields = List.copyOf(Objects.requireNonNull(fields, "fields"));
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            Integer previous = seen.put(fields.get(i).name(), i);
            if (previous != null) {
                throw new IllegalArgumentException(
                        "field '" + fields.get(i).name() + "' appears twice in the schema (positions " + previous + " and " + i + ")");
            }
        }
    }

    public static Schema of(Field... fields) {
        return new Schema(List.of(fields));
    }

    public int size() {
        return fields.size();
    }

    public Field field(int position) {
        return fields.get(position);
    }

    /** The position of the named field, or -1 when the schema has no such field. */
    public int indexOf(String name) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public Optional<Field> find(String name) {
        int i = indexOf(name);
        return i < 0 ? Optional.empty() : Optional.of(fields.get(i));
    }
}
