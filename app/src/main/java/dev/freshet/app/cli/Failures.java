package dev.freshet.app.cli;

import dev.freshet.core.error.ConfigException;
import dev.freshet.core.error.FreshetException;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.error.TransientException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * Runs the work of a subcommand and turns what it throws into an exit code and a message on the
 * command's error writer. Done by each subcommand rather than by a handler installed on the
 * {@code CommandLine}, so that {@code new CommandLine(new Main())} behaves like the real command.
 */
final class Failures {

    /** The configuration or another input is invalid; the message says what to fix. */
    static final int INVALID_INPUT = 1;
    /** Freshet failed for a reason its message gives (e.g. the pipeline stopped on an error): EX_UNAVAILABLE of sysexits.h. */
    static final int FAILED = 69;
    /** A bug: EX_SOFTWARE of sysexits.h. */
    static final int INTERNAL_ERROR = 70;
    /**
     * Something Freshet needs is busy or unreachable (a port or data directory in use, Kafka down);
     * retrying may work once that is fixed: EX_TEMPFAIL of sysexits.h.
     */
    static final int TEMPORARY_FAILURE = 75;

    private Failures() {
    }

    /**
     * Calls {@code work} and returns its exit code, or the exit code of what it threw: the problems
     * of a {@link ConfigException} one per line, the message of any other {@link FreshetException}
     * ({@link InvalidInputException} 1, {@link TransientException} 75, others 69), one line for
     * anything else (70; always with the stack trace under {@code --verbose}).
     */
    static int guard(CommandSpec spec, Callable<Integer> work) {
        PrintWriter err = spec.commandLine().getErr();
        boolean verbose = verbose(spec);
        try {
            return work.call();
        } catch (ParameterException e) {
            throw e; // a usage error: picocli prints it with the usage help and exits 2
        } catch (ConfigException e) {
            e.problems().forEach(err::println);
            trace(e, verbose, err);
            return INVALID_INPUT;
        } catch (InvalidInputException e) {
            err.println(e.getMessage());
            trace(e, verbose, err);
            return INVALID_INPUT;
        } catch (TransientException e) {
            err.println(e.getMessage());
            trace(e, verbose, err);
            return TEMPORARY_FAILURE;
        } catch (FreshetException e) {
            err.println(e.getMessage());
            trace(e, verbose, err);
            return FAILED;
        } catch (Exception e) {
            String line = "freshet failed unexpectedly: " + describe(e);
            err.println(verbose ? line : line + " (run with --verbose for the stack trace)");
            trace(e, verbose, err);
            return INTERNAL_ERROR;
        } finally {
            err.flush();
            spec.commandLine().getOut().flush();
        }
    }

    private static boolean verbose(CommandSpec spec) {
        // --verbose is declared on the root command and inherited by every subcommand.
        OptionSpec option = spec.findOption("--verbose");
        return option != null && Boolean.TRUE.equals(option.getValue());
    }

    private static void trace(Exception e, boolean verbose, PrintWriter err) {
        if (verbose) {
            e.printStackTrace(err);
        }
    }

    /** The exception's type and the first line of its message: one line, whatever the message holds. */
    private static String describe(Exception e) {
        String message = e.getMessage();
        String first = message == null ? "" : message.lines().findFirst().orElse("");
        return first.isEmpty() ? e.getClass().getName() : e.getClass().getName() + ": " + first;
    }
}
