package dev.freshet.app.api;

import java.util.List;

/**
 * Where {@code POST /push} writes the rows it accepted: a source's raw topic, from which they go
 * through the same pipeline as every other event. {@link KafkaPushTarget} is the Kafka
 * implementation; tests may provide their own.
 *
 * <p>Called on a worker thread (never an event loop), possibly by several requests at once;
 * implementations serialize what must be serialized.
 */
@FunctionalInterface
public interface PushTarget {

    /**
     * Writes all the values to the topic, or none of them: readers of the topic never see part of
     * one call's values.
     *
     * @param topic  the raw topic of the source
     * @param values the records' values (JSON objects, UTF-8), in order, already validated
     * @throws dev.freshet.core.error.TransientException when the topic cannot be written now
     *         (Kafka unreachable): nothing was written, or, when the message says so, the outcome is unknown
     * @throws dev.freshet.core.error.InvalidInputException when Kafka refuses the values themselves
     *         (a record larger than the topic accepts): nothing was written
     */
    void send(String topic, List<byte[]> values);
}
