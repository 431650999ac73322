package dev.freshet.app.api;

import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Source;
import dev.freshet.core.feature.FeatureStatus;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The API's own metrics: requests by endpoint and status, latency histograms by endpoint, lookup
 * and push volumes. Every label value comes from a fixed set (endpoints, status codes, sources of
 * the definitions), so a client cannot grow the series. Recording is lock-free ({@link LongAdder}s
 * allocated up front), for the event loops' hot path. Thread-safe.
 */
final class ApiMetrics {

    /** Histogram bucket upper bounds, seconds: 50 µs to 1 s. */
    static final double[] BUCKETS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0};
    /** The status codes the API answers with; anything else is counted under its class ({@code 2xx}...). */
    private static final int[] STATUSES = {200, 400, 404, 405, 413, 500, 503};
    private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    private static final long[] BUCKET_NANOS = new long[BUCKETS.length];

    static {
        for (int i = 0; i < BUCKETS.length; i++) {
            BUCKET_NANOS[i] = Math.round(BUCKETS[i] * 1e9);
        }
    }

    private final int endpoints = Endpoint.values().length;
    /** [endpoint][status index]: the known statuses, then the classes. */
    private final LongAdder[][] requests = new LongAdder[endpoints][STATUSES.length + CLASSES.length];
    /** [endpoint][bucket], the last bucket +Inf; counts per bucket, not cumulative. */
    private final LongAdder[][] latency = new LongAdder[endpoints][BUCKETS.length + 1];
    private final LongAdder[] latencyNanos = new LongAdder[endpoints];
    private final LongAdder lookupRows = new LongAdder();
    private final LongAdder[] lookupValues = new LongAdder[FeatureStatus.values().length];
    private final Map<String, LongAdder> pushedRows = new LinkedHashMap<>();
    private final Map<String, LongAdder> invalidRows = new LinkedHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    ApiMetrics(Definitions definitions) {
        for (int e = 0; e < endpoints; e++) {
            fill(requests[e]);
            fill(latency[e]);
            latencyNanos[e] = new LongAdder();
        }
        fill(lookupValues);
        for (Source s : definitions.sources()) {
            pushedRows.put(s.name(), new LongAdder());
            invalidRows.put(s.name(), new LongAdder());
        }
    }

    private static void fill(LongAdder[] adders) {
        for (int i = 0; i < adders.length; i++) {
            adders[i] = new LongAdder();
        }
    }

    /** Requests being handled now (received, not yet answered). */
    AtomicInteger inFlight() {
        return inFlight;
    }

    /** One answered request. */
    void request(Endpoint endpoint, int status, long nanos) {
        requests[endpoint.ordinal()][statusIndex(status)].increment();
        LongAdder[] buckets = latency[endpoint.ordinal()];
        int b = 0;
        while (b < BUCKET_NANOS.length && nanos > BUCKET_NANOS[b]) {
            b++;
        }
        buckets[b].increment();
        latencyNanos[endpoint.ordinal()].add(nanos);
    }

    /** A lookup that was answered: its entity rows and the count of values per status ordinal. */
    void lookup(int rows, long[] valuesByStatus) {
        lookupRows.add(rows);
        for (int s = 0; s < valuesByStatus.length; s++) {
            if (valuesByStatus[s] != 0) {
                lookupValues[s].add(valuesByStatus[s]);
            }
        }
    }

    void pushed(String source, int rows) {
        LongAdder a = pushedRows.get(source);
        if (a != null) {
            a.add(rows);
        }
    }

    void invalidRows(String source, int rows) {
        LongAdder a = invalidRows.get(source);
        if (a != null) {
            a.add(rows);
        }
    }

    private static int statusIndex(int status) {
        for (int i = 0; i < STATUSES.length; i++) {
            if (STATUSES[i] == status) {
                return i;
            }
        }
        int cls = status / 100;
        return STATUSES.length + (cls >= 1 && cls <= 5 ? cls - 1 : 4);
    }

    private static String statusLabel(int index) {
        return index < STATUSES.length ? Integer.toString(STATUSES[index]) : CLASSES[index - STATUSES.length];
    }

    /** Writes every sample; series never used (an endpoint not called yet) are left out. */
    void writeTo(PrometheusWriter out) {
        for (Endpoint e : Endpoint.values()) {
            LongAdder[] counts = requests[e.ordinal()];
            for (int s = 0; s < counts.length; s++) {
                long n = counts[s].sum();
                if (n > 0) {
                    out.counter("freshet_http_requests_total", "HTTP requests answered, by endpoint and status code",
                            PrometheusWriter.labels("endpoint", e.path(), "status", statusLabel(s)), n);
                }
            }
        }
        for (Endpoint e : Endpoint.values()) {
            LongAdder[] buckets = latency[e.ordinal()];
            long[] cumulative = new long[buckets.length];
            long running = 0;
            for (int b = 0; b < buckets.length; b++) {
                running += buckets[b].sum();
                cumulative[b] = running;
            }
            if (running > 0) {
                out.histogram("freshet_http_request_duration_seconds", "Time from receiving a request to answering it, by endpoint",
                        Map.of("endpoint", e.path()), BUCKETS, cumulative, latencyNanos[e.ordinal()].sum() / 1e9);
            }
        }
        out.gauge("freshet_http_requests_in_flight", "Requests received and not yet answered", inFlight.get());
        out.counter("freshet_lookup_entities_total", "Entity rows looked up by /get-online-features", lookupRows.sum());
        for (FeatureStatus s : FeatureStatus.values()) {
            out.counter("freshet_lookup_feature_values_total", "Feature values served by /get-online-features, by status",
                    Map.of("status", s.name()), lookupValues[s.ordinal()].sum());
        }
        pushedRows.forEach((source, n) -> out.counter("freshet_push_rows_total",
                "Rows written to a source's raw topic by /push", Map.of("source", source), n.sum()));
        invalidRows.forEach((source, n) -> out.counter("freshet_push_invalid_rows_total",
                "Rows /push rejected because they do not match the source's schema (their requests wrote nothing)",
                Map.of("source", source), n.sum()));
    }
}
