package dev.freshet.app.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RunCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsThePlanOfTheExampleAndSaysNothingIsStarted() {
        String config = Examples.write(dir, "freshet.yaml", Examples.SHOP);

        Cli result = Cli.run("run", "--config", config);

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.outLines()).first().isEqualTo(config + " is valid: 1 entity, 1 source, 1 feature view, 7 features");
        assertThat(result.out())
                .contains("embedded single-node broker on 127.0.0.1:9092, data in " + absolute("data/kafka"))
                .contains("RocksDB in " + absolute("data/online"))
                .contains("Parquet event archive under " + absolute("data/offline"))
                .contains("port 8080")
                .contains("user_activity: entity user (join key user_id), source clicks, tile 1m, ttl 7d");
        assertThat(result.outLines()).anyMatch(l -> l.matches("\\s+clicks\\s+raw events of source clicks"))
                .anyMatch(l -> l.matches("\\s+freshet\\.events\\.clicks\\s+validated events of source clicks"))
                .anyMatch(l -> l.matches("\\s+freshet\\.tiles\\.user_activity\\s+tile updates of feature view user_activity"))
                .anyMatch(l -> l.matches("\\s+freshet\\.dlq\\s+.*"))
                .anyMatch(l -> l.matches("\\s+clicks_5m\\s+count\\s+-\\s+5m"))
                .anyMatch(l -> l.matches("\\s+spend_1h\\s+sum\\s+price\\s+1h"))
                .anyMatch(l -> l.matches("\\s+avg_price_1d\\s+avg\\s+price\\s+1d"))
                .anyMatch(l -> l.matches("\\s+max_price_1h\\s+max\\s+price\\s+1h"))
                .anyMatch(l -> l.matches("\\s+last_item\\s+last\\s+item_id\\s+lifetime"))
                .anyMatch(l -> l.matches("\\s+items_1d\\s+count_distinct\\s+item_id\\s+1d"))
                .anyMatch(l -> l.matches("\\s+clicks_total\\s+count\\s+-\\s+lifetime"));
        assertThat(result.out()).contains("Nothing was started")
                .contains("the Kafka broker, the streaming pipeline, the online and offline stores and the HTTP API")
                .contains("are not started by this version")
                .doesNotContain("--demo");
    }

    @Test
    void showsAnExternalClusterAndRedisWithoutItsPassword() {
        String yaml = Examples.SHOP
                .replace("embedded: {port: 9092, data_dir: ./data/kafka}", "bootstrap_servers: broker-1:9092,broker-2:9092")
                .replace("{type: rocksdb, path: ./data/online}", "{type: redis, uri: \"redis://default:s3cret@cache:6379/0\"}");
        String config = Examples.write(dir, "external.yaml", yaml);

        Cli result = Cli.run("run", "--config", config);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("external cluster at broker-1:9092,broker-2:9092 (no embedded broker)")
                .contains("Redis at redis://default:****@cache:6379/0")
                .doesNotContain("s3cret")
                .doesNotContain("127.0.0.1:9092");
    }

    @Test
    void demoSaysTheWorkloadComesWithThePipeline() {
        String config = Examples.write(dir, "freshet.yaml", Examples.SHOP);

        Cli result = Cli.run("run", "--demo", "--config", config);

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("--demo: the demo workload comes with the streaming pipeline")
                .contains("Nothing was started");
    }

    @Test
    void anInvalidConfigurationPrintsItsProblemsAndNoPlan() {
        String config = Examples.write(dir, "freshet.yaml", Examples.SHOP.replace("tile: 1m", "tile: 1x"));

        Cli result = Cli.run("run", "-c", config);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.errLines()).singleElement().asString().contains("feature_views[0].tile").contains("1x");
    }

    @Test
    void withoutConfigurationSaysWhereItLookedAndWhereTheExampleIs() {
        // The default is ./freshet.yaml in the working directory: the module directory under Maven.
        assertThat(Path.of("freshet.yaml")).as("precondition: no freshet.yaml in the working directory").doesNotExist();
        String previous = System.getProperty(ConfigFileOption.HOME_PROPERTY);
        System.setProperty(ConfigFileOption.HOME_PROPERTY, dir.toString());
        try {
            Cli result = Cli.run("run");

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.out()).isEmpty();
            assertThat(result.errLines()).containsExactly(
                    "No configuration: " + absolute("freshet.yaml") + " does not exist and no --config FILE was given.",
                    "Start from the example configuration: cp " + dir.resolve("freshet.yaml") + " .",
                    "or name another file with --config FILE.");
        } finally {
            if (previous == null) {
                System.clearProperty(ConfigFileOption.HOME_PROPERTY);
            } else {
                System.setProperty(ConfigFileOption.HOME_PROPERTY, previous);
            }
        }
    }

    @Test
    void withoutTheLauncherPointsAtTheRepositoryExample() {
        assertThat(System.getProperty(ConfigFileOption.HOME_PROPERTY)).as("precondition: not run by ./freshet").isNull();

        Cli result = Cli.run("run");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("copy the example freshet.yaml from the root of the Freshet repository");
    }

    @Test
    void aConfigFileThatDoesNotExistIsNamed() {
        Path missing = dir.resolve("missing.yaml");

        Cli result = Cli.run("run", "--config", missing.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly(missing + ": no such file (given with --config)");
    }

    private static Path absolute(String relative) {
        return Path.of(relative).toAbsolutePath().normalize();
    }
}
