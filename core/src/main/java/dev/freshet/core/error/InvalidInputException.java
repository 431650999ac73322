package dev.freshet.core.error;

/** The caller sent something Freshet cannot accept; the message says what to fix. Retrying the same input fails again. */
public class InvalidInputException extends FreshetException {

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }

    /** See {@link FreshetException#FreshetException(String, Throwable, boolean, boolean)}. */
    protected InvalidInputException(String message, Throwable cause, boolean enableSuppression, boolean writableStackTrace) {
        super(message, cause, enableSuppression, writableStackTrace);
    }
}
