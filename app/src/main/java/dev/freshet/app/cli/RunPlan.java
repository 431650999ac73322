package dev.freshet.app.cli;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.KafkaConfig;
import dev.freshet.core.config.OnlineStoreConfig;
import dev.freshet.core.definition.AggregationFunction;
import dev.freshet.core.definition.Definitions;
import dev.freshet.bandits.Policies;
import dev.freshet.bandits.stream.RewardJoin;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.Durations;
import dev.freshet.core.definition.RewardSpec;
import dev.freshet.core.definition.LabelSpec;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.definition.ModelVersion;
import dev.freshet.learners.Learners;
import dev.freshet.learners.stream.TrainingStream;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.features.Pipeline;
import dev.freshet.ingest.topic.TopicSpec;
import dev.freshet.ingest.topic.Topics;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code freshet run} does with a configuration, written for the operator: where the broker
 * and the stores are, which topics it manages, which features it computes. Paths are shown
 * absolute, since relative ones resolve against the working directory and that is easy to get wrong.
 */
final class RunPlan {

    private RunPlan() {
    }

    /**
     * Prints the plan.
     *
     * @throws dev.freshet.core.error.ConfigException when a source's raw topic has the name of a topic Freshet writes
     */
    static void print(FreshetConfig config, PrintWriter out) {
        Definitions definitions = config.definitions();
        List<TopicSpec> topics = Topics.plan(config);
        out.println("Plan of freshet run for project " + config.project() + ":");
        out.println("Kafka");
        out.println("  " + kafka(config.kafka()));
        out.println("Topics (created when missing, with " + config.kafka().partitions() + " partitions; existing ones are kept)");
        table(out, "  ", topics.stream().map(t -> List.of(t.name(), t.purpose())).toList());
        out.println("Streaming pipeline");
        out.println("  Kafka Streams application " + Pipeline.applicationId(config) + ", exactly once, state in "
                + absolute(config.streams().stateDir()) + ", commit every " + Durations.format(config.streams().commitInterval()));
        out.println("Feature views");
        for (FeatureView view : definitions.featureViews()) {
            featureView(out, definitions, view);
        }
        out.println("Online store");
        out.println("  " + onlineStore(config.onlineStore()) + ", filled from the tile topics (consumer group "
                + config.project() + "-online-store, read_committed)");
        out.println("HTTP API");
        out.println("  " + config.api().host() + ":" + config.api().port() + ": /get-online-features, /push"
                + (config.models().isEmpty() ? "" : ", /predict") + (config.bandits().isEmpty() ? "" : ", /decide, /reward")
                + ", /health, /metrics, /registry"
                + " (at most " + config.api().maxEntities() + " entities per lookup"
                + (config.api().eventLoops() == 0 ? "" : "; " + config.api().eventLoops() + " event loop" + (config.api().eventLoops() == 1 ? "" : "s"))
                + ")");
        out.println("Offline store");
        out.println("  Parquet event archive under " + absolute(config.offlineStore().path()) + ", from the canonical events topics"
                + " (read_committed), committed every " + Durations.format(config.offlineStore().flushInterval()));
        out.println("  Arrow Flight server of training sets on " + config.offlineStore().flightHost() + ":"
                + config.offlineStore().flightPort());
        if (!config.models().isEmpty()) {
            models(config, out);
        }
        if (!config.bandits().isEmpty()) {
            bandits(config, out);
        }
    }

    private static void bandits(FreshetConfig config, PrintWriter out) {
        out.println("Bandits (reward join: Kafka Streams application " + RewardJoin.applicationId(config)
                + ", exactly once; checkpoints under " + absolute(config.modelStore().path()) + ")");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("bandit", "policy", "actions", "context", "rewards", "publish"));
        for (BanditDefinition b : config.bandits()) {
            RewardSpec r = b.reward();
            rows.add(List.of(b.name(), b.policy().yamlName() + " (" + Policies.describe(b) + ")",
                    b.actions().isEmpty() ? "sent per request" : String.join(", ", b.actions()) + (routes(config, b) ? " (splits /predict)" : ""),
                    b.contextFeatures().size() + " features, " + b.context().size() + " fields",
                    r.source() + "." + r.field() + " by " + r.joinKey() + " (" + r.aggregate().yamlName() + ") within "
                            + Durations.format(r.window()) + " (else " + r.defaultReward() + "), and POST /reward",
                    "every " + Durations.format(b.publishInterval())));
        }
        table(out, "  ", rows);
    }

    /** Whether a bandit's actions are all models or versions of them: it chooses which scores {@code /predict}. */
    private static boolean routes(FreshetConfig config, BanditDefinition b) {
        List<String> models = config.models().stream().map(ModelDefinition::name).toList();
        return !b.actions().isEmpty() && b.actions().stream().allMatch(a -> models.contains(a) || ModelVersion.parse(a, models).isPresent());
    }

    private static void models(FreshetConfig config, PrintWriter out) {
        out.println("Models (label join: Kafka Streams application " + TrainingStream.applicationId(config)
                + ", exactly once; checkpoints under " + absolute(config.modelStore().path()) + ", with the latest "
                + config.modelStore().keepVersions() + " versions)");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("model", "learner", "inputs", "labels", "publish"));
        for (ModelDefinition m : config.models()) {
            LabelSpec l = m.label();
            rows.add(List.of(m.name(), m.learner().yamlName() + " (" + Learners.describe(m.options()) + ")",
                    m.features().size() + " features, " + m.context().size() + " context, " + m.interactions().size() + " crossed",
                    l.source() + "." + l.field() + " by " + l.joinKey() + " within " + Durations.format(l.window())
                            + " (else " + l.defaultLabel() + ")",
                    "every " + Durations.format(m.publishInterval())));
        }
        table(out, "  ", rows);
    }

    private static String kafka(KafkaConfig kafka) {
        if (kafka.isEmbedded()) {
            KafkaConfig.Embedded embedded = kafka.embedded();
            return "embedded single-node broker on 127.0.0.1:" + embedded.port() + ", data in " + absolute(embedded.dataDir());
        }
        return "external cluster at " + kafka.bootstrapServers() + " (no embedded broker)";
    }

    private static void featureView(PrintWriter out, Definitions definitions, FeatureView view) {
        out.println("  " + view.name() + ": entity " + view.entity() + " (join key " + definitions.entityOf(view).joinKey()
                + "), source " + view.source() + ", tile " + Durations.format(view.tile())
                + ", " + (view.ttl() == null ? "no ttl" : "ttl " + Durations.format(view.ttl())));
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("feature", "function", "field", "window"));
        for (FeatureDefinition feature : view.features()) {
            rows.add(List.of(feature.name(), function(feature), feature.field() == null ? "-" : feature.field(),
                    feature.isLifetime() ? "lifetime" : Durations.format(feature.window())));
        }
        table(out, "    ", rows);
    }

    private static String function(FeatureDefinition feature) {
        String name = feature.function().yamlName();
        return feature.function() == AggregationFunction.QUANTILE ? name + "(" + feature.quantile() + ")" : name;
    }

    static String onlineStore(OnlineStoreConfig store) {
        return switch (store) {
            case OnlineStoreConfig.RocksDb rocksDb -> "RocksDB in " + absolute(rocksDb.path());
            case OnlineStoreConfig.Redis redis -> "Redis at " + withoutPassword(redis.uri());
        };
    }

    /** The URI with its password masked: the plan ends up in terminals and logs. */
    static String withoutPassword(URI uri) {
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) {
            return uri.toString();
        }
        // redis://secret@host and redis://:secret@host carry only a password; redis://user:secret@host both.
        int colon = userInfo.indexOf(':');
        String masked = colon < 0 ? "****" : userInfo.substring(0, colon + 1) + "****";
        return uri.toString().replace(userInfo + "@", masked + "@");
    }

    private static Path absolute(Path path) {
        return path.toAbsolutePath().normalize();
    }

    /** Rows as left-aligned columns; the last column is not padded. */
    private static void table(PrintWriter out, String indent, List<List<String>> rows) {
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int c = 0; c < row.size(); c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int c = 0; c < row.size(); c++) {
                line.append(row.get(c));
                if (c < row.size() - 1) {
                    line.append(" ".repeat(widths[c] - row.get(c).length() + 2));
                }
            }
            out.println(line);
        }
    }
}
