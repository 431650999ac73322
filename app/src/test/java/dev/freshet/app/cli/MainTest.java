package dev.freshet.app.cli;

import dev.freshet.app.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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
    void noCommandIsAUsageErrorThatListsEveryCommand() {
        Cli result = Cli.run();

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("Missing command: run, produce, lookup, training-set, evaluate-learner, evaluate-policy, "
                + "archive, validate, version or help").contains("Usage: freshet");
    }

    @Test
    void helpListsTheCommandsWithoutColourWhenNotATerminal() {
        Cli result = Cli.run("--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("run", "produce", "validate", "version", "69", "70", "75").doesNotContain("\u001B[");
    }

    /** Picocli formats descriptions with {@code String.format}: a stray {@code %} makes it warn on stderr and print the text raw. */
    @Test
    void everyCommandHasHelpThatPicocliFormatsWithoutWarning() {
        List<String> commands = new ArrayList<>(new CommandLine(new Main()).getSubcommands().keySet());
        assertThat(commands).contains("run", "evaluate-policy");
        commands.removeAll(List.of("help", "version"));
        PrintStream stderr = System.err;
        ByteArrayOutputStream traced = new ByteArrayOutputStream();
        System.setErr(new PrintStream(traced, true, StandardCharsets.UTF_8));
        try {
            assertThat(Cli.run("--help").out()).startsWith("Usage: freshet");
            for (String command : commands) {
                Cli result = Cli.run(command, "--help");

                assertThat(result.exitCode()).as(command).isZero();
                assertThat(result.out()).as(command).startsWith("Usage: freshet " + command).doesNotContain("%n");
            }
        } finally {
            System.setErr(stderr);
        }
        assertThat(traced.toString(StandardCharsets.UTF_8)).as("picocli's warnings").doesNotContain("picocli WARN");
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
