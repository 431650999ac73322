package dev.freshet.app.cli;

import dev.freshet.app.Main;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * {@code freshet run} on a thread of its own, stopped as Ctrl-C would stop it. The pipeline's
 * consumer-group session is shortened, so that a second run on the same broker data need not wait
 * 45 s for the first run's membership to expire.
 */
final class BackgroundRun implements AutoCloseable {

    static final Map<String, Object> FAST_REJOIN = Map.of(
            "consumer.session.timeout.ms", 6_000,
            "consumer.heartbeat.interval.ms", 1_000);

    private final RunCommand command;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CompletableFuture<Integer> exitCode;

    private BackgroundRun(Clock clock, String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        command = (RunCommand) commandLine.getSubcommands().get("run").getCommand();
        command.pipelineSettings = FAST_REJOIN;
        command.clock = clock;
        commandLine.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        exitCode = CompletableFuture.supplyAsync(() -> commandLine.execute(args), runnable -> {
            Thread thread = new Thread(runnable, "freshet-run-test");
            thread.setDaemon(true);
            thread.start();
        });
    }

    /** Starts {@code freshet run} with {@code args} (after "run"). */
    static BackgroundRun start(String... args) {
        return start(Clock.systemUTC(), args);
    }

    /** Starts {@code freshet run} with {@code args} (after "run"), lookups reading the time from {@code clock}. */
    static BackgroundRun start(Clock clock, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "run";
        System.arraycopy(args, 0, all, 1, args.length);
        return new BackgroundRun(clock, all);
    }

    /** What it printed on stdout so far. */
    String out() {
        return out.toString();
    }

    /** Waits until it runs; fails with what it printed when it ends or does not run within {@code timeout}. */
    void awaitRunning(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!command.awaitRunning(Duration.ofMillis(100))) {
            if (exitCode.isDone()) {
                throw new AssertionError("freshet run ended with " + exitCode.get() + "\nout:\n" + out + "\nerr:\n" + err);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("freshet run did not run within " + timeout + "\nout:\n" + out + "\nerr:\n" + err);
            }
        }
    }

    /** Waits until stdout so far satisfies {@code condition}. */
    String awaitOut(Predicate<String> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(out.toString())) {
            if (System.nanoTime() > deadline || exitCode.isDone()) {
                throw new AssertionError("stdout of freshet run never matched\nout:\n" + out + "\nerr:\n" + err);
            }
            Thread.sleep(50);
        }
        return out.toString();
    }

    /** Waits for the run to end by itself and returns what it printed. */
    Cli awaitExit(Duration timeout) throws Exception {
        int code = exitCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new Cli(code, out.toString(), err.toString());
    }

    /** Asks it to stop, as Ctrl-C does, and returns its exit code and what it printed. */
    Cli stop() throws Exception {
        command.stop();
        return awaitExit(Duration.ofSeconds(60));
    }

    /** Stops it when it still runs (a test failed half-way), so that its broker does not outlive the test. */
    @Override
    public void close() {
        if (exitCode.isDone()) {
            return;
        }
        command.stop();
        try {
            exitCode.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while stopping freshet run", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("freshet run did not stop\nout:\n" + out + "\nerr:\n" + err, e);
        }
    }
}
