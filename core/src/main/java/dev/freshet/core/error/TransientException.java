package dev.freshet.core.error;

/** A dependency (broker, store, network) failed in a way that may succeed when retried. */
public class TransientException extends FreshetException {

    public TransientException(String message, Throwable cause) {
        super(message, cause);
    }
}
