package dev.freshet.app.cli;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.KafkaConfig;
import dev.freshet.core.config.OnlineStoreConfig;
import dev.freshet.core.definition.AggregationFunction;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Durations;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.Source;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code freshet run} does with a configuration, written for the operator: where the broker
 * and the stores are, which topics it manages, which features it computes. Paths are shown
 * absolute, since relative ones resolve against the working directory and that is easy to get wrong.
 */
final class RunPlan {

    // The topic names of ARCHITECTURE.md; they move to the ingest module's topic administration when it exists.
    private static final String EVENTS_TOPIC_PREFIX = "freshet.events.";
    private static final String TILES_TOPIC_PREFIX = "freshet.tiles.";
    private static final String DEAD_LETTER_TOPIC = "freshet.dlq";

    private RunPlan() {
    }

    static void print(FreshetConfig config, PrintWriter out) {
        Definitions definitions = config.definitions();
        out.println("Plan of freshet run for project " + config.project() + ":");
        out.println("Kafka");
        out.println("  " + kafka(config.kafka()));
        out.println("Topics");
        table(out, "  ", topics(definitions));
        out.println("Feature views");
        for (FeatureView view : definitions.featureViews()) {
            featureView(out, definitions, view);
        }
        out.println("Online store");
        out.println("  " + onlineStore(config.onlineStore()));
        out.println("Offline store");
        out.println("  Parquet event archive under " + absolute(config.offlineStore().path()));
        out.println("HTTP API");
        out.println("  port " + config.api().port());
    }

    private static String kafka(KafkaConfig kafka) {
        if (kafka.isEmbedded()) {
            KafkaConfig.Embedded embedded = kafka.embedded();
            return "embedded single-node broker on 127.0.0.1:" + embedded.port() + ", data in " + absolute(embedded.dataDir());
        }
        return "external cluster at " + kafka.bootstrapServers() + " (no embedded broker)";
    }

    private static List<List<String>> topics(Definitions definitions) {
        // Several sources may read one raw topic: list it once.
        Map<String, List<String>> sourcesByTopic = new LinkedHashMap<>();
        for (Source source : definitions.sources()) {
            sourcesByTopic.computeIfAbsent(source.topic(), t -> new ArrayList<>()).add(source.name());
        }
        List<List<String>> rows = new ArrayList<>();
        sourcesByTopic.forEach((topic, sources) -> rows.add(List.of(topic,
                "raw events of source" + (sources.size() == 1 ? " " : "s ") + String.join(", ", sources))));
        for (Source source : definitions.sources()) {
            rows.add(List.of(EVENTS_TOPIC_PREFIX + source.name(), "validated events of source " + source.name()));
        }
        for (FeatureView view : definitions.featureViews()) {
            rows.add(List.of(TILES_TOPIC_PREFIX + view.name(), "tile updates of feature view " + view.name()));
        }
        rows.add(List.of(DEAD_LETTER_TOPIC, "records that fail decoding or validation, with the reason"));
        return rows;
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

    private static String onlineStore(OnlineStoreConfig store) {
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
