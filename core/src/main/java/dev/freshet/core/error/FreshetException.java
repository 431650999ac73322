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
}
