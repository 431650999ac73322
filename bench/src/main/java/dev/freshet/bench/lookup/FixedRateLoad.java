package dev.freshet.bench.lookup;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * An open-loop HTTP load generator (what {@code wrk2 -R} does, which is not installed here): POSTs
 * lookups of {@code ENTITIES} distinct users drawn uniformly (a new draw per request; the body starts
 * with the prefix in the file, see {@link LookupData#requestPrefix}) at a fixed rate over keep-alive
 * connections, one request in flight per connection as wrk does, and measures each request's latency
 * from the time it was <em>scheduled</em> to be sent, not from when a connection became free, so that
 * a server that falls behind shows it in the percentiles (no coordinated omission). The requests due
 * are issued every millisecond, after a warm-up whose first half ramps the rate up ({@link Schedule}).
 *
 * <p>One thread on plain non-blocking sockets and a selector, the requests' bytes built before the run
 * (for one user, one request per user, drawn per request), and responses read only as far as their
 * status and length: on a two-core machine every cycle the generator spends is taken from the server
 * it measures (an HTTP client library took about 18 µs of CPU per request, this about a third of it).
 * Runs in a process of its own, started by {@link LookupHttpBenchmark}, so that its garbage collection
 * does not pause the server. Prints one line: {@code RESULT sent ok errors achieved/s p50 p90 p99 p99.9
 * max cpu} (latencies in microseconds; cpu: the CPU seconds this process used, start-up and warm-up
 * included).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.freshet.bench.lookup.FixedRateLoad URL RATE SECONDS WARMUP_SECONDS CONNECTIONS ENTITIES REQUEST_PREFIX_FILE
 * </pre>
 */
public final class FixedRateLoad {

    private FixedRateLoad() {
    }

    /** One keep-alive connection and the request it has in flight (-1: none). */
    private static final class Connection {
        final SocketChannel channel;
        final SelectionKey key;
        ByteBuffer out;
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        int request = -1;

        Connection(SocketChannel channel, Selector selector) throws IOException {
            this.channel = channel;
            this.key = channel.register(selector, SelectionKey.OP_READ, this);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            throw new IllegalArgumentException("usage: FixedRateLoad URL RATE SECONDS WARMUP_SECONDS CONNECTIONS ENTITIES REQUEST_PREFIX_FILE");
        }
        URI url = URI.create(args[0]);
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int warmupSeconds = Integer.parseInt(args[3]);
        int connections = Integer.parseInt(args[4]);
        int entities = Integer.parseInt(args[5]);
        String prefix = Files.readString(Path.of(args[6])).strip();
        SplittableRandom random = new SplittableRandom(42);
        String head = "POST " + url.getPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: ";
        byte[][] perUser = null;
        if (entities == 1) {
            perUser = new byte[LookupData.USERS][];
            for (int u = 0; u < perUser.length; u++) {
                perUser[u] = request(head, LookupData.requestBody(prefix, new int[] {u}));
            }
        }

        Schedule schedule = new Schedule(rate, warmupSeconds, seconds);
        int warmup = schedule.warmupRequests();
        int total = schedule.totalRequests();
        long[] latencyNanos = new long[total];
        int completed = 0;
        int errors = 0;
        int sent = 0;
        long lastDone = 0;
        ArrayDeque<Connection> idle = new ArrayDeque<>();
        try (Selector selector = Selector.open()) {
            for (int c = 0; c < connections; c++) {
                idle.add(new Connection(open(url), selector));
            }
            long start = System.nanoTime() + 50_000_000L;
            long deadline = start + (warmupSeconds + seconds + 60L) * 1_000_000_000L;
            while (completed < total && System.nanoTime() < deadline) {
                int due = Math.min(total, schedule.dueBy(System.nanoTime() - start));
                while (sent < due && !idle.isEmpty()) {
                    Connection c = idle.poll();
                    c.request = sent;
                    c.out = ByteBuffer.wrap(perUser != null ? perUser[random.nextInt(perUser.length)]
                            : request(head, LookupData.requestBody(prefix, LookupData.sample(random, entities))));
                    sent++;
                    flush(c);
                }
                selector.select(1);
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection c = (Connection) key.attachment();
                    if (key.isValid() && key.isWritable()) {
                        flush(c);
                    }
                    if (!key.isValid() || !key.isReadable()) {
                        continue;
                    }
                    int status = read(c);
                    if (status == 0) {
                        continue; // the response is not complete yet
                    }
                    if (c.request < 0) { // an idle connection the server closed
                        idle.remove(c);
                        c.key.cancel();
                        c.channel.close();
                        idle.add(new Connection(open(url), selector));
                        continue;
                    }
                    int i = c.request;
                    long end = System.nanoTime();
                    latencyNanos[i] = end - (start + schedule.nanosOf(i));
                    if (i >= warmup) {
                        lastDone = Math.max(lastDone, end);
                        if (status != 200 && errors++ == 0) {
                            System.err.println("first failure: " + (status < 0 ? "the server closed the connection" : "HTTP " + status));
                        }
                    }
                    completed++;
                    c.request = -1;
                    if (status < 0) {
                        c.key.cancel();
                        c.channel.close();
                        c = new Connection(open(url), selector);
                    }
                    idle.add(c);
                }
                selector.selectedKeys().clear();
            }
            if (completed < total) {
                System.out.printf(Locale.ROOT, "RESULT-INCOMPLETE %d of %d requests answered within %d s%n", completed, total,
                        warmupSeconds + seconds + 60);
                return;
            }
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            report(schedule, latencyNanos, warmup, total, errors, start, lastDone);
        }
    }

    private static SocketChannel open(URI url) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(url.getHost(), url.getPort()));
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.configureBlocking(false);
        return channel;
    }

    private static byte[] request(String head, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        byte[] h = (head + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(h, h.length + b.length);
        System.arraycopy(b, 0, all, h.length, b.length);
        return all;
    }

    /** Writes what the socket takes of the request; waits for the socket to take the rest. */
    private static void flush(Connection c) throws IOException {
        c.channel.write(c.out);
        c.key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    /**
     * Reads what has arrived of the response: its status code once it is complete (then the buffer is
     * emptied for the next one), 0 while it is not, -1 when the server closed the connection. Knows only
     * {@code Content-Length} bodies, as the API sends them.
     */
    private static int read(Connection c) throws IOException {
        if (c.channel.read(c.in) < 0) {
            return -1;
        }
        byte[] a = c.in.array();
        int n = c.in.position();
        int headEnd = indexOf(a, n, HEAD_END, 0);
        if (headEnd < 0) {
            grow(c);
            return 0;
        }
        int lengthAt = indexOfIgnoreCase(a, headEnd, CONTENT_LENGTH);
        if (lengthAt < 0) {
            throw new IOException("a response without content-length: " + new String(a, 0, headEnd, StandardCharsets.US_ASCII));
        }
        long length = 0;
        for (int i = lengthAt + CONTENT_LENGTH.length; a[i] != '\r'; i++) {
            if (a[i] >= '0' && a[i] <= '9') {
                length = length * 10 + (a[i] - '0');
            }
        }
        long whole = headEnd + HEAD_END.length + length;
        if (n < whole) {
            if (whole > c.in.capacity()) {
                c.in = ByteBuffer.allocate((int) whole).put(c.in.flip());
            }
            return 0;
        }
        int status = (a[9] - '0') * 100 + (a[10] - '0') * 10 + (a[11] - '0');
        c.in.clear();
        return status;
    }

    private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "\r\ncontent-length:".getBytes(StandardCharsets.US_ASCII);

    private static void grow(Connection c) {
        if (!c.in.hasRemaining()) {
            c.in = ByteBuffer.allocate(c.in.capacity() * 2).put(c.in.flip());
        }
    }

    private static int indexOf(byte[] a, int n, byte[] what, int from) {
        outer:
        for (int i = from; i + what.length <= n; i++) {
            for (int j = 0; j < what.length; j++) {
                if (a[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int indexOfIgnoreCase(byte[] a, int n, byte[] lowerCase) {
        outer:
        for (int i = 0; i + lowerCase.length <= n; i++) {
            for (int j = 0; j < lowerCase.length; j++) {
                byte b = a[i + j];
                if ((b >= 'A' && b <= 'Z' ? b + 32 : b) != lowerCase[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void report(Schedule schedule, long[] latencyNanos, int warmup, int total, int errors, long start, long lastDone) {
        int warmupSeconds = schedule.warmupSeconds();
        // where in the run the slow requests were: the worst latency of the requests scheduled in each second, warm-up included
        long[] worst = new long[warmupSeconds + schedule.seconds()];
        for (int i = 0; i < total; i++) {
            int second = (int) Math.min(worst.length - 1, schedule.nanosOf(i) / 1_000_000_000L);
            worst[second] = Math.max(worst[second], latencyNanos[i]);
        }
        StringBuilder timeline = new StringBuilder("TIMELINE worst ms per second of schedule (ramp-up and warm-up | measured):");
        for (int second = 0; second < worst.length; second++) {
            timeline.append(second == warmupSeconds ? " |" : "").append(' ').append(worst[second] / 1_000_000);
        }
        System.out.println(timeline);
        long[] sorted = Arrays.copyOfRange(latencyNanos, warmup, total);
        Arrays.sort(sorted);
        double achieved = sorted.length / ((lastDone - (start + schedule.nanosOf(warmup))) / 1e9);
        double cpuSeconds = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
        System.out.printf(Locale.ROOT, "RESULT %d %d %d %.0f %.1f %.1f %.1f %.1f %.1f %.2f%n", sorted.length, sorted.length - errors,
                errors, achieved, micros(sorted, 0.50), micros(sorted, 0.90), micros(sorted, 0.99), micros(sorted, 0.999),
                sorted[sorted.length - 1] / 1e3, cpuSeconds);
    }

    private static double micros(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e3;
    }

    /**
     * When each request is due: the rate rises linearly from 0 to {@code rate} over the first half
     * of the warm-up (so that this JVM's JIT warms up before the full rate, instead of building a
     * backlog that would still be draining when the measurement starts), stays there for the second
     * half, then for the measured seconds.
     */
    record Schedule(int rate, int warmupSeconds, int seconds) {
        private double rampNanos() {
            return warmupSeconds * 1e9 / 2;
        }

        private double rampRequests() {
            return rate * rampNanos() / 1e9 / 2;
        }

        int warmupRequests() {
            return (int) (rampRequests() + rate * (warmupSeconds * 1e9 - rampNanos()) / 1e9);
        }

        int totalRequests() {
            return warmupRequests() + rate * seconds;
        }

        /** How many requests are due {@code elapsed} ns after the start. */
        int dueBy(long elapsed) {
            if (elapsed < 0) {
                return 0;
            }
            double t = elapsed;
            double due = t < rampNanos() ? rate * t * t / (2 * rampNanos() * 1e9) : rampRequests() + rate * (t - rampNanos()) / 1e9;
            return (int) due + 1;
        }

        /** When request {@code i} is due, in ns after the start. */
        long nanosOf(int i) {
            double ramp = rampRequests();
            return (long) (i < ramp ? Math.sqrt(2 * rampNanos() * 1e9 * i / rate) : rampNanos() + (i - ramp) * 1e9 / rate);
        }
    }
}
