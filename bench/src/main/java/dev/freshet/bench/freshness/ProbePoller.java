package dev.freshet.bench.freshness;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Looks up, over and over, the probes sent and not yet visible ({@code clicks_total} of their
 * entities, one {@code POST /get-online-features} for all of them, one request in flight) and
 * records when each is first answered PRESENT (NOT_FOUND until its tile reaches the online store).
 * The recorded time is when the answer arrived, so a delay is overstated by at most one lookup's
 * duration plus the {@value #PAUSE_MICROS} µs pause between lookups. Runs on its own thread until
 * {@link #close()}.
 */
final class ProbePoller implements AutoCloseable {

    static final long PAUSE_MICROS = 1_000;
    private static final int MAX_ROWS = 1_000;
    private static final String STATUSES = "\"statuses\":[";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI url;
    private final String feature;
    private final String joinKey;
    private final Probes probes;
    private final Thread thread;
    private volatile boolean closing;
    private volatile Throwable failure;
    private volatile long lookups;
    private int firstPending;

    ProbePoller(String apiUrl, String feature, String joinKey, Probes probes) {
        this.url = URI.create(apiUrl + "/get-online-features");
        this.feature = feature;
        this.joinKey = joinKey;
        this.probes = probes;
        this.thread = new Thread(this::run, "freshness-poller");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        try {
            while (!closing) {
                List<Integer> pending = pending();
                if (pending.isEmpty()) {
                    LockSupport.parkNanos(PAUSE_MICROS * 1_000);
                    continue;
                }
                String body = "{\"features\":[\"" + feature + "\"],\"entities\":{\"" + joinKey + "\":["
                        + pending.stream().map(n -> "\"" + Probes.id(n) + "\"").collect(Collectors.joining(",")) + "]}}";
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                long now = System.nanoTime();
                lookups++;
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("lookup answered " + response.statusCode() + ": " + response.body());
                }
                List<String> statuses = featureStatuses(response.body());
                if (statuses.size() != pending.size()) {
                    throw new IllegalStateException("asked for " + pending.size() + " probes, got " + statuses.size() + " statuses: " + response.body());
                }
                for (int i = 0; i < statuses.size(); i++) {
                    if (statuses.get(i).equals("\"PRESENT\"")) {
                        probes.seen(Probes.Stage.API, pending.get(i), now);
                    }
                }
                LockSupport.parkNanos(PAUSE_MICROS * 1_000);
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** The probes sent and not yet seen, oldest first, at most {@value #MAX_ROWS}. */
    private List<Integer> pending() {
        int sent = probes.count();
        while (firstPending < sent && probes.isSeen(Probes.Stage.API, firstPending)) {
            firstPending++;
        }
        List<Integer> out = new ArrayList<>();
        for (int n = firstPending; n < sent && out.size() < MAX_ROWS; n++) {
            if (!probes.isSeen(Probes.Stage.API, n)) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * The statuses of the feature column in Feast's response shape: the results are the join key
     * column, then the feature's; each has {@code "statuses":[...]} with plain quoted names.
     */
    private static List<String> featureStatuses(String json) {
        int first = json.indexOf(STATUSES);
        int second = first < 0 ? -1 : json.indexOf(STATUSES, first + 1);
        if (second < 0) {
            throw new IllegalStateException("no feature statuses in the response " + json);
        }
        int start = second + STATUSES.length();
        return List.of(json.substring(start, json.indexOf(']', start)).split(","));
    }

    long lookups() {
        return lookups;
    }

    @Override
    public void close() throws InterruptedException {
        closing = true;
        thread.join(10_000);
        client.close();
        if (failure != null) {
            throw new IllegalStateException("the probe poller failed", failure);
        }
    }
}
