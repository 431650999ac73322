package dev.freshet.core.config;

import java.util.Objects;

/**
 * The HTTP API: where it listens and how much one request may ask for.
 *
 * @param host            the address to bind: {@code 127.0.0.1} (only this machine) or {@code 0.0.0.0} (every interface)
 * @param port            the TCP port, 0 for any free one
 * @param maxEntities     the most entity rows one lookup may ask for; more is answered 413
 * @param maxRequestBytes the largest request body accepted; larger is answered 413
 * @param eventLoops      the threads that read requests and answer them (and run small RocksDB lookups); 0 for one per core
 */
public record ApiConfig(String host, int port, int maxEntities, int maxRequestBytes, int eventLoops) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_ENTITIES = 1_000;
    public static final int DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;
    public static final int MAX_EVENT_LOOPS = 1024;

    public ApiConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("api port " + port + " is not in 0..65535");
        }
        if (maxEntities < 1 || maxRequestBytes < 1) {
            throw new IllegalArgumentException("api limits must be positive: max_entities " + maxEntities
                    + ", max_request_bytes " + maxRequestBytes);
        }
        if (eventLoops < 0 || eventLoops > MAX_EVENT_LOOPS) {
            throw new IllegalArgumentException("api event_loops " + eventLoops + " is not in 1.." + MAX_EVENT_LOOPS + " (0: one per core)");
        }
    }

    /** With one event loop per core. */
    public ApiConfig(String host, int port, int maxEntities, int maxRequestBytes) {
        this(host, port, maxEntities, maxRequestBytes, 0);
    }

    public ApiConfig(int port) {
        this(DEFAULT_HOST, port, DEFAULT_MAX_ENTITIES, DEFAULT_MAX_REQUEST_BYTES);
    }

    public static ApiConfig defaults() {
        return new ApiConfig(DEFAULT_PORT);
    }

    /** The same settings on another port (tests use 0). */
    public ApiConfig withPort(int newPort) {
        return new ApiConfig(host, newPort, maxEntities, maxRequestBytes, eventLoops);
    }
}
