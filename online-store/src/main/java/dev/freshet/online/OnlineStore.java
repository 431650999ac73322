package dev.freshet.online;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.OnlineStoreConfig;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.core.feature.FeatureVector;

import java.util.List;
import java.util.Map;

/**
 * Where the freshest tiles of every feature view are served from: a store of encoded tiles keyed by
 * view, entity and tile start, and the read that merges a window's tiles into feature values with
 * the core aggregation library (so online and offline values agree by construction).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #putTiles} is idempotent: a tile replaces the stored one only when its version is
 *       higher, so replaying the tile topics never moves a value backwards. Removals (the tombstones of
 *       closed tiles) and the tile-topic offsets the batch covers are written with the tiles.</li>
 *   <li>{@link #read} returns, per entity, the values at {@code now} of the requested features (events
 *       with {@code ts < now}), with Feast's statuses: {@code NOT_FOUND} when the entity has no tile
 *       of the view, {@code OUTSIDE_MAX_AGE} (value null) when its latest event is older than the
 *       view's {@code ttl}, {@code NULL_VALUE} when the window holds no value, else {@code PRESENT}.</li>
 *   <li>{@link #sweep} removes the tiles no window can read any more at or after {@code now}.</li>
 * </ul>
 * Implementations are thread-safe: any number of readers, and writes from one sink at a time.
 * {@link #close()} is idempotent; any other call after it throws {@link IllegalStateException}.
 */
public interface OnlineStore extends AutoCloseable {

    /**
     * Opens the store the configuration names: RocksDB in {@code online_store.path} (created when
     * missing) or Redis at {@code online_store.uri}.
     *
     * @throws dev.freshet.core.error.TransientException when the directory is locked by another
     *         process or Redis cannot be reached (try again)
     */
    static OnlineStore open(FreshetConfig config) {
        return switch (config.onlineStore()) {
            case OnlineStoreConfig.RocksDb r -> RocksDbOnlineStore.open(config, r);
            case OnlineStoreConfig.Redis r -> RedisOnlineStore.open(config, r);
        };
    }

    /** Writes a batch of tiles and removals, and records the offsets it covers; see the class contract. */
    void putTiles(TileBatch batch);

    /**
     * The tiles of some entities of one view: for each entity, in the order given, its lifetime tile
     * (if any) and its ordinary tiles that start at or after {@code fromTile}, ascending by start.
     *
     * @param fromTile the earliest tile start wanted, epoch ms ({@link dev.freshet.core.aggregate.TileKey#LIFETIME} for all)
     * @throws dev.freshet.core.error.InvalidInputException when the view is not defined
     */
    List<EntityTiles> getTiles(String view, List<EntityKey> entities, long fromTile);

    /**
     * The values of some features at {@code now} for some entities, one vector per entity in the order
     * given, the features in the order given. Every feature must belong to a view of the same entity.
     *
     * @param now the lookup time, epoch ms: values aggregate the events strictly before it
     * @throws dev.freshet.core.error.InvalidInputException naming an unknown view or feature, or features of different entities
     */
    List<FeatureVector> read(List<FeatureRef> features, List<EntityKey> entities, long now);

    /**
     * The next tile-topic offset to consume per partition, as written by {@link #putTiles}; empty for
     * a new store. A stored offset is only ever raised (a replayed batch cannot move it back), so a
     * store must be wiped when its tile topics are deleted and created again.
     */
    Map<TilePartition, Long> offsets();

    /**
     * Removes the ordinary tiles of views without lifetime features that no window can read at or
     * after {@code now}: tiles ending more than the view's longest window (or its ttl, if longer) before
     * {@code now}. Views with lifetime features keep their tiles until the features topology closes
     * them (its tombstones).
     *
     * @return how many tiles were removed
     */
    long sweep(long now);

    /** Releases the store; idempotent. */
    @Override
    void close();
}
