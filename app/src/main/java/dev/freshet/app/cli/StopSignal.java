package dev.freshet.app.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a {@code freshet run} is asked to stop: by Ctrl-C or SIGTERM through a JVM shutdown hook, or
 * by {@link #request()} (tests). The run itself closes what it started and then calls
 * {@link #finished(int)}.
 *
 * <p>The hook waits for that, since the JVM exits once its hooks return, and then ends the JVM
 * with the run's exit code through {@link Runtime#halt}: on a signal the JVM would otherwise exit
 * with 128 + the signal number (130 for Ctrl-C), and a clean stop the user asked for is a success.
 * Halting skips the hooks that are still running; Freshet's libraries (Kafka, RocksDB, slf4j-simple)
 * register none. When the run has already finished, e.g. it failed and {@code main} called
 * {@code System.exit}, the hook does nothing and that exit code stands.
 */
final class StopSignal {

    /** How long the hook waits for the run to close the pipeline and the broker. */
    private static final Duration GRACE = Duration.ofSeconds(90);

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile int exitCode;
    private Thread hook;

    /** Installs the shutdown hook; it prints a line on {@code out} when it fires. */
    synchronized void installHook(PrintWriter out) {
        if (hook != null) {
            return;
        }
        hook = new Thread(() -> onSignal(out), "freshet-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Asks the run to stop. Idempotent. */
    void request() {
        requested.countDown();
    }

    boolean isRequested() {
        return requested.getCount() == 0;
    }

    /** Waits until a stop is requested or {@code timeout} passes; true when one was requested. */
    boolean awaitRequest(Duration timeout) throws InterruptedException {
        return requested.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The run has closed everything and ends with {@code code}. Removes the hook unless it is running. */
    synchronized void finished(int code) {
        exitCode = code;
        finished.countDown();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shutdownInProgress) {
                // The hook is running: it ends the JVM with exitCode.
            }
            hook = null;
        }
    }

    private void onSignal(PrintWriter out) {
        if (finished.getCount() == 0) {
            return;
        }
        out.println("Stopping: closing the API and Flight servers, the archiver (it commits what it read) and the online store, "
                + "then the pipeline (it commits what it processed), then the broker...");
        out.flush();
        request();
        boolean done;
        try {
            done = finished.await(GRACE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            done = false;
        }
        if (!done) {
            out.println("Did not stop within " + GRACE.toSeconds() + " s; exiting without waiting any longer.");
            out.flush();
        }
        Runtime.getRuntime().halt(done ? exitCode : Failures.FAILED);
    }
}
