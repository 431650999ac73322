package dev.freshet.app.api;

import dev.freshet.app.api.HealthCheck.Component;
import dev.freshet.app.api.HealthCheck.Report;
import dev.freshet.app.api.Routes.Answer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET /health} and {@code GET /metrics}: the answers built from what the composition root
 * plugged in. Both run on a worker thread, since a health check or a metric source may block.
 * Thread-safe.
 */
final class Operations {

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    private final HealthCheck health;
    private final List<MetricSource> sources;
    private final ApiMetrics metrics;
    /** Sources whose failure has been logged with its stack trace; later failures are logged in one line. */
    private final Set<MetricSource> failing = ConcurrentHashMap.newKeySet();

    Operations(HealthCheck health, List<MetricSource> sources, ApiMetrics metrics) {
        this.health = health;
        this.sources = List.copyOf(sources);
        this.metrics = metrics;
    }

    /** 200 with {@code "status": "UP"}, or 503 with {@code "DOWN"}; a check that throws is a DOWN report. */
    Answer health() {
        Report report;
        try {
            report = health.check();
            if (report == null) {
                throw new IllegalStateException("the health check returned no report");
            }
        } catch (RuntimeException e) {
            log.warn("the health check failed; answering DOWN", e);
            report = new Report(false, Map.of("health_check", Component.down("the health check failed: " + e)));
        }
        JsonOut out = JsonOut.local();
        out.raw('{').name("status").string(report.up() ? "UP" : "DOWN").raw(',').name("checks").raw('{');
        boolean first = true;
        for (Map.Entry<String, Component> c : report.checks().entrySet()) {
            (first ? out : out.raw(',')).name(c.getKey()).raw('{').name("status").string(c.getValue().up() ? "UP" : "DOWN")
                    .raw(',').name("detail").string(c.getValue().detail()).raw('}');
            first = false;
        }
        out.raw('}').raw('}');
        return Answer.json(report.up() ? 200 : 503, out);
    }

    /** The exposition text: the API's metrics, then each source's; a source that fails is left out and logged. */
    String metrics() {
        PrometheusWriter out = new PrometheusWriter();
        metrics.writeTo(out);
        for (MetricSource source : sources) {
            PrometheusWriter staged = new PrometheusWriter();
            try {
                source.writeTo(staged);
                out.addAll(staged);
                failing.remove(source);
            } catch (RuntimeException e) {
                if (failing.add(source)) {
                    log.warn("metric source {} failed; its samples are left out of /metrics until it recovers", source, e);
                } else {
                    log.debug("metric source {} failed again: {}", source, e.toString());
                }
            }
        }
        return out.text();
    }
}
