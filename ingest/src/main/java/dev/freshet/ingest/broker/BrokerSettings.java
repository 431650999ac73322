package dev.freshet.ingest.broker;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The server configuration of the embedded single-node broker (KRaft, broker and controller in one). */
final class BrokerSettings {

    static final int NODE_ID = 1;
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    /**
     * Partitions of the internal offsets and transaction topics. Kafka's 50 partitions cost a
     * second or more when the first consumer group or transactional producer appears; one node
     * gains nothing from them.
     */
    private static final int INTERNAL_TOPIC_PARTITIONS = 4;

    private BrokerSettings() {
    }

    static Map<String, String> of(int port, int controllerPort, Path logDir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        // A static quorum: the controller's address is configuration, not data (see BrokerDirectory).
        p.put("controller.quorum.voters", NODE_ID + "@" + Ports.HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + Ports.HOST + ":" + port + "," + CONTROLLER_LISTENER + "://" + Ports.HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + Ports.HOST + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("metadata.log.dir", logDir.toString());

        // One node: every replication factor and min ISR is 1, or internal topics cannot be created.
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));
        // Kafka Streams exactly_once_v2 needs the transaction coordinator and its state log.
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));

        // A consumer group with one member need not wait for others to join.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Freshet creates its topics with the intended partitions and configs; a typo must not create one.
        p.put("auto.create.topics.enable", "false");
        // The log cleaner (compacted tiles and offsets topics) would take a 128 MiB heap buffer.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(32 * 1024 * 1024));
        // Fewer threads than a production broker's defaults: one local client workload.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "4");
        return p;
    }
}
