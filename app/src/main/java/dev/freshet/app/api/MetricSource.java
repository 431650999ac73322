package dev.freshet.app.api;

/**
 * Samples that {@code GET /metrics} adds to the API's own: pipeline counters, dead-letter counts,
 * consumer lag. Implemented by the composition root and passed to {@link ApiServer.Builder#metrics}.
 *
 * <p>Called once per scrape, on a worker thread (never an event loop), so it may do a little
 * blocking work such as asking Kafka for offsets; keep it well under the scrape timeout
 * (Prometheus' default is 10 s). It may be called by several scrapes at once. When it throws,
 * the scrape still succeeds without its samples, and the failure is logged.
 */
@FunctionalInterface
public interface MetricSource {

    /**
     * Writes this source's current samples.
     *
     * @param out where to write; samples of one metric may be written in any order and from
     *            several sources, the writer groups them under one {@code # HELP} and {@code # TYPE}
     */
    void writeTo(PrometheusWriter out);
}
