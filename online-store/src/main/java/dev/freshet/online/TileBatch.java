package dev.freshet.online;

import dev.freshet.core.aggregate.TileKey;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one {@link OnlineStore#putTiles} call writes: tiles (encoded by the view's
 * {@link dev.freshet.core.aggregate.ViewAggregator}), removals, and the next offset of each tile-topic
 * partition the batch covers. Writes are applied in order, so a removal after a put of the same key
 * removes it.
 */
public final class TileBatch {

    /** One write: a tile, or a removal when {@code tile} is null. */
    public record Write(TileKey key, byte[] tile) {
        public Write {
            Objects.requireNonNull(key, "key");
        }

        public boolean isRemoval() {
            return tile == null;
        }
    }

    private final List<Write> writes;
    private final Map<TilePartition, Long> offsets;

    private TileBatch(List<Write> writes, Map<TilePartition, Long> offsets) {
        this.writes = Collections.unmodifiableList(writes);
        this.offsets = Collections.unmodifiableMap(offsets);
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Write> writes() {
        return writes;
    }

    /** The next offset to consume per partition once this batch is written. */
    public Map<TilePartition, Long> offsets() {
        return offsets;
    }

    public boolean isEmpty() {
        return writes.isEmpty() && offsets.isEmpty();
    }

    @Override
    public String toString() {
        return "TileBatch[" + writes.size() + " writes, offsets " + offsets + "]";
    }

    /** Collects a batch; not thread-safe. */
    public static final class Builder {
        private final List<Write> writes = new ArrayList<>();
        private final Map<TilePartition, Long> offsets = new LinkedHashMap<>();

        private Builder() {
        }

        /** A tile, as {@link dev.freshet.core.aggregate.ViewAggregator#encode} wrote it. */
        public Builder put(TileKey key, byte[] tile) {
            writes.add(new Write(key, Objects.requireNonNull(tile, "tile")));
            return this;
        }

        /** Removes a tile (the tombstone of a closed tile). */
        public Builder remove(TileKey key) {
            writes.add(new Write(key, null));
            return this;
        }

        /** Records that the partition has been consumed up to (not including) {@code nextOffset}. */
        public Builder offset(TilePartition partition, long nextOffset) {
            if (nextOffset < 0) {
                throw new IllegalArgumentException("next offset " + nextOffset + " of " + partition + " is negative");
            }
            offsets.merge(partition, nextOffset, Math::max);
            return this;
        }

        public int size() {
            return writes.size();
        }

        public TileBatch build() {
            return new TileBatch(new ArrayList<>(writes), new LinkedHashMap<>(offsets));
        }
    }
}
