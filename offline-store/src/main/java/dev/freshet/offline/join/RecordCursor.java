package dev.freshet.offline.join;

/**
 * A forward-only cursor over sorted records of {@link ExternalSorter}: a string key, three longs and
 * an opaque payload. The accessors read the current record, valid until the next {@link #next}.
 */
interface RecordCursor extends AutoCloseable {

    /** Moves to the next record; false at the end. */
    boolean next();

    String key();

    long a();

    long b();

    long c();

    /** The array holding the current payload at {@link #payloadOffset()}; shared, valid until {@link #next}. */
    byte[] payload();

    int payloadOffset();

    int payloadLength();

    @Override
    void close();
}
