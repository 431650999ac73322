package dev.freshet.offline.join;

import dev.freshet.core.definition.Schema;

import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads another event stream ahead on a thread of its own: the scan, the decoding and the merge
 * happen there, in batches of primitive columns ({@link EventRows}; no object per event: strings stay
 * UTF-8 bytes until read), copied a run of one entity at a time, while the join's thread aggregates the
 * previous batches, a run at a time too ({@link #run}). The join is thus spread over two cores without
 * changing what it computes:
 * the order of the events is the source's.
 *
 * <p>Memory stays bounded: {@link #BATCHES} batches of {@link #BATCH_EVENTS} events circulate
 * between the threads, and the reader waits when the join has not freed one. The source is used only
 * by the reader thread until it ends, and is closed by {@link #close} after that thread has stopped.
 * A failure of the reader is thrown, as it was thrown there, by the {@link #next} that reaches it.
 * Not thread-safe (one consumer).
 */
final class PrefetchedEvents implements EventStream {

    static final int BATCH_EVENTS = 4096;
    static final int BATCHES = 16;

    /** Events read ahead, in columns; {@code count < BATCH_EVENTS} only for the last one. */
    private static final class Batch {
        final EventRows rows;
        final String[] entities = new String[BATCH_EVENTS];
        final boolean[] sameEntity = new boolean[BATCH_EVENTS];
        final int[] partitions = new int[BATCH_EVENTS];
        final long[] offsets = new long[BATCH_EVENTS];
        int count;
        boolean last;
        /** What the source threw (an unchecked exception or an error), ending the stream. */
        Throwable failure;

        Batch(Schema schema, int[] fields) {
            rows = EventRows.withTextAsBytes(schema, fields, BATCH_EVENTS);
        }
    }

    private final EventStream source;
    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES);
    private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(BATCHES);
    private final Thread reader;
    /** The join thread's view of the current event, filled from the batch when asked for. */
    private final EventRow row;
    private volatile boolean stopped;
    private Batch current;
    private int index;
    private boolean ended;
    private boolean closed;

    /**
     * @param schema the source's schema
     * @param fields the schema positions of the fields the join aggregates: those {@link #row} carries
     */
    PrefetchedEvents(EventStream source, Schema schema, int[] fields, String name) {
        this.source = source;
        this.row = new EventRow(schema, fields);
        for (int i = 0; i < BATCHES; i++) {
            free.add(new Batch(schema, fields));
        }
        this.reader = Thread.ofPlatform().daemon().name("freshet-join-reader-" + name).unstarted(this::read);
        reader.start();
    }

    /** The reader thread: fills free batches until the source ends or fails, or the stream is closed. */
    private void read() {
        try {
            boolean more = true;
            while (more && !stopped) {
                Batch b = free.take();
                b.rows.clear();
                int n = 0;
                try {
                    while (n < BATCH_EVENTS && (more = source.next())) {
                        n += readRun(b, n);
                    }
                } catch (RuntimeException | Error e) {
                    // handed to the join's thread, which would otherwise wait for this thread forever
                    b.failure = e;
                    more = false;
                }
                b.count = n;
                b.last = !more;
                full.put(b);
            }
        } catch (InterruptedException e) {
            // closed while waiting for the join: nothing more to do
        }
    }

    /**
     * Copies the source's current event and those it gives in bulk after it ({@link EventStream#copyRun}) into
     * {@code b[n..]}; a method of its own so that the JIT compiles it early, in full.
     *
     * @return how many
     */
    private int readRun(Batch b, int n) {
        String entity = source.entity();
        b.sameEntity[n] = source.sameEntity();
        int k = source.copyRun(b.rows, b.partitions, b.offsets, n, BATCH_EVENTS - n);
        Arrays.fill(b.sameEntity, n + 1, n + k, true);
        Arrays.fill(b.entities, n, n + k, entity);
        return k;
    }

    @Override
    public boolean next() {
        if (ended) {
            return false;
        }
        if (current != null && ++index < current.count) {
            return true;
        }
        while (true) {
            if (current != null) {
                if (current.last) {
                    ended = true;
                    Throwable failure = current.failure;
                    if (failure != null) {
                        failure.addSuppressed(new IllegalStateException("rethrown from the join's reader thread " + reader.getName()));
                        if (failure instanceof Error error) {
                            throw error;
                        }
                        throw (RuntimeException) failure;
                    }
                    return false;
                }
                free.add(current);
            }
            try {
                current = full.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the archive's events", e);
            }
            index = 0;
            if (current.count > 0) {
                return true;
            }
        }
    }

    @Override
    public boolean sameEntity() {
        return current.sameEntity[index];
    }

    @Override
    public String entity() {
        return current.entities[index];
    }

    @Override
    public long ts() {
        return current.rows.timestamp(index);
    }

    @Override
    public int partition() {
        return current.partitions[index];
    }

    @Override
    public long offset() {
        return current.offsets[index];
    }

    @Override
    public EventRow row() {
        current.rows.load(index, row);
        return row;
    }

    /**
     * How many events, from the current one on and within the batch read ahead, are of the current one's entity and
     * before {@code t}: at least 1 when the current event is before {@code t}. They are rows {@link #index} onwards of
     * {@link #rows}, until {@link #advance}.
     */
    int run(long t) {
        Batch b = current;
        EventRows rows = b.rows;
        int end = index;
        int count = b.count;
        do {
            end++;
        } while (end < count && b.sameEntity[end] && rows.timestamp(end) < t);
        return end - index;
    }

    /** The batch read ahead that holds the current event, as rows (valid until {@link #advance} or {@link #next} leaves it). */
    EventRows rows() {
        return current.rows;
    }

    /** The current event's row in {@link #rows}. */
    int index() {
        return index;
    }

    /** Event {@code k} of the run from the current one on ({@link #run}), filled into the reused row. */
    EventRow row(int k) {
        current.rows.load(index + k, row);
        return row;
    }

    int partition(int k) {
        return current.partitions[index + k];
    }

    long offset(int k) {
        return current.offsets[index + k];
    }

    /** Moves past {@code n} events, the current one included (as {@code n} calls of {@link #next}); false at the end. */
    boolean advance(int n) {
        index += n - 1;
        return next();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopped = true;
        reader.interrupt();
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the join's reader thread", e);
        } finally {
            free.clear();
            full.clear();
            current = null;
        }
        source.close();
    }
}
