package dev.freshet.online.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway {@code redis-server} for tests: started on a free port of 127.0.0.1 without
 * persistence ({@code --save "" --appendonly no}), its working directory and log in a temporary
 * directory that {@link #close()} deletes. Other modules use it through this module's test-jar.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *     URI uri = redis.uri();          // redis://127.0.0.1:<port>
 *     redis.call("FLUSHALL");
 * }
 * }</pre>
 */
public final class RedisServer implements AutoCloseable {

    /** Where Debian and Ubuntu install it. */
    public static final Path EXECUTABLE = Path.of("/usr/bin/redis-server");

    private static final long START_TIMEOUT_MS = 10_000;
    private static final int ATTEMPTS = 3;

    private final Process process;
    private final int port;
    private final Path dir;
    /** Kills the server when the JVM exits without closing it (a test run stopped midway), so that none is left running. */
    private final Thread killAtExit;
    private boolean closed;

    private RedisServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.killAtExit = new Thread(process::destroyForcibly, "redis-server-" + port + "-at-exit");
        Runtime.getRuntime().addShutdownHook(killAtExit);
    }

    /**
     * Starts a server and waits until it answers {@code PING}.
     *
     * @throws IllegalStateException when {@code redis-server} is not installed or does not start
     */
    public static RedisServer start() {
        if (!Files.isExecutable(EXECUTABLE)) {
            throw new IllegalStateException(EXECUTABLE + " is missing: install Redis to run these tests "
                    + "(apt-get install -y redis-server)");
        }
        IllegalStateException last = null;
        // a free port may be taken between finding it and binding it; another one will do
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                return startOn(freePort());
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    private static RedisServer startOn(int port) {
        Path dir;
        Process process;
        try {
            dir = Files.createTempDirectory("freshet-redis-");
            process = new ProcessBuilder(EXECUTABLE.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--logfile", "")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + EXECUTABLE, e);
        }
        RedisServer server = new RedisServer(process, port, dir);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (true) {
            if (!process.isAlive()) {
                String log = server.log();
                server.close();
                throw new IllegalStateException("redis-server on port " + port + " exited with " + process.exitValue() + ":\n" + log);
            }
            try {
                if (server.call("PING").equals("+PONG")) {
                    return server;
                }
            } catch (UncheckedIOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                String log = server.log();
                server.close();
                throw new IllegalStateException("redis-server on port " + port + " did not answer PING within "
                        + START_TIMEOUT_MS + " ms:\n" + log);
            }
            sleep(20);
        }
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /**
     * Sends one command and returns the first line of the reply as Redis wrote it ({@code +OK},
     * {@code :3}, {@code -ERR ...}, or {@code $n} for a bulk string): enough for administrative
     * commands such as {@code FLUSHALL} or {@code SCRIPT FLUSH}.
     */
    public String call(String... command) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            socket.setSoTimeout(5_000);
            StringBuilder request = new StringBuilder().append('*').append(command.length).append("\r\n");
            for (String part : command) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                request.append('$').append(bytes.length).append("\r\n").append(part).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed without a reply to " + List.of(command));
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server on port " + port + ": " + List.of(command) + " failed", e);
        }
    }

    /** Removes every key ({@code FLUSHALL}); scripts stay loaded. */
    public void flushAll() {
        String reply = call("FLUSHALL");
        if (!reply.equals("+OK")) {
            throw new IllegalStateException("FLUSHALL answered " + reply);
        }
    }

    /** The server's log so far. */
    public String log() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops the server ({@code SHUTDOWN NOSAVE}, else kills it), waits for it and deletes its directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(killAtExit);
        } catch (IllegalStateException exiting) {
            // the JVM is exiting: the hook kills the server anyway
        }
        try {
            if (process.isAlive()) {
                try {
                    call("SHUTDOWN", "NOSAVE");
                } catch (UncheckedIOException expected) {
                    // the server closes the connection without a reply when it shuts down
                }
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            deleteRecursively(dir);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server", e);
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }

    @Override
    public String toString() {
        return "RedisServer[" + uri() + "]";
    }
}
