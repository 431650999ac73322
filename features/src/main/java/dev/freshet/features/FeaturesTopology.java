package dev.freshet.features;

import dev.freshet.core.aggregate.ViewAggregator;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Entity;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.Source;
import dev.freshet.core.event.Event;
import dev.freshet.core.event.EventJson;
import dev.freshet.core.event.InvalidEventException;
import dev.freshet.ingest.stream.Retention;
import dev.freshet.ingest.topic.Topics;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The features part of the pipeline: per feature view, the canonical events of its source, keyed
 * by the view's entity (re-keyed through a repartition topic when the source's events are keyed by
 * another entity), aggregated into tiles in RocksDB-backed state, published to
 * {@code freshet.tiles.<view>}.
 *
 * <h2>The tiles topic</h2>
 * Compacted. Key: {@link dev.freshet.core.aggregate.TileKey} text, {@code <view>|<tile start>|<entity>}
 * or {@code <view>|lifetime|<entity>}; value: the tile encoded by the view's
 * {@link ViewAggregator} (versioned; the full state of the tile, so applying it is idempotent),
 * or null when a closed tile leaves the topic. Partitioned by entity (murmur2 of the entity key,
 * as the events topic), so one entity's tiles share a partition.
 *
 * <p>A lifetime prefix holds every event of the tiles folded into it, and starts at the newest of
 * them: a reader adds it to the ordinary tiles that start after it, and ignores ordinary tiles
 * that start at or before it (their deletion may still be on its way).
 */
public final class FeaturesTopology {

    /** Decoded tiles kept in memory per view and task, in front of the RocksDB store. */
    static final int TILE_CACHE_SIZE = 20_000;

    private FeaturesTopology() {
    }

    /** Adds the features nodes of every view of the configuration to {@code builder}. */
    public static void addTo(StreamsBuilder builder, FreshetConfig config, FeatureCounters counters) {
        addTo(builder, config, counters, TILE_CACHE_SIZE);
    }

    /** The same, with {@code tileCacheSize} decoded tiles kept in memory per view and task (tests use a tiny cache, so that tiles are read back from the store). */
    static void addTo(StreamsBuilder builder, FreshetConfig config, FeatureCounters counters, int tileCacheSize) {
        Objects.requireNonNull(builder, "builder");
        Objects.requireNonNull(counters, "counters");
        Definitions defs = config.definitions();
        // one for the topology: shared by every view's processors, each stream thread keeping its own time
        CommitRequests commits = new CommitRequests(config.streams().commitInterval());
        for (Source source : defs.sources()) {
            List<FeatureView> views = defs.viewsOf(source);
            if (views.isEmpty()) {
                continue;
            }
            String keyField = defs.keyEntityOf(source).map(Entity::joinKey).orElseThrow();
            KStream<byte[], byte[]> events = builder.stream(Topics.events(source.name()),
                    Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("features." + source.name() + ".events"));
            // canonical events carry the key field, so the raw record key plays no part any more
            Source canonical = new Source(source.name(), source.topic(), source.format(), source.timestampField(), source.schema());
            for (FeatureView view : views) {
                Entity entity = defs.entityOf(view);
                EventJson json = EventJson.of(canonical, entity.joinKey());
                KStream<byte[], byte[]> in = events;
                if (!entity.joinKey().equals(keyField)) {
                    // events without this entity's key have nothing to add to its tiles
                    in = events.selectKey((k, v) -> entityKey(json, v), Named.as("features." + view.name() + ".rekey"))
                            .filter((k, v) -> k != null, Named.as("features." + view.name() + ".keyed"))
                            .repartition(Repartitioned.<byte[], byte[]>with(Serdes.ByteArray(), Serdes.ByteArray())
                                    .withName("features." + view.name() + ".by-" + entity.name()));
                }
                ViewAggregator aggregator = ViewAggregator.of(defs, view);
                long retention = Retention.of(view, config.streams().grace());
                in.process(new Supplier(aggregator, json, retention, config, commits, counters, tileCacheSize), Named.as("features." + view.name()))
                        .to(Topics.tiles(view.name()), Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
                                .withName("features." + view.name() + ".publish").withStreamPartitioner(new ByEntity()));
            }
        }
    }

    private static byte[] entityKey(EventJson json, byte[] value) {
        try {
            Event e = json.decode(value);
            return e.key().value().isEmpty() ? null : e.key().value().getBytes(StandardCharsets.UTF_8);
        } catch (InvalidEventException e) {
            return null;
        }
    }

    /**
     * How often changed tiles are published: a quarter of the commit interval (at least 10 ms), so that
     * a tile changed early in an interval is published before that interval's commit rather than, out of
     * phase with it, just after (which cost a whole extra interval of staleness).
     */
    static Duration publishInterval(Duration commitInterval) {
        return Duration.ofMillis(Math.max(10, commitInterval.toMillis() / 4));
    }

    private record Supplier(ViewAggregator aggregator, EventJson json, long retention, FreshetConfig config,
                            CommitRequests commits, FeatureCounters counters, int tileCacheSize) implements ProcessorSupplier<byte[], byte[], byte[], byte[]> {
        @Override
        public Processor<byte[], byte[], byte[], byte[]> get() {
            return new TileProcessor(aggregator, json, retention, publishInterval(config.streams().commitInterval()), commits, stores(aggregator),
                    counters, tileCacheSize);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return stores(aggregator).builders();
        }

        private static ViewStores stores(ViewAggregator aggregator) {
            return ViewStores.of(aggregator.view().name(), aggregator.view().features().stream().anyMatch(f -> f.isLifetime()));
        }
    }

    /** Partitions tile records by their entity, with the hash Kafka's default partitioner applies to the events' keys. */
    static final class ByEntity implements StreamPartitioner<byte[], byte[]> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, byte[] key, byte[] value, int numPartitions) {
            int bars = 0;
            int i = 0;
            while (i < key.length && bars < 2) {
                if (key[i++] == '|') {
                    bars++;
                }
            }
            byte[] entity = java.util.Arrays.copyOfRange(key, i, key.length);
            return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(entity)) % numPartitions));
        }
    }
}
