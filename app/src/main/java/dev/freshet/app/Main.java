package dev.freshet.app;

import dev.freshet.app.cli.ArchiveCommand;
import dev.freshet.app.cli.LookupCommand;
import dev.freshet.app.cli.ProduceCommand;
import dev.freshet.app.cli.RunCommand;
import dev.freshet.app.cli.TrainingSetCommand;
import dev.freshet.app.cli.EvaluateLearnerCommand;
import dev.freshet.app.cli.EvaluatePolicyCommand;
import dev.freshet.app.cli.ValidateCommand;
import dev.freshet.app.cli.Version;
import dev.freshet.app.cli.VersionCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.util.List;

/**
 * The {@code freshet} command. {@link #main} is the entry point of {@code freshet.jar}; tests run
 * {@code new CommandLine(new Main()).setOut(..).setErr(..).execute(args)}, which behaves the same:
 * every subcommand maps its own failures to exit codes, so no handler has to be installed here.
 *
 * <p>Colour: picocli's default ({@code Ansi.AUTO}) already styles the help only when the console is
 * a terminal (it asks {@code Console.isTerminal()} on Java 22+), so piped output stays plain.
 */
@Command(name = "freshet",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Freshet: a streaming feature store for the JVM.",
        subcommands = {RunCommand.class, ProduceCommand.class, LookupCommand.class, TrainingSetCommand.class, EvaluateLearnerCommand.class, EvaluatePolicyCommand.class, ArchiveCommand.class,
                ValidateCommand.class, VersionCommand.class, HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                " 0:success",
                " 1:the configuration or another input is invalid (the message says what to fix)",
                " 2:usage error: unknown command or option",
                "69:Freshet failed for the reason the message gives (e.g. the streaming pipeline stopped on an error)",
                "70:internal error (a bug; run with --verbose for the stack trace)",
                "75:temporary failure: Kafka unreachable, a port or data directory in use; try again once that is fixed"})
public final class Main implements Runnable {

    @Spec
    private CommandSpec spec;

    // Declared once here; INHERIT makes it valid after any subcommand too (freshet run --verbose).
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error.")
    private boolean verbose;

    public static void main(String[] args) {
        // Before anything creates a logger: slf4j-simple reads its settings once, at the first one.
        LogDefaults.applyTo(System.getProperties());
        System.exit(new CommandLine(new Main()).execute(args));
    }

    /** {@code freshet} without a subcommand: a usage error, so scripts notice (exit 2, usage on stderr). */
    @Override
    public void run() {
        List<String> commands = List.copyOf(spec.subcommands().keySet());
        throw new ParameterException(spec.commandLine(), "Missing command: " + String.join(", ", commands.subList(0, commands.size() - 1))
                + " or " + commands.getLast());
    }
}
