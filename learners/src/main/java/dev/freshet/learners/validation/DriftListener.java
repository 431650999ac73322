package dev.freshet.learners.validation;

/**
 * Told of each drift {@link ProgressiveValidation} detects, on the thread that called
 * {@link ProgressiveValidation#record} (outside its lock, so it may call {@code metrics()}). It should
 * return quickly: log, bump a metric, or hand the event to another thread.
 */
@FunctionalInterface
public interface DriftListener {

    void onDrift(DriftEvent event);
}
