package dev.freshet.app.api;

import dev.freshet.core.config.Typos;
import io.vertx.core.http.HttpMethod;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The API's endpoints, each with the one method it takes; {@link #OTHER} is every other path (a metrics label). */
enum Endpoint {
    LOOKUP("/get-online-features", HttpMethod.POST),
    PUSH("/push", HttpMethod.POST),
    PREDICT("/predict", HttpMethod.POST),
    DECIDE("/decide", HttpMethod.POST),
    REWARD("/reward", HttpMethod.POST),
    HEALTH("/health", HttpMethod.GET),
    METRICS("/metrics", HttpMethod.GET),
    REGISTRY("/registry", HttpMethod.GET),
    OTHER("other", null);

    static final List<Endpoint> SERVED = Arrays.stream(values()).filter(e -> e != OTHER).toList();

    /** The paths as {@link Typos} compares them (it reads '-' as '_' in the typo), to the paths. */
    private static final Map<String, String> PATHS = SERVED.stream()
            .collect(Collectors.toMap(e -> e.path.replace('-', '_'), Endpoint::path));
    private static final String LISTING = SERVED.stream().map(e -> e.method.name() + " " + e.path)
            .collect(Collectors.joining(", "));

    private final String path;
    private final HttpMethod method;

    Endpoint(String path, HttpMethod method) {
        this.path = path;
        this.method = method;
    }

    /** The path, or {@code other}; also the {@code endpoint} label of the metrics. */
    String path() {
        return path;
    }

    HttpMethod method() {
        return method;
    }

    /** The endpoint at a request path (without the query), {@link #OTHER} when none is. */
    static Endpoint of(String path) {
        if (path == null) {
            return OTHER;
        }
        return switch (path) {
            case "/get-online-features" -> LOOKUP;
            case "/push" -> PUSH;
            case "/predict" -> PREDICT;
            case "/decide" -> DECIDE;
            case "/reward" -> REWARD;
            case "/health" -> HEALTH;
            case "/metrics" -> METRICS;
            case "/registry" -> REGISTRY;
            default -> OTHER;
        };
    }

    /** The 404 message for a path no endpoint serves: the endpoints, and the one meant when it is a near miss. */
    static String notFound(String path) {
        String shown = path == null ? "(no path)" : Json.quote(path);
        String hint = "";
        if (path != null) {
            String trimmed = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
            hint = Typos.closest(trimmed, PATHS.keySet()).map(p -> "; did you mean " + PATHS.get(p) + "?").orElse("");
        }
        return "no endpoint at " + shown + " (endpoints: " + LISTING + hint + ")";
    }
}
