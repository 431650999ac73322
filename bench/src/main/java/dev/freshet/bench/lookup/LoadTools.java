package dev.freshet.bench.lookup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The external load generators of {@link LookupHttpBenchmark}: {@code wrk} (closed loop, as many
 * requests in flight as connections), {@code redis-benchmark}, and {@link FixedRateLoad} (open loop,
 * in a child JVM), each run as a process whose output is parsed.
 */
final class LoadTools {

    /**
     * What a load run measured: throughput in requests/s, latency percentiles in microseconds, and
     * the CPU time the load generator itself used, in seconds (user + system).
     */
    record Result(double requestsPerSecond, double p50, double p90, double p99, double p999, double max, long errors, double generatorCpu) {
    }

    private static final Pattern WRK_RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern WRK_PERCENTILE = Pattern.compile("^\\s+(50|75|90|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
    private static final Pattern WRK_NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern WRK_SOCKET_ERRORS = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern BASH_TIMES = Pattern.compile("^(\\d+)m([0-9.]+)s (\\d+)m([0-9.]+)s$", Pattern.MULTILINE);
    private static final Pattern REDIS_GET = Pattern.compile("GET: ([0-9.]+) requests per second");

    private LoadTools() {
    }

    /**
     * A wrk script that POSTs lookups of {@code entities} distinct users drawn uniformly from the
     * {@value LookupData#USERS} users, a new draw per request (a fixed list replayed in a ring would
     * visit fewer users than the store's cache holds), each wrk thread with its own seed.
     */
    static Path wrkScript(Path dir, String requestPrefix, int entities) throws IOException {
        Path script = dir.resolve("lookup-" + entities + ".lua");
        Files.writeString(script, """
                local threads = 0
                function setup(thread)
                  threads = threads + 1
                  thread:set("id", threads)
                end
                function init(args)
                  math.randomseed(42 + id)
                end
                local prefix = '%s'
                wrk.method = "POST"
                wrk.headers["Content-Type"] = "application/json"
                request = function()
                  local seen, ids = {}, {}
                  while #ids < %d do
                    local u = math.random(0, %d)
                    if not seen[u] then
                      seen[u] = true
                      ids[#ids + 1] = '"user-' .. u .. '"'
                    end
                  end
                  return wrk.format(nil, nil, nil, prefix .. table.concat(ids, ",") .. "]}}")
                end
                """.formatted(requestPrefix, entities, LookupData.USERS - 1));
        return script;
    }

    /** {@code wrk -t<threads> -c<connections> -d<seconds>s --latency -s <script> <url>}. */
    static Result wrk(String url, Path script, int threads, int connections, int seconds) throws IOException, InterruptedException {
        // through bash, whose "times" then prints the CPU time of its children: wrk's
        String out = run(List.of("bash", "-c", "wrk \"$@\" && times", "wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                "--latency", "-s", script.toString(), url), seconds + 60);
        Matcher rate = WRK_RATE.matcher(out);
        if (!rate.find()) {
            throw new IllegalStateException("wrk printed no Requests/sec:\n" + out);
        }
        double[] percentiles = new double[4];
        Matcher p = WRK_PERCENTILE.matcher(out);
        int found = 0;
        while (p.find()) {
            double micros = Double.parseDouble(p.group(2)) * switch (p.group(3)) {
                case "us" -> 1;
                case "ms" -> 1_000;
                default -> 1_000_000;
            };
            percentiles[switch (p.group(1)) {
                case "50" -> 0;
                case "75" -> 1;
                case "90" -> 2;
                default -> 3;
            }] = micros;
            found++;
        }
        if (found != 4) {
            throw new IllegalStateException("wrk printed no latency distribution:\n" + out);
        }
        long errors = 0;
        Matcher non2xx = WRK_NON_2XX.matcher(out);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        Matcher socket = WRK_SOCKET_ERRORS.matcher(out);
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(socket.group(g));
            }
        }
        Matcher times = BASH_TIMES.matcher(out);
        double cpu = Double.NaN;
        if (times.find() && times.find()) { // the second line: the children's user and system time
            cpu = Integer.parseInt(times.group(1)) * 60 + Double.parseDouble(times.group(2))
                    + Integer.parseInt(times.group(3)) * 60 + Double.parseDouble(times.group(4));
        }
        // wrk reports 50/75/90/99 %: no 99.9 % or maximum in its distribution
        return new Result(Double.parseDouble(rate.group(1)), percentiles[0], percentiles[2], percentiles[3], Double.NaN, Double.NaN, errors, cpu);
    }

    /** {@code redis-benchmark -t get -n <requests> -c <clients> -P 1 -q}: non-pipelined GETs, requests/s. */
    static double redisBenchmarkGet(int port, int requests, int clients) throws IOException, InterruptedException {
        String out = run(List.of("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port), "-t", "get",
                "-n", Integer.toString(requests), "-c", Integer.toString(clients), "-P", "1", "-q"), 120);
        Matcher m = REDIS_GET.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("redis-benchmark printed no GET rate:\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }

    /** {@link FixedRateLoad} in a child JVM on this JVM's class path. */
    static Result fixedRate(String url, int rate, int seconds, int warmupSeconds, int connections, int entities, Path requestPrefix)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xms512m", "-Xmx512m"));
        // -Dfreshet.bench.clientJvmArgs="-Xlog:gc:file=client-gc.log": diagnostics for the generator's JVM
        String extra = System.getProperty("freshet.bench.clientJvmArgs", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FixedRateLoad.class.getName(), url, Integer.toString(rate),
                Integer.toString(seconds), Integer.toString(warmupSeconds), Integer.toString(connections), Integer.toString(entities),
                requestPrefix.toString()));
        String out = run(command, warmupSeconds + seconds + 120);
        for (String line : out.split("\n")) {
            if (line.startsWith("TIMELINE ")) {
                System.out.println("  " + line.substring(9));
            }
            if (line.startsWith("RESULT ")) {
                String[] f = line.substring(7).trim().split(" ");
                return new Result(Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]),
                        Double.parseDouble(f[7]), Double.parseDouble(f[8]), Long.parseLong(f[2]), Double.parseDouble(f[9]));
            }
            if (line.startsWith("RESULT-INCOMPLETE")) {
                return new Result(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1, Double.NaN);
            }
        }
        throw new IllegalStateException("FixedRateLoad printed no RESULT line:\n" + out);
    }

    private static String run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue() + ":\n" + text);
        }
        return text;
    }

    static String micros(double us) {
        if (Double.isNaN(us)) {
            return "—";
        }
        return us >= 1_000 ? String.format(Locale.ROOT, "%.2f ms", us / 1_000) : String.format(Locale.ROOT, "%.0f µs", us);
    }
}
