package dev.freshet.app.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ValidateCommandTest {

    @TempDir
    Path dir;

    @Test
    void theExampleIsValid() {
        String config = Examples.write(dir, "freshet.yaml", Examples.SHOP);

        Cli result = Cli.run("validate", "--config", config);

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.outLines()).containsExactly(config + " is valid: 1 entity, 1 source, 1 feature view, 7 features");
    }

    @Test
    void theRepositoryExampleIsValid() {
        // The example the missing-configuration message points at must itself pass.
        Path example = Path.of("..", "freshet.yaml");

        Cli result = Cli.run("validate", "--config", example.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains(" is valid: ");
    }

    @Test
    void countsArePluralWhenThereAreSeveral() {
        String yaml = Examples.SHOP
                .replace("  - {name: user, join_key: user_id}",
                        "  - {name: user, join_key: user_id}\n  - {name: item, join_key: item_id}")
                .replace("feature_views:", """
                          - name: views
                            topic: views
                            format: json
                            timestamp_field: ts
                            schema: {item_id: string, ts: timestamp}
                        feature_views:
                          - name: item_views
                            entity: item
                            source: views
                            tile: 1h
                            features:
                              - {name: views_1d, function: count, window: 1d}""");
        String config = Examples.write(dir, "two.yaml", yaml);

        Cli result = Cli.run("validate", "--config", config);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.outLines()).containsExactly(config + " is valid: 2 entities, 2 sources, 2 feature views, 8 features");
    }

    @Test
    void everyProblemIsPrintedOnItsOwnLineOnStderr() {
        String yaml = Examples.SHOP
                .replace("entity: user", "entity: account")
                .replace("{name: clicks_5m, function: count, window: 5m}", "{name: clicks_5m, function: count, window: 90s}");
        String config = Examples.write(dir, "freshet.yaml", yaml);

        Cli result = Cli.run("validate", "--config", config);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.errLines()).hasSize(2);
        assertThat(result.errLines().get(0)).contains("feature_views[0].entity").contains("account");
        assertThat(result.errLines().get(1)).contains("feature_views[0].features[0].window").contains("90s");
    }

    @Test
    void aMissingFileIsAnInputError() {
        Cli result = Cli.run("validate", "--config", dir.resolve("nope.yaml").toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("nope.yaml: no such file");
    }
}
