package dev.freshet.core.error;

/**
 * Stored bytes (a tile, a checkpoint, a file) cannot be decoded: truncated, written by an unknown
 * format version, or not Freshet's at all. Retrying does not help.
 */
public class CorruptDataException extends FreshetException {

    public CorruptDataException(String message) {
        super(message);
    }

    public CorruptDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
