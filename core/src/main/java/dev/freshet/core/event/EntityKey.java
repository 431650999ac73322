package dev.freshet.core.event;

import java.util.Objects;

/**
 * The id of one entity instance (a user id), in its canonical string form: strings as they are,
 * numbers in decimal. Used as the Kafka record key and in online-store keys.
 */
public record EntityKey(String value) implements Comparable<EntityKey> {

    public EntityKey {
        Objects.requireNonNull(value, "an entity key value must not be null");
    }

    public static EntityKey of(String value) {
        return new EntityKey(value);
    }

    @Override
    public int compareTo(EntityKey o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
