package dev.freshet.ingest.stream;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Source;
import dev.freshet.core.event.EventJson;
import dev.freshet.ingest.topic.Topics;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

import java.util.Objects;

/**
 * The ingest part of the pipeline: per source, raw topic → decode and validate →
 * {@code freshet.events.<source>} (keyed by the entity key, canonical JSON) or {@code freshet.dlq}.
 * Every raw record is forwarded to exactly one of the two, in the same transaction as its offset
 * under exactly-once processing.
 *
 * <p>Node and store names are fixed by source name ({@code ingest.<source>...}), so adding a
 * source or a view does not rename the state of the others.
 */
public final class IngestTopology {

    private IngestTopology() {
    }

    /** The state store holding a source's stream time (the latest event time accepted), per task. */
    public static String streamTimeStore(String source) {
        return "ingest." + source + ".stream-time";
    }

    /** Adds the ingest nodes of every source of the configuration to {@code topology}. */
    public static void addTo(Topology topology, FreshetConfig config, IngestCounters counters) {
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(counters, "counters");
        Definitions defs = config.definitions();
        for (Source source : defs.sources()) {
            String name = "ingest." + source.name();
            String raw = name + ".raw";
            String events = name + ".events";
            String dead = name + ".dlq";
            String store = streamTimeStore(source.name());
            EventJson json = EventJson.of(defs, source);
            long retention = Retention.ofSource(defs, source, config.streams().grace());
            topology.addSource(raw, new ByteArrayDeserializer(), new ByteArrayDeserializer(), source.topic());
            topology.addProcessor(name, () -> new IngestProcessor(source, json, config.streams().maxClockSkew(), retention,
                    store, events, dead, counters), raw);
            topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(store), Serdes.String(), Serdes.Long())
                    .withCachingEnabled(), name);
            topology.addSink(events, Topics.events(source.name()), new ByteArraySerializer(), new ByteArraySerializer(), name);
            topology.addSink(dead, Topics.DLQ, new ByteArraySerializer(), new ByteArraySerializer(), name);
        }
    }
}
