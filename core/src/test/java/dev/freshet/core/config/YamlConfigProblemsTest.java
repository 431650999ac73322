package dev.freshet.core.config;

import dev.freshet.core.definition.AggregationFunction;
import dev.freshet.core.definition.Durations;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.error.ConfigException;
import dev.freshet.core.error.InvalidInputException;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.freshet.core.config.ExampleConfig.assertProblem;
import static dev.freshet.core.config.ExampleConfig.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every kind of problem a {@code freshet.yaml} can have gives a message naming the file, the line,
 * the field path, the value and the rule; all the problems of a file come in one exception.
 */
class YamlConfigProblemsTest {

    /** A valid head for the definitions below it: entity on line 3, source on lines 5-7. */
    private static final String HEAD = """
            project: shop
            entities:
              - {name: user, join_key: user_id}
            sources:
              - name: clicks
                timestamp_field: ts
                schema: {user_id: string, item_id: string, price: double, ts: timestamp}
            """;

    /** {@link #HEAD} and the start of a valid view; its features start on line 14. */
    private static final String VIEW = HEAD + """
            feature_views:
              - name: v
                entity: user
                source: clicks
                tile: 1m
                features:
            """;

    // ---- YAML itself ----

    @Test
    void aSyntaxErrorNamesItsLine() {
        assertProblem("""
                project: shop
                kafka:
                  bootstrap_servers: a:9092
                   embedded: {port: 1}
                """, "f.yaml:4: not valid YAML: mapping values are not allowed here");
    }

    @Test
    void aFileOverTheCodePointLimitIsRefused() {
        String huge = "project: shop\nx: " + "a".repeat(YamlConfigLoader.CODE_POINT_LIMIT) + "\n";

        assertThatThrownBy(() -> FreshetConfig.parse(huge, "f.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("f.yaml: not valid YAML: ")
                .hasMessageContaining("exceeds the limit: " + YamlConfigLoader.CODE_POINT_LIMIT);
    }

    @Test
    void theTopLevelMustBeAMapping() {
        assertProblem("- project: shop\n", "f.yaml:1: the top level is a list, but must be a mapping of sections "
                + "(project, kafka, streams, online_store, offline_store, api, entities, sources, feature_views, models, model_store, bandits)");
        assertProblem("shop\n", "f.yaml:1: the top level is a single value, but must be a mapping of sections "
                + "(project, kafka, streams, online_store, offline_store, api, entities, sources, feature_views, models, model_store, bandits)");
    }

    @Test
    void anEmptyFileMissesItsProject() {
        assertProblem("# nothing yet\n", "f.yaml: project: is missing (name the project, e.g. project: shop)");
    }

    @Test
    void aKeyGivenTwiceIsReportedWithBothLines() {
        assertProblem("project: shop\napi: {port: 1}\nproject: other\n",
                "f.yaml:3: project: is given twice in the same mapping (first on line 1); keep one");
    }

    @Test
    void aKeyWrittenWithoutAValueIsReported() {
        assertProblem(VIEW.replace("    tile: 1m\n", "    tile: 1m\n    ttl:\n") + "      - {name: c, function: count}\n",
                "f.yaml:13: feature_views[0].ttl: has no value (write one, or leave the key out for the default)");
    }

    // ---- keys and kinds ----

    @Test
    void anUnknownKeySuggestsTheClosestAllowedOne() {
        assertProblem("project: shop\nkafka:\n  embeded: {port: 9092}\n",
                "f.yaml:3: kafka.embeded: unknown key (allowed: bootstrap_servers, embedded, partitions, replication_factor; did you mean embedded?)");
        assertProblem("project: shop\nfeature_view: []\n", "f.yaml:2: feature_view: unknown key (allowed: project, kafka, streams, "
                + "online_store, offline_store, api, entities, sources, feature_views, models, model_store, bandits; did you mean feature_views?)");
    }

    @Test
    void anUnknownKeyFarFromEveryAllowedOneListsThem() {
        assertProblem("project: shop\nkafka: {zookeeper: zk:2181}\n",
                "f.yaml:2: kafka.zookeeper: unknown key (allowed: bootstrap_servers, embedded, partitions, replication_factor)");
        assertProblem(HEAD.replace("{name: user, join_key: user_id}", "{name: user, join_key: user_id, description: x}"),
                "f.yaml:3: entities[0].description: unknown key (allowed: name, join_key)");
    }

    @Test
    void aListWhereAMappingIsExpected() {
        assertProblem("project: shop\nkafka:\n  - a:9092\n", "f.yaml:3: kafka: is a list, but must be a mapping (key: value pairs)");
    }

    @Test
    void aSingleValueWhereAMappingIsExpected() {
        assertProblem("project: shop\napi: 8080\n", "f.yaml:2: api: \"8080\" is a single value, but must be a mapping (key: value pairs)");
        assertProblem("project: shop\nentities:\n  - user\n", "f.yaml:3: entities[0]: \"user\" is a single value, but must be a mapping (key: value pairs)");
    }

    @Test
    void aMappingWhereAListIsExpected() {
        assertProblem("project: shop\nentities: {name: user, join_key: user_id}\n", "f.yaml:2: entities: is a mapping, but must be a list");
    }

    @Test
    void aCollectionWhereASingleValueIsExpected() {
        assertProblem("project: [shop]\n", "f.yaml:1: project: is a list, but must be a single value");
    }

    // ---- values ----

    @ParameterizedTest
    @CsvSource({"5x", "0.5h", "-1m", "1.5d", "60"})
    void aWindowThatIsNotADuration(String window) {
        assertProblem(VIEW + "      - {name: c, function: count, window: " + window + "}\n",
                "f.yaml:14: feature_views[0].features[0].window: \"" + window + "\" " + Durations.RULE);
    }

    @Test
    void aTileAndATtlThatAreNotDurations() {
        assertThat(problems(VIEW.replace("tile: 1m", "tile: 1 minute").replace("    features:\n", "    ttl: forever\n    features:\n")
                + "      - {name: c, function: count}\n")).containsExactly(
                "f.yaml:12: feature_views[0].tile: \"1 minute\" " + Durations.RULE,
                "f.yaml:13: feature_views[0].ttl: \"forever\" " + Durations.RULE);
    }

    @ParameterizedTest
    @CsvSource({"0", "65536", "-1", "100000"})
    void aPortOutOfRange(String port) {
        assertProblem("project: shop\nkafka:\n  embedded: {port: " + port + "}\n",
                "f.yaml:3: kafka.embedded.port: \"" + port + "\" is not a valid port (1 to 65535)");
    }

    @ParameterizedTest
    @CsvSource({"80a", "8080.0", "http", "0x1F90"})
    void aPortThatIsNotAnInteger(String port) {
        assertProblem("project: shop\napi:\n  port: " + port + "\n", "f.yaml:3: api.port: \"" + port + "\" is not an integer");
    }

    @Test
    void anUnknownFieldTypeListsTheTypes() {
        assertProblem(HEAD.replace("price: double", "price: money"),
                "f.yaml:7: sources[0].schema.price: \"money\" is not a field type (types: " + FieldType.names() + ")");
        assertProblem(HEAD.replace("price: double", "price: dobule"),
                "f.yaml:7: sources[0].schema.price: \"dobule\" is not a field type (types: " + FieldType.names() + "; did you mean double?)");
    }

    @Test
    void anUnknownFunctionListsTheFunctions() {
        assertProblem(VIEW + "      - {name: c, function: median, field: price}\n",
                "f.yaml:14: feature_views[0].features[0].function: \"median\" is not an aggregate function (functions: "
                        + AggregationFunction.names() + ")");
        assertProblem(VIEW + "      - {name: c, function: summ, field: price}\n",
                "f.yaml:14: feature_views[0].features[0].function: \"summ\" is not an aggregate function (functions: "
                        + AggregationFunction.names() + "; did you mean sum?)");
    }

    @Test
    void anUnknownSourceFormat() {
        assertProblem(HEAD.replace("    timestamp_field: ts\n", "    timestamp_field: ts\n    format: avro\n"),
                "f.yaml:7: sources[0].format: \"avro\" is not a source format (formats: json)");
    }

    @Test
    void anUnknownOnlineStoreType() {
        assertProblem("project: shop\nonline_store: {type: postgres}\n",
                "f.yaml:2: online_store.type: \"postgres\" is not an online store type (types: rocksdb, redis)");
        assertProblem("project: shop\nonline_store: {type: rocks}\n",
                "f.yaml:2: online_store.type: \"rocks\" is not an online store type (types: rocksdb, redis; did you mean rocksdb?)");
        assertProblem("project: shop\nonline_store: {type: rediss}\n",
                "f.yaml:2: online_store.type: \"rediss\" is not an online store type (types: rocksdb, redis; did you mean redis?)");
    }

    @ParameterizedTest
    @CsvSource({"http://127.0.0.1:6379", "redis://", "127.0.0.1:6379", "redis://host:99999", "redis://ho st"})
    void aRedisUriThatIsNotOne(String uri) {
        assertProblem("project: shop\nonline_store:\n  type: redis\n  uri: \"" + uri + "\"\n",
                "f.yaml:4: online_store.uri: \"" + uri + "\" is not a Redis URI (write redis://host:port, or rediss://host:port for TLS, "
                        + "e.g. redis://127.0.0.1:6379)");
    }

    @Test
    void aKeyOfTheOtherOnlineStoreType() {
        assertProblem("project: shop\nonline_store: {uri: redis://h:6379}\n",
                "f.yaml:2: online_store.uri: only applies to type redis (the type here is rocksdb, the default; write type: redis or remove uri)");
        assertProblem("project: shop\nonline_store: {type: redis, uri: redis://h:6379, path: ./x}\n",
                "f.yaml:2: online_store.path: only applies to type rocksdb (the type here is redis; write type: rocksdb or remove path)");
    }

    @Test
    void aQuantileThatIsNotANumber() {
        assertProblem(VIEW + "      - {name: p, function: quantile, field: price, quantile: high}\n",
                "f.yaml:14: feature_views[0].features[0].quantile: \"high\" is not a number");
    }

    @Test
    void anEmptyBootstrapServers() {
        assertProblem("project: shop\nkafka: {bootstrap_servers: \"\"}\n",
                "f.yaml:2: kafka.bootstrap_servers: \"\" is empty (write host:port[,host:port...], or leave it out for the embedded broker)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"broker", "a:9092,,b:9092", "a:9092;b:9092", "a:99999"})
    void bootstrapServersThatAreNotBrokers(String servers) {
        assertProblem("project: shop\nkafka: {bootstrap_servers: \"" + servers + "\"}\n",
                "f.yaml:2: kafka.bootstrap_servers: \"" + servers
                        + "\" is not a list of brokers (write host:port[,host:port...], e.g. broker1:9092,broker2:9092)");
    }

    @Test
    void aBlankPath() {
        assertProblem("project: shop\noffline_store: {path: \" \"}\n", "f.yaml:2: offline_store.path: \" \" is empty (give a directory, e.g. ./data)");
    }

    @Test
    void aProjectNameThatCannotPrefixKafkaIds() {
        assertProblem("project: my shop\n", "f.yaml:1: project: \"my shop\" is not a valid project name "
                + "(1 to 100 of letters, digits, '.', '_' and '-'; it prefixes Kafka application ids)");
    }

    // ---- missing keys ----

    @Test
    void missingKeysOfEntitiesAndSources() {
        assertThat(problems("""
                project: shop
                entities:
                  - {join_key: user_id}
                  - {name: item}
                sources:
                  - {name: clicks}
                  - topic: views
                    timestamp_field: ts
                    schema: {ts: long}
                """)).containsExactly(
                "f.yaml:3: entities[0].name: is missing",
                "f.yaml:4: entities[1].join_key: is missing (the field holding the entity's id, e.g. join_key: user_id)",
                "f.yaml:6: sources[0].timestamp_field: is missing (the schema field holding event time, e.g. timestamp_field: ts)",
                "f.yaml:6: sources[0].schema: is missing (list the fields of the events, e.g. schema: {user_id: string, ts: timestamp})",
                "f.yaml:7: sources[1].name: is missing");
    }

    @Test
    void missingKeysOfViewsAndFeatures() {
        assertThat(problems(HEAD + """
                feature_views:
                  - {name: a, source: clicks, features: [{name: c, function: count}]}
                  - {entity: user, tile: 1m, features: [{function: count}, {name: d}]}
                  - {name: b, entity: user, source: clicks, tile: 1m}
                """)).containsExactly(
                "f.yaml:9: feature_views[0].entity: is missing (the entity the features describe, e.g. entity: user)",
                "f.yaml:9: feature_views[0].tile: is missing (the length of the view's tiles, e.g. tile: 1m; windows are multiples of it)",
                "f.yaml:10: feature_views[1].name: is missing",
                "f.yaml:10: feature_views[1].source: is missing (the source the features aggregate, e.g. source: clicks)",
                "f.yaml:10: feature_views[1].features[0].name: is missing",
                "f.yaml:10: feature_views[1].features[1].function: is missing (functions: " + AggregationFunction.names() + ")",
                "f.yaml:11: feature_views[2].features: is missing (a feature view needs at least one feature)");
    }

    // ---- semantic rules, located ----

    @Test
    void semanticProblemsAreLocatedByTheirPath() {
        assertThat(problems(HEAD.replace("price: double", "1price: double") + """
                  - {name: clicks, timestamp_field: ts, schema: {ts: long}}
                feature_views:
                  - name: v
                    entity: item
                    source: clicks
                    tile: 1m
                    features:
                      - {name: c, function: count, window: 90s}
                      - {name: s, function: sum}
                      - {name: q, function: quantile, field: 1price}
                """)).containsExactly(
                "f.yaml:7: sources[0].schema.1price: \"1price\" is not a valid name (letters, digits and _, starting with a letter or _)",
                "f.yaml:8: sources[1].name: \"clicks\" is defined twice (source names must be unique)",
                "f.yaml:11: feature_views[0].entity: \"item\" is not a defined entity (entities: user)",
                "f.yaml:15: feature_views[0].features[0].window: \"90s\" is not a multiple of the view's tile 1m",
                // a path the file does not have (no field key) takes the line of its closest parent
                "f.yaml:16: feature_views[0].features[1].field: is missing (function sum aggregates a field)",
                "f.yaml:17: feature_views[0].features[2].quantile: is missing (function quantile needs a rank, e.g. quantile: 0.95)");
    }

    @Test
    void problemsThatOnlyFollowFromAnotherAreNotReported() {
        // without the unreadable ts, timestamp_field would be "not a field of the schema"; the view's
        // checks against clicks' schema, the rank 0.5 of an unknown function, and the missing rank of
        // an unreadable one would all restate the same three mistakes
        assertThat(problems(HEAD.replace("ts: timestamp", "ts: instant") + """
                feature_views:
                  - name: v
                    entity: user
                    source: clicks
                    tile: 1m
                    features:
                      - {name: s, function: sum, field: price, window: 5x}
                      - {name: q, function: quantile, field: price, quantile: high}
                      - {name: m, function: median, field: price, quantile: 0.5}
                """)).containsExactly(
                "f.yaml:7: sources[0].schema.ts: \"instant\" is not a field type (types: " + FieldType.names() + ")",
                "f.yaml:14: feature_views[0].features[0].window: \"5x\" " + Durations.RULE,
                "f.yaml:15: feature_views[0].features[1].quantile: \"high\" is not a number",
                "f.yaml:16: feature_views[0].features[2].function: \"median\" is not an aggregate function (functions: "
                        + AggregationFunction.names() + ")");
    }

    @Test
    void everyProblemOfAFileIsReportedTogetherInLineOrder() {
        String yaml = """
                project: shop
                kafka:
                  embeded: {port: 9092}
                online_store: {type: redis, uri: "http://cache"}
                api: {port: 70000}
                entities:
                  - {name: user, join_key: user_id}
                sources:
                  - name: clicks
                    timestamp_field: ts
                    schema: {user_id: string, item_id: string, price: double, ts: timestamp}
                feature_views:
                  - name: v
                    entity: user
                    source: clicks
                    tile: 1m
                    features:
                      - {name: c, function: count, window: 5x}
                      - {name: s, function: sum, field: item_id, window: 1h}
                """;

        assertThatThrownBy(() -> FreshetConfig.parse(yaml, "freshet.yaml"))
                .isInstanceOf(ConfigException.class)
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("5 configuration problems:\n  - freshet.yaml:3: kafka.embeded")
                .extracting(e -> ((ConfigException) e).problems())
                .asInstanceOf(InstanceOfAssertFactories.list(String.class))
                .containsExactly(
                        "freshet.yaml:3: kafka.embeded: unknown key (allowed: bootstrap_servers, embedded, partitions, replication_factor; did you mean embedded?)",
                        "freshet.yaml:4: online_store.uri: \"http://cache\" is not a Redis URI (write redis://host:port, "
                                + "or rediss://host:port for TLS, e.g. redis://127.0.0.1:6379)",
                        "freshet.yaml:5: api.port: \"70000\" is not a valid port (1 to 65535)",
                        "freshet.yaml:18: feature_views[0].features[0].window: \"5x\" " + Durations.RULE,
                        "freshet.yaml:19: feature_views[0].features[1].function: \"sum\" does not apply to field 'item_id' "
                                + "of type string (it needs a numeric field: long, double or timestamp)");
    }

    @Test
    void aVeryLongDurationIsNotADuration() {
        assertProblem(VIEW + "      - {name: c, function: count, window: 999999999999w}\n",
                "f.yaml:14: feature_views[0].features[0].window: \"999999999999w\" " + Durations.RULE);
    }
}
