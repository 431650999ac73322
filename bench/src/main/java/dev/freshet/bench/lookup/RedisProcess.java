package dev.freshet.bench.lookup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} for one benchmark run: a child process on a free port of 127.0.0.1,
 * without persistence ({@code --save "" --appendonly no}), its log in a temporary directory.
 * The benchmarks start their own rather than use the online store's test-jar helper, so that the
 * benchmark jar does not depend on test code. {@link #close()} stops it (SIGTERM, then SIGKILL)
 * and is idempotent.
 */
final class RedisProcess implements AutoCloseable {

    /** Where Debian and Ubuntu install it. */
    static final Path EXECUTABLE = Path.of("/usr/bin/redis-server");
    private static final long START_TIMEOUT_MS = 10_000;

    private final Process process;
    private final int port;
    private final Path dir;
    /** Kills the server when the JVM exits without closing it (a run stopped with Ctrl-C or kill), so that none is left running. */
    private final Thread killAtExit;
    private boolean closed;

    private RedisProcess(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.killAtExit = new Thread(process::destroyForcibly, "redis-server-" + port + "-at-exit");
        Runtime.getRuntime().addShutdownHook(killAtExit);
    }

    /**
     * Starts a server and waits until it answers {@code PING}.
     *
     * @throws IllegalStateException when redis-server is missing, exits, or does not answer in time
     */
    static RedisProcess start() throws IOException, InterruptedException {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IllegalStateException(EXECUTABLE + " is missing: install Redis (apt-get install -y redis-server) to run this benchmark");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("freshet-bench-redis-");
        Process process = new ProcessBuilder(EXECUTABLE.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        RedisProcess redis = new RedisProcess(process, port, dir);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (!redis.answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String log = Files.readString(dir.resolve("redis.log"));
                redis.close();
                throw new IllegalStateException("redis-server on port " + port + (process.isAlive() ? " did not answer PING within "
                        + START_TIMEOUT_MS + " ms" : " exited with " + process.exitValue()) + "; its log:\n" + log);
            }
            Thread.sleep(20);
        }
        return redis;
    }

    private boolean answersPing() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException notYet) {
            return false;
        }
    }

    int port() {
        return port;
    }

    /** The CPU time the server has used so far (user + system), in seconds. */
    double cpuSeconds() {
        return process.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** {@code redis://127.0.0.1:<port>}. */
    URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(killAtExit);
        } catch (IllegalStateException exiting) {
            // the JVM is exiting: the hook kills the server anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        LookupData.deleteTree(dir);
    }
}
