/**
 * Freshet's HTTP API, on Vert.x core with hand-written routing: Feast-compatible lookups
 * ({@code POST /get-online-features}) and pushes ({@code POST /push}), {@code GET /health},
 * {@code GET /metrics} (Prometheus text) and {@code GET /registry}.
 *
 * <p>The public surface is {@link dev.freshet.app.api.ApiServer} and its builder, the interfaces
 * the composition root implements ({@link dev.freshet.app.api.HealthCheck},
 * {@link dev.freshet.app.api.MetricSource} with its {@link dev.freshet.app.api.PrometheusWriter},
 * {@link dev.freshet.app.api.PushTarget}), and {@link dev.freshet.app.api.KafkaPushTarget}, the
 * push target that writes to Kafka. Everything else is package-private.
 */
package dev.freshet.app.api;
