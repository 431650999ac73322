package dev.freshet.app.cli;

import dev.freshet.app.Main;
import dev.freshet.core.error.ConfigException;
import dev.freshet.core.error.FreshetException;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.error.TransientException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/** How a subcommand's exceptions become exit codes and messages. */
class FailuresTest {

    @Test
    void configProblemsArePrintedOnePerLine() {
        Cli result = runThrowing(new ConfigException(List.of("f.yaml:1: a: \"x\" is bad", "f.yaml:2: b: is missing")));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("f.yaml:1: a: \"x\" is bad", "f.yaml:2: b: is missing");
    }

    @Test
    void otherInvalidInputPrintsItsMessage() {
        Cli result = runThrowing(new InvalidInputException("unknown feature view 'x'"));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("unknown feature view 'x'");
    }

    @Test
    void aTemporaryFailurePrintsItsMessageAndExits75() {
        Cli result = runThrowing(new TransientException("127.0.0.1:9092 is in use", new java.net.BindException()));

        assertThat(result.exitCode()).isEqualTo(75);
        assertThat(result.errLines()).containsExactly("127.0.0.1:9092 is in use");
    }

    @Test
    void anotherFreshetFailurePrintsItsMessageAndExits69() {
        Cli result = runThrowing(new FreshetException("the streaming pipeline stopped on an error: boom"));

        assertThat(result.exitCode()).isEqualTo(69);
        assertThat(result.errLines()).containsExactly("the streaming pipeline stopped on an error: boom");
    }

    @Test
    void anUnexpectedExceptionIsOneLineAndExit70() {
        Cli result = runThrowing(new IllegalStateException("broken\nsecond line"));

        assertThat(result.exitCode()).isEqualTo(70);
        assertThat(result.errLines()).containsExactly(
                "freshet failed unexpectedly: java.lang.IllegalStateException: broken (run with --verbose for the stack trace)");
    }

    @Test
    void verbosePrintsTheStackTraceAfterOrBeforeTheCommand() {
        for (String[] args : List.of(new String[] {"boom", "--verbose"}, new String[] {"--verbose", "boom"})) {
            Cli result = Cli.run(withBoom(new IllegalStateException("broken")), args);

            assertThat(result.exitCode()).isEqualTo(70);
            assertThat(result.errLines()).first().isEqualTo("freshet failed unexpectedly: java.lang.IllegalStateException: broken");
            assertThat(result.err()).contains("\tat dev.freshet.app.cli.FailuresTest").doesNotContain("run with --verbose");
        }
    }

    private static Cli runThrowing(Exception e) {
        return Cli.run(withBoom(e), "boom");
    }

    private static CommandLine withBoom(Exception e) {
        return new CommandLine(new Main()).addSubcommand(new Boom(e));
    }

    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        private final Exception exception;

        @Spec
        private CommandSpec spec;

        Boom(Exception exception) {
            this.exception = exception;
        }

        @Override
        public Integer call() {
            return Failures.guard(spec, () -> {
                throw exception;
            });
        }
    }
}
