package dev.freshet.online;

import dev.freshet.core.aggregate.Tile;
import dev.freshet.core.event.EntityKey;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The stored tiles of one entity in one view.
 *
 * @param lifetime the entity's lifetime tile (every event older than the retained tiles; its start is
 *                 the newest tile folded into it), or null
 * @param tiles    ordinary tiles, ascending by start
 * @param latestEventTime the latest event time of any tile the store holds for the entity in this
 *                 view, in the range asked for or not, epoch ms; {@code Long.MIN_VALUE} when it holds none
 */
public record EntityTiles(EntityKey entity, Tile lifetime, List<Tile> tiles, long latestEventTime) {

    public EntityTiles {
        Objects.requireNonNull(entity, "entity");
        tiles = List.copyOf(tiles);
    }

    public Optional<Tile> lifetimeTile() {
        return Optional.ofNullable(lifetime);
    }

    /** No tile of the entity in this view: nothing stored for it at all. */
    public static EntityTiles none(EntityKey entity) {
        return new EntityTiles(entity, null, List.of(), Long.MIN_VALUE);
    }

    /** True when the store holds some tile of the entity in this view (in the range asked for or not). */
    public boolean isKnown() {
        return latestEventTime != Long.MIN_VALUE;
    }
}
