package dev.freshet.core.config;

/** The HTTP API: the port it listens on. */
public record ApiConfig(int port) {

    public static final int DEFAULT_PORT = 8080;

    public static ApiConfig defaults() {
        return new ApiConfig(DEFAULT_PORT);
    }
}
