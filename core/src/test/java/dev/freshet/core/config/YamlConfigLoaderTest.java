package dev.freshet.core.config;

import dev.freshet.core.definition.AggregationFunction;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.definition.Source;
import dev.freshet.core.definition.SourceFormat;
import dev.freshet.core.error.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Valid configurations load to exactly the records they describe. */
class YamlConfigLoaderTest {

    @Test
    void theExampleLoadsToTheExpectedRecords() {
        FreshetConfig config = FreshetConfig.parse(ExampleConfig.YAML, "freshet.yaml");

        assertThat(config).isEqualTo(ExampleConfig.EXPECTED);
        // the record equality above covers every field; these spell out the ones a slip would most likely break
        assertThat(config.kafka().isEmbedded()).isTrue();
        assertThat(config.kafka().embedded().dataDir()).isEqualTo(Path.of("./data/kafka"));
        assertThat(config.definitions().sources().get(0).schema().fields()).extracting(Field::name)
                .containsExactly("user_id", "item_id", "price", "ts");
        assertThat(config.definitions().featureViews().get(0).features()).extracting(FeatureDefinition::name)
                .containsExactly("clicks_5m", "spend_1h", "avg_price_1d", "max_price_1h", "last_item", "items_1d", "clicks_total");
        assertThat(config.definitions().featureViews().get(0).features().get(4).isLifetime()).isTrue();
    }

    @Test
    void theRepositoryFreshetYamlIsTheExample() throws Exception {
        // surefire runs in the module directory; the example sits at the repository root
        Path file = Path.of("..", "freshet.yaml");

        assertThat(FreshetConfig.load(file)).isEqualTo(ExampleConfig.EXPECTED);
        assertThat(Files.readString(file)).isEqualTo(ExampleConfig.YAML);
    }

    @Test
    void loadReadsAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("freshet.yaml"), ExampleConfig.YAML);

        assertThat(FreshetConfig.load(file)).isEqualTo(ExampleConfig.EXPECTED);
    }

    @Test
    void aConfigWithOnlyAProjectTakesEveryDefault() {
        FreshetConfig config = FreshetConfig.parse("project: shop\n", "f.yaml");

        assertThat(config.project()).isEqualTo("shop");
        assertThat(config.kafka()).isEqualTo(KafkaConfig.defaults());
        assertThat(config.onlineStore()).isEqualTo(OnlineStoreConfig.defaults());
        assertThat(config.offlineStore()).isEqualTo(OfflineStoreConfig.defaults());
        assertThat(config.api()).isEqualTo(ApiConfig.defaults());
        assertThat(config.definitions().entities()).isEmpty();
        assertThat(config.definitions().sources()).isEmpty();
        assertThat(config.definitions().featureViews()).isEmpty();
    }

    @Test
    void emptySectionsAndKeysLeftOutTakeTheirDefaults() {
        FreshetConfig config = FreshetConfig.parse("""
                project: shop
                kafka:
                  # bootstrap_servers: broker:9092
                  embedded: {port: 19092}
                online_store: {type: rocksdb}
                offline_store: {}
                api:
                entities: []
                sources:
                feature_views: []
                """, "f.yaml");

        assertThat(config.kafka()).isEqualTo(new KafkaConfig(null, new KafkaConfig.Embedded(19092, KafkaConfig.DEFAULT_DATA_DIR)));
        assertThat(config.onlineStore()).isEqualTo(new OnlineStoreConfig.RocksDb(OnlineStoreConfig.DEFAULT_ROCKSDB_PATH));
        assertThat(config.offlineStore()).isEqualTo(OfflineStoreConfig.defaults());
        assertThat(config.api()).isEqualTo(ApiConfig.defaults());
        assertThat(config.definitions()).isEqualTo(Definitions.of(List.of(), List.of(), List.of()));
    }

    @Test
    void theOfflineStoreTakesAFlushIntervalAndAFlightEndpoint() {
        FreshetConfig config = FreshetConfig.parse("""
                project: shop
                offline_store: {path: /srv/archive, flush_interval: 5s, flight: {host: 0.0.0.0, port: 9815}}
                """, "f.yaml");

        assertThat(config.offlineStore()).isEqualTo(new OfflineStoreConfig(Path.of("/srv/archive"), Duration.ofSeconds(5), "0.0.0.0", 9815));
        assertThat(config.offlineStore().flightSpineDirs()).isEmpty();
    }

    @Test
    void theFlightServerTakesTheDirectoriesSpinesAreReadFrom() {
        FreshetConfig config = FreshetConfig.parse("""
                project: shop
                offline_store: {flight: {spine_dirs: [/srv/labels, ./spines]}}
                """, "f.yaml");

        assertThat(config.offlineStore().flightSpineDirs()).containsExactly(Path.of("/srv/labels"), Path.of("./spines"));
        assertThat(config.offlineStore().withFlightPort(0).flightSpineDirs()).containsExactly(Path.of("/srv/labels"), Path.of("./spines"));
        assertThatThrownBy(() -> FreshetConfig.parse("""
                project: shop
                offline_store: {flight: {spine_dirs: ["  ", [a]]}}
                """, "f.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("offline_store.flight.spine_dirs[0]")
                .hasMessageContaining("is empty")
                .hasMessageContaining("offline_store.flight.spine_dirs[1]");
        assertThatThrownBy(() -> FreshetConfig.parse("""
                project: shop
                offline_store: {flight: {spine_dirs: /srv/labels}}
                """, "f.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("offline_store.flight.spine_dirs");
    }

    @Test
    void badOfflineStoreSettingsNameTheField() {
        assertThatThrownBy(() -> FreshetConfig.parse("""
                project: shop
                offline_store: {flush_interval: 0s, flight: {host: "a b", port: 70000, tls: true}}
                """, "f.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("offline_store.flush_interval: \"0\" must be positive")
                .hasMessageContaining("offline_store.flight.host: \"a b\" is not a host name")
                .hasMessageContaining("offline_store.flight.port: \"70000\" is not a valid port")
                .hasMessageContaining("offline_store.flight.tls");
    }

    @Test
    void aSourceDefaultsToJsonOnATopicNamedAfterIt() {
        FreshetConfig config = FreshetConfig.parse("""
                project: shop
                sources:
                  - {name: views, timestamp_field: ts, schema: {ts: long}}
                """, "f.yaml");

        assertThat(config.definitions().sources().get(0))
                .isEqualTo(new Source("views", "views", SourceFormat.JSON,
                        "ts", Schema.of(new Field("ts", FieldType.LONG))));
    }

    @Test
    void redisAndExternalBrokers() {
        FreshetConfig config = FreshetConfig.parse("""
                project: shop
                kafka: {bootstrap_servers: "host:9092,host2:9092"}
                online_store: {type: redis, uri: redis://127.0.0.1:6379}
                """, "f.yaml");

        assertThat(config.kafka().bootstrapServers()).isEqualTo("host:9092,host2:9092");
        assertThat(config.kafka().isEmbedded()).isFalse();
        assertThat(config.kafka().embedded()).isEqualTo(KafkaConfig.defaults().embedded());
        assertThat(config.onlineStore()).isEqualTo(new OnlineStoreConfig.Redis(URI.create("redis://127.0.0.1:6379")));
    }

    @Test
    void tlsRedisWithPasswordAndDatabase() {
        FreshetConfig config = FreshetConfig.parse("""
                project: shop
                online_store: {type: redis, uri: "rediss://:secret@cache.internal:6380/2"}
                """, "f.yaml");

        assertThat(config.onlineStore()).isEqualTo(new OnlineStoreConfig.Redis(URI.create("rediss://:secret@cache.internal:6380/2")));
    }

    @Test
    void aQuantileFeature() {
        FreshetConfig config = FreshetConfig.parse(ExampleConfig.YAML
                + "      - {name: p95_price_1h, function: quantile, field: price, quantile: 0.95, window: 1h}\n", "f.yaml");

        assertThat(config.definitions().featureViews().get(0).feature("p95_price_1h")).contains(
                new FeatureDefinition("p95_price_1h", AggregationFunction.QUANTILE, "price", Duration.ofHours(1), 0.95));
    }

    @Test
    void fieldTypesAcceptTheirAliases() {
        FreshetConfig config = FreshetConfig.parse("""
                project: shop
                sources:
                  - name: s
                    timestamp_field: ts
                    schema: {a: str, b: int, c: int64, d: float, e: float64, f: bool, g: INTEGER, ts: Timestamp}
                """, "f.yaml");

        assertThat(config.definitions().sources().get(0).schema().fields()).extracting(Field::type).containsExactly(
                FieldType.STRING, FieldType.LONG, FieldType.LONG, FieldType.DOUBLE, FieldType.DOUBLE,
                FieldType.BOOLEAN, FieldType.LONG, FieldType.TIMESTAMP);
    }

    @Test
    void aFileThatDoesNotExistIsNamedWithTheReason(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> FreshetConfig.load(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(missing + ": cannot read the configuration file: no such file");
    }

    @Test
    void aDirectoryIsNotAConfigurationFile(@TempDir Path dir) {
        assertThatThrownBy(() -> FreshetConfig.load(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(dir + ": cannot read the configuration file: it is a directory");
    }

    @Test
    void problemsNameTheFileAsGivenToLoad(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("freshet.yaml"), "project: shop\napi: {port: 0}\n");

        assertThatThrownBy(() -> FreshetConfig.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":2: api.port: \"0\" is not a valid port (1 to 65535)");
    }
}
