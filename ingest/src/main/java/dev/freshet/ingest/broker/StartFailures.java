package dev.freshet.ingest.broker;

import dev.freshet.core.error.FreshetException;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.error.TransientException;

import java.net.BindException;
import java.nio.file.Path;

/** The exceptions the embedded broker throws when it cannot start, each saying what to do. */
final class StartFailures {

    private static final String PREFIX = "cannot start the embedded Kafka broker: ";

    private StartFailures() {
    }

    static TransientException portInUse(int port, Throwable cause) {
        return new TransientException(PREFIX + Ports.HOST + ":" + port + " is in use (is another broker running? "
                + "change kafka.embedded.port, or set kafka.bootstrap_servers to use it)", cause);
    }

    static TransientException directoryInUse(Path dataDir, Throwable cause) {
        return new TransientException(PREFIX + "its data directory " + dataDir + " is in use by another embedded broker "
                + "(another freshet process?); stop that one, or change kafka.embedded.data_dir", cause);
    }

    static InvalidInputException badDirectory(Path dataDir, String problem) {
        return new InvalidInputException(PREFIX + "its data directory " + dataDir + " " + problem);
    }

    static InvalidInputException badDirectory(Path dataDir, String problem, Throwable cause) {
        return new InvalidInputException(PREFIX + "its data directory " + dataDir + " " + problem, cause);
    }

    /** Maps what {@code KafkaRaftServer} threw while starting to an exception that says what happened. */
    static FreshetException fromKafka(int port, Path dataDir, Throwable failure) {
        if (hasBindException(failure)) {
            if (String.valueOf(failure.getMessage()).contains(":" + port)) {
                return portInUse(port, failure);
            }
            // The controller port is picked at random just before the start; another process took it meanwhile.
            return new TransientException(PREFIX + "a free port it picked for its controller was taken while it "
                    + "started; start it again (" + failure.getMessage() + ")", failure);
        }
        return new FreshetException("cannot start the embedded Kafka broker on " + Ports.HOST + ":" + port
                + " (data in " + dataDir + "): " + describe(failure), failure);
    }

    private static boolean hasBindException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /** The innermost message, which is usually the one that names the problem. */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String inner = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        String outer = failure.getMessage();
        if (root == failure || outer == null || outer.contains(inner)) {
            return outer == null ? inner : outer;
        }
        return outer + ": " + inner;
    }
}
