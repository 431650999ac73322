package dev.freshet.online;

import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.error.TransientException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for the replies of {@link RedisOnlineStore}'s commands and turns Lettuce's failures into
 * Freshet's exceptions, naming the URI: a key of the wrong type is {@link CorruptDataException},
 * anything else (unreachable, timed out, out of memory, read-only replica) {@link TransientException},
 * and a call cut short by {@code close()} {@link IllegalStateException}. Thread-safe.
 */
final class RedisAwait {

    private final String uri;
    /** Set when the store closes, so that a call it cut short says so rather than blame Redis. */
    volatile boolean closed;

    RedisAwait(String uri) {
        this.uri = uri;
    }

    /** The reply; {@code action} says what the command was for, in the failure's message. */
    <T> T get(RedisFuture<T> future, String action) {
        try {
            // Lettuce fails the command after COMMAND_TIMEOUT; the extra second only guards against a lost completion
            return future.get(RedisOnlineStore.COMMAND_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(action, e.getCause());
        } catch (TimeoutException e) {
            throw failure(action, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("online store " + uri + ": interrupted while " + action, e);
        }
    }

    private RuntimeException failure(String action, Throwable cause) {
        if (closed) {
            return new IllegalStateException("online store " + uri + " is closed (while " + action + ")", cause);
        }
        if (cause instanceof RedisCommandExecutionException && String.valueOf(cause.getMessage()).startsWith("WRONGTYPE")) {
            return new CorruptDataException("online store " + uri + ": " + action + " failed: " + cause.getMessage()
                    + " (a key under freshet:<project>: holds something Freshet did not write)", cause);
        }
        return new TransientException("online store " + uri + ": " + action + " failed: " + cause
                + " (check that Redis is running and reachable, and its memory and persistence settings)", cause);
    }
}
