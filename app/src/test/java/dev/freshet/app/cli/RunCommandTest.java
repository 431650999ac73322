package dev.freshet.app.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code freshet run} when it cannot start; {@link RunIntegrationTest} runs it for real. */
class RunCommandTest {

    @TempDir
    Path dir;

    @Test
    void aPortInUseIsATemporaryFailureAfterThePlan() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            String config = Examples.write(dir, "freshet.yaml", Examples.shopOn(port, dir));

            Cli result = Cli.run("run", "--demo", "--config", config);

            assertThat(result.exitCode()).isEqualTo(Failures.TEMPORARY_FAILURE);
            assertThat(result.outLines()).first().isEqualTo(config + " is valid: 1 entity, 1 source, 1 feature view, 7 features");
            assertThat(result.out()).contains("Plan of freshet run for project shop:")
                    .doesNotContain("Kafka broker listening");
            assertThat(result.errLines()).containsExactly("cannot start the embedded Kafka broker: 127.0.0.1:" + port
                    + " is in use (is another broker running? change kafka.embedded.port, or set kafka.bootstrap_servers to use it)");
        }
    }

    @Test
    void anUnreachableExternalClusterFailsAtOnceWithoutStartingABroker() {
        int closed = Examples.freePort();
        String config = Examples.write(dir, "external.yaml", Examples.shopAt("127.0.0.1:" + closed));

        long start = System.nanoTime();
        Cli result = Cli.run("run", "--config", config);

        assertThat(result.exitCode()).isEqualTo(Failures.TEMPORARY_FAILURE);
        assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(5);
        assertThat(result.out()).contains("external cluster at 127.0.0.1:" + closed + " (no embedded broker)")
                .doesNotContain("Kafka broker listening");
        assertThat(result.errLines()).containsExactly("cannot reach Kafka at 127.0.0.1:" + closed
                + ": connection refused (nothing listens there); check kafka.bootstrap_servers in " + config
                + " (or remove it to run the embedded broker)");
    }

    @Test
    void aRawTopicNamedLikeOneOfFreshetsIsAConfigurationProblem() {
        String config = Examples.write(dir, "freshet.yaml", Examples.SHOP.replace("topic: clicks", "topic: freshet.dlq"));

        Cli result = Cli.run("run", "--config", config);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.errLines()).singleElement().asString()
                .startsWith(config + ":").contains("sources[0].topic: \"freshet.dlq\"").contains("Freshet's own");
    }

    @Test
    void aBadStatusIntervalIsAUsageError() {
        Cli result = Cli.run("run", "--status-interval", "10x");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("'10x' is not a duration");
    }

    @Test
    void helpDescribesWhatItStartsAndWhatNot() {
        Cli result = Cli.run("run", "--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("Usage: freshet run").contains("Arrow Flight server").doesNotContain("--status-interval");
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
    void withoutConfigurationTheBundledExampleIsUsed() {
        // The default is ./freshet.yaml in the working directory: the module directory under Maven.
        assertThat(Path.of("freshet.yaml")).as("precondition: no freshet.yaml in the working directory").doesNotExist();

        Cli result = Cli.run("validate");

        assertThat(result.exitCode()).isEqualTo(0);
        assertThat(result.out()).contains("the bundled example configuration is valid");
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
