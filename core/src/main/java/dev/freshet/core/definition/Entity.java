package dev.freshet.core.definition;

import java.util.Objects;

/**
 * A thing features describe (a user, an item). {@code joinKey} is the field that carries its id,
 * in source events and in lookup requests ({@code "entities": {"user_id": [...]}}).
 */
public record Entity(String name, String joinKey) {

    public Entity {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(joinKey, "joinKey");
    }
}
