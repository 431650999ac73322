package dev.freshet.learners.stream;

import java.util.ArrayList;
import java.util.List;

/** Closing several things in order, all of them even when one fails. */
public final class Closeables {

    private Closeables() {
    }

    /**
     * Closes each in the given order (nulls are skipped).
     *
     * @throws RuntimeException the first failure, with the later ones suppressed, after every close was tried
     */
    public static void closeAll(List<? extends AutoCloseable> all) {
        List<RuntimeException> failures = new ArrayList<>();
        for (AutoCloseable c : all) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (RuntimeException e) {
                failures.add(e);
            } catch (Exception e) {
                failures.add(new IllegalStateException("closing " + c + " failed", e));
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }
}
