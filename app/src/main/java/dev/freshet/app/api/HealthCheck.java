package dev.freshet.app.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code GET /health} reports: whether this instance can serve, and the state of each part
 * (the pipeline, Kafka, the online store). Implemented by the composition root, which knows the
 * parts; the API answers 200 {@code {"status": "UP", "checks": {...}}} when the report is up and
 * 503 {@code {"status": "DOWN", ...}} when it is not.
 *
 * <p>Called once per request on a worker thread (never an event loop), possibly by several
 * requests at once; it may block briefly but should answer within a second or two, since load
 * balancers probe often and with short timeouts. When it throws, the API answers 503 with the
 * exception's message and logs it.
 */
@FunctionalInterface
public interface HealthCheck {

    /** The current report. */
    Report check();

    /**
     * The state of the instance and of each part.
     *
     * @param up     whether the instance can serve
     * @param checks each part by name, in the order given (copied)
     */
    record Report(boolean up, Map<String, Component> checks) {

        public Report {
            Objects.requireNonNull(checks, "checks");
            Map<String, Component> copy = new LinkedHashMap<>();
            checks.forEach((name, c) -> copy.put(Objects.requireNonNull(name, "check name"),
                    Objects.requireNonNull(c, () -> "component " + name)));
            checks = Collections.unmodifiableMap(copy);
        }

        /** Up exactly when every part is. */
        public static Report of(Map<String, Component> checks) {
            return new Report(checks.values().stream().allMatch(Component::up), checks);
        }
    }

    /**
     * The state of one part.
     *
     * @param up     whether it works
     * @param detail a short description for an operator ("RUNNING, 4 threads", "broker 127.0.0.1:9092 unreachable"), may be empty
     */
    record Component(boolean up, String detail) {

        public Component {
            Objects.requireNonNull(detail, "detail");
        }

        public static Component up(String detail) {
            return new Component(true, detail);
        }

        public static Component down(String detail) {
            return new Component(false, detail);
        }
    }
}
