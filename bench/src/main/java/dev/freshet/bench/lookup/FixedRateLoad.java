package dev.freshet.bench.lookup;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An open-loop HTTP load generator (what {@code wrk2 -R} does, which is not installed here): POSTs
 * lookups of {@code ENTITIES} distinct users drawn uniformly (a new draw per request; the body starts
 * with the prefix in the file, see {@link LookupData#requestPrefix}) at a fixed rate over a pool of keep-alive
 * connections, and measures each request's latency from the time it was <em>scheduled</em> to be
 * sent, not from when a connection became free, so that a server that falls behind shows it in the
 * percentiles (no coordinated omission). Requests are issued in batches every millisecond, after a
 * warm-up whose first half ramps the rate up ({@link Schedule}). Runs in a
 * process of its own, started by {@link LookupHttpBenchmark}, so that its garbage collection does not
 * pause the server. Prints one line: {@code RESULT sent ok errors achieved/s p50 p90 p99 p99.9 max cpu}
 * (latencies in microseconds; cpu: the CPU seconds this process used, start-up and warm-up included).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.freshet.bench.lookup.FixedRateLoad URL RATE SECONDS WARMUP_SECONDS CONNECTIONS ENTITIES REQUEST_PREFIX_FILE
 * </pre>
 */
public final class FixedRateLoad {

    private FixedRateLoad() {
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

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpClientAgent client = vertx.createHttpClient(
                new HttpClientOptions().setDefaultHost(url.getHost()).setDefaultPort(url.getPort()).setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
        Schedule schedule = new Schedule(rate, warmupSeconds, seconds);
        int warmup = schedule.warmupRequests();
        int total = schedule.totalRequests();
        long[] latencyNanos = new long[total];
        int[] counts = new int[3]; // completed, errors (measured part), issued: touched only on the one event loop
        long[] lastDone = new long[1];
        CountDownLatch done = new CountDownLatch(1);
        RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setURI(url.getPath())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        long start = System.nanoTime() + 50_000_000L;
        vertx.setPeriodic(1, timer -> {
            int due = Math.min(total, schedule.dueBy(System.nanoTime() - start));
            while (counts[2] < due) {
                int i = counts[2]++;
                long scheduled = start + schedule.nanosOf(i);
                Buffer body = Buffer.buffer(LookupData.requestBody(prefix, LookupData.sample(random, entities)));
                client.request(post)
                        .compose(request -> request.send(body))
                        .compose(response -> response.statusCode() == 200 ? response.body()
                                : Future.failedFuture("HTTP " + response.statusCode()))
                        .onComplete(result -> {
                            long end = System.nanoTime();
                            latencyNanos[i] = end - scheduled;
                            if (i >= warmup) {
                                lastDone[0] = Math.max(lastDone[0], end);
                            }
                            if (result.failed() && i >= warmup && counts[1]++ == 0) {
                                System.err.println("first failure: " + result.cause());
                            }
                            if (++counts[0] == total) {
                                done.countDown();
                            }
                        });
            }
            if (counts[2] == total) {
                vertx.cancelTimer(timer);
            }
        });
        boolean finished = done.await(warmupSeconds + seconds + 60L, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (!finished) {
            // (counts read without the event loop's ordering: only a message)
            System.out.printf(Locale.ROOT, "RESULT-INCOMPLETE about %d of %d requests answered within %d s%n", counts[0], total,
                    warmupSeconds + seconds + 60);
            return;
        }
        // the latch orders everything the event loop wrote before its count-down before this point
        int errors = counts[1];
        // where in the run the slow requests were: the worst latency of the requests scheduled in each second, warm-up included
        long[] worst = new long[warmupSeconds + seconds];
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
        double achieved = sorted.length / ((lastDone[0] - (start + schedule.nanosOf(warmup))) / 1e9);
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
