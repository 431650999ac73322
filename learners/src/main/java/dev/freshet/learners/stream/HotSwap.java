package dev.freshet.learners.stream;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The version of something that serves (a model, a policy), swapped for a newer one while requests
 * run. A request works with whichever version it found, under that version's lock (what serves is
 * not thread-safe, and a request takes microseconds); if the version was retired in between, it
 * works with the new one instead, so no request fails during a swap. A retired version is closed
 * once no request holds it. Thread-safe.
 *
 * @param <T> what serves; closed when retired
 */
public final class HotSwap<T extends AutoCloseable> implements AutoCloseable {

    /** A version: what serves, its name and how much it has learnt. */
    public record Version<T>(T value, String name, long learnt) {
    }

    private static final class Slot<T> {
        final Version<T> version;
        boolean retired; // guarded by this

        Slot(Version<T> version) {
            this.version = version;
        }
    }

    private final String what;
    private final AtomicReference<Slot<T>> current = new AtomicReference<>();
    private volatile boolean closed;

    /** @param what for messages: {@code the serving model ctr} */
    public HotSwap(String what, Version<T> first) {
        this.what = what;
        current.set(new Slot<>(first));
    }

    /**
     * Runs {@code work} with the current version, under its lock.
     *
     * @throws IllegalStateException when closed
     */
    public <R> R use(Function<Version<T>, R> work) {
        while (true) {
            Slot<T> s = current.get();
            if (s == null || closed) {
                throw new IllegalStateException(what + " is closed");
            }
            synchronized (s) {
                if (!s.retired) {
                    return work.apply(s.version);
                }
            }
            // retired between get() and the lock: the next get() sees its successor
        }
    }

    /**
     * Makes {@code next} the serving version and retires the old one; a version that has learnt less
     * than the current one is closed and ignored.
     *
     * @return whether it was swapped in
     */
    public boolean swap(Version<T> next) {
        Slot<T> old;
        synchronized (current) {
            old = current.get();
            if (closed || (old != null && old.version.learnt() > next.learnt())) {
                closeQuietly(next.value());
                return false;
            }
            current.set(new Slot<>(next));
        }
        retire(old);
        return true;
    }

    /** The version serving now, or null once closed. */
    public Version<T> current() {
        Slot<T> s = current.get();
        return s == null ? null : s.version;
    }

    private static <T extends AutoCloseable> void retire(Slot<T> s) {
        if (s == null) {
            return;
        }
        synchronized (s) {
            s.retired = true;
            closeQuietly(s.version.value());
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException("closing " + c + " failed", e);
        }
    }

    /** Closes the serving version; idempotent. */
    @Override
    public void close() {
        synchronized (current) {
            closed = true;
            retire(current.getAndSet(null));
        }
    }
}
