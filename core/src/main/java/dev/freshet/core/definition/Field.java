package dev.freshet.core.definition;

import java.util.Objects;

/** One named, typed field of a source's schema. */
public record Field(String name, FieldType type) {

    public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
