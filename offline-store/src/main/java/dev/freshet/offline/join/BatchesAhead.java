package dev.freshet.offline.join;

import org.apache.arrow.vector.VectorSchemaRoot;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Builds the output's batches ({@link OutputBatches#next}: the spine's second scan and the values'
 * decoding) on a thread of its own, {@link #DEPTH} batches ahead of the file writer that takes them,
 * so that building one batch overlaps encoding the previous one. The batches come in order. A
 * failure while building is thrown by the {@link #next} that reaches it. {@link #close} (idempotent)
 * stops the thread and frees the batches nobody took; the {@link OutputBatches} are used by that
 * thread only, until it has stopped. Not thread-safe (one consumer).
 */
final class BatchesAhead implements AutoCloseable {

    static final int DEPTH = 2;
    private static final Object END = new Object();

    private final OutputBatches batches;
    private final BlockingQueue<Object> ready = new ArrayBlockingQueue<>(DEPTH);
    private final Thread builder;
    private volatile boolean stopped;
    private boolean ended;
    private boolean closed;

    BatchesAhead(OutputBatches batches) {
        this.batches = batches;
        this.builder = Thread.ofPlatform().daemon().name("freshet-join-output").unstarted(this::build);
        builder.start();
    }

    private void build() {
        Object next;
        do {
            try {
                VectorSchemaRoot batch = stopped ? null : batches.next();
                next = batch == null ? END : batch;
            } catch (RuntimeException | Error e) {
                // handed to the writer's thread, which would otherwise wait for this thread forever
                next = e;
            }
            try {
                ready.put(next);
            } catch (InterruptedException e) {
                // closed: nobody takes it
                if (next instanceof VectorSchemaRoot batch) {
                    batch.close();
                }
                return;
            }
        } while (next instanceof VectorSchemaRoot);
    }

    /** The next batch (the caller closes it), or null after the last. */
    VectorSchemaRoot next() {
        if (ended) {
            return null;
        }
        Object next;
        try {
            next = ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the training set's next batch", e);
        }
        if (next instanceof VectorSchemaRoot batch) {
            return batch;
        }
        ended = true;
        if (next instanceof RuntimeException e) {
            e.addSuppressed(new IllegalStateException("rethrown from the thread that builds the output, " + builder.getName()));
            throw e;
        }
        if (next instanceof Error e) {
            throw e;
        }
        return null;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopped = true;
        builder.interrupt();
        try {
            builder.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Object left = ready.poll(); left != null; left = ready.poll()) {
            if (left instanceof VectorSchemaRoot batch) {
                batch.close();
            }
        }
    }
}
