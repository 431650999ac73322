package dev.freshet.app;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The logging defaults of the {@code freshet} command (slf4j-simple): warnings and errors from the
 * libraries, Freshet's own information, all on stderr with a short time, so that stdout carries only
 * what the commands print. Kafka's broker and clients log hundreds of INFO lines at start-up, which
 * would bury those.
 *
 * <p>Given as system properties, which slf4j-simple reads when the first logger is created; a value
 * the user set ({@code -Dorg.slf4j.simpleLogger.defaultLogLevel=info}, e.g. through
 * {@code JAVA_TOOL_OPTIONS}) is kept.
 */
final class LogDefaults {

    private static final String PREFIX = "org.slf4j.simpleLogger.";

    static final Map<String, String> DEFAULTS = defaults();

    private LogDefaults() {
    }

    /** Sets every default that {@code properties} (the system properties) does not set already. */
    static void applyTo(Properties properties) {
        DEFAULTS.forEach((key, value) -> {
            if (properties.getProperty(key) == null) {
                properties.setProperty(key, value);
            }
        });
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(PREFIX + "logFile", "System.err");
        d.put(PREFIX + "defaultLogLevel", "warn");
        d.put(PREFIX + "log.dev.freshet", "info");
        // The commands report an unreachable broker themselves, in one line; the client would warn every second.
        d.put(PREFIX + "log.org.apache.kafka.clients.NetworkClient", "error");
        // Producers warn at each retried send (the pipeline's transactions retry often under load); a send
        // that finally fails surfaces as an error of the pipeline or of freshet produce.
        d.put(PREFIX + "log.org.apache.kafka.clients.producer.internals.Sender", "error");
        // The embedded broker's controller warns at every start that it activates ("Performing controller activation").
        d.put(PREFIX + "log.org.apache.kafka.controller.QuorumController", "error");
        d.put(PREFIX + "showDateTime", "true");
        d.put(PREFIX + "dateTimeFormat", "HH:mm:ss");
        d.put(PREFIX + "showThreadName", "false");
        d.put(PREFIX + "showShortLogName", "true");
        d.put(PREFIX + "levelInBrackets", "true");
        return Map.copyOf(d);
    }
}
