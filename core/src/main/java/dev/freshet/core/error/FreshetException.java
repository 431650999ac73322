package dev.freshet.core.error;

/**
 * The root of every exception Freshet throws on purpose. Unchecked: callers catch the subclass
 * that matches what they can do about it ({@link InvalidInputException}: fix the input;
 * {@link TransientException}: retry; {@link CorruptDataException}: the stored bytes cannot be
 * read, give up on them).
 */
public class FreshetException extends RuntimeException {

    public FreshetException(String message) {
        super(message);
    }

    public FreshetException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * For exceptions thrown once per bad record, where filling in a stack trace would cost more
     * than the rest of the work; see {@link RuntimeException#RuntimeException(String, Throwable, boolean, boolean)}.
     */
    protected FreshetException(String message, Throwable cause, boolean enableSuppression, boolean writableStackTrace) {
        super(message, cause, enableSuppression, writableStackTrace);
    }
}
