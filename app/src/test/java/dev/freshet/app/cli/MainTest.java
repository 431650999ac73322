package dev.freshet.app.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The top-level command: usage errors, help and version. */
class MainTest {

    @Test
    void anUnknownCommandIsAUsageError() {
        Cli result = Cli.run("zzz");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("Unmatched argument at index 0: 'zzz'").contains("Usage: freshet");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        Cli result = Cli.run("validate", "--strict");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Unknown option: '--strict'").contains("Usage: freshet validate");
    }

    @Test
    void noCommandIsAUsageError() {
        Cli result = Cli.run();

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Missing command").contains("Usage: freshet");
    }

    @Test
    void helpListsTheCommandsWithoutColourWhenNotATerminal() {
        Cli result = Cli.run("--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("run", "produce", "validate", "version", "69", "70", "75").doesNotContain("\u001B[");
    }

    @Test
    void everySubcommandHasHelp() {
        for (String command : new String[] {"run", "produce", "validate"}) {
            Cli result = Cli.run(command, "--help");

            assertThat(result.exitCode()).as(command).isZero();
            assertThat(result.out()).as(command).startsWith("Usage: freshet " + command);
        }
    }

    @Test
    void versionOutsideAJarIsDev() {
        // Tests run from target/classes, which has no manifest.
        Cli command = Cli.run("version");
        Cli option = Cli.run("--version");

        assertThat(command.exitCode()).isZero();
        assertThat(command.outLines()).containsExactly("freshet dev");
        assertThat(option.exitCode()).isZero();
        assertThat(option.out()).isEqualTo(command.out());
    }

    @Test
    void versionComesFromTheManifestWhenThereIsOne() {
        assertThat(Version.orDev("0.1.0")).isEqualTo("0.1.0");
        assertThat(Version.orDev(null)).isEqualTo("dev");
        assertThat(Version.orDev(" ")).isEqualTo("dev");
    }
}
