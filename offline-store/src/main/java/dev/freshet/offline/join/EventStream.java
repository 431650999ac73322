package dev.freshet.offline.join;

import dev.freshet.core.codec.ByteReader;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;

import java.util.List;

/**
 * A source's archived events in (entity, event time, partition, offset) order, one at a time. The
 * accessors read the current event, valid until the next {@link #next}.
 */
interface EventStream extends AutoCloseable {

    boolean next();

    /** Whether the current event's entity is the previous event's (false for the first). */
    boolean sameEntity();

    String entity();

    long ts();

    int partition();

    long offset();

    /**
     * The current event, with the fields the join reads (the others null): a row the stream reuses,
     * valid until the next {@link #next}.
     */
    EventRow row();

    /** Stores the current event as row {@code i} of {@code rows} (as {@code rows.set(i, row())}, which a stream may do without its row). */
    default void copyTo(EventRows rows, int i) {
        rows.set(i, row());
    }

    /**
     * Copies the current event and the ones after it into {@code rows}, {@code partitions} and {@code offsets} from
     * index {@code at} on: as many as the stream can give in bulk, all of the current entity and in the stream's
     * order, at most {@code max} and at least the current one. The stream is left on the last one copied, so that
     * {@link #next} goes on after it; {@link #sameEntity} then reports true when more than one was copied.
     *
     * @return how many were copied, at least 1
     */
    default int copyRun(EventRows rows, int[] partitions, long[] offsets, int at, int max) {
        copyTo(rows, at);
        partitions[at] = partition();
        offsets[at] = offset();
        return 1;
    }

    /**
     * As {@link #copyRun}, stopping also before the first event that does not come strictly before
     * {@code (ts, partition, offset)}: what a merge may take from one stream before another's turn.
     */
    default int copyRunBefore(EventRows rows, int[] partitions, long[] offsets, int at, int max, long ts, int partition, long offset) {
        return copyRun(rows, partitions, offsets, at, 1);
    }

    @Override
    void close();

    /** The events an {@link ExternalSorter} sorted, their payloads written by {@link FieldEncoder}. */
    static EventStream sorted(RecordCursor cursor, Schema schema, int[] fields) {
        EventRow row = new EventRow(schema, fields);
        return new EventStream() {
            private String previous;
            private boolean same;

            @Override
            public boolean next() {
                if (!cursor.next()) {
                    return false;
                }
                String key = cursor.key();
                same = key.equals(previous);
                previous = key;
                return true;
            }

            @Override
            public boolean sameEntity() {
                return same;
            }

            @Override
            public String entity() {
                return cursor.key();
            }

            @Override
            public long ts() {
                return cursor.a();
            }

            @Override
            public int partition() {
                return (int) cursor.b();
            }

            @Override
            public long offset() {
                return cursor.c();
            }

            @Override
            public EventRow row() {
                ByteReader in = new ByteReader(cursor.payload(), cursor.payloadOffset(), cursor.payloadLength(), "sorted event");
                row.timestamp = cursor.a();
                for (int p : fields) {
                    if (in.readByte() == 0) {
                        row.setNull(p);
                    } else if (schema.field(p).type() == FieldType.STRING) {
                        row.nulls[p] = false;
                        row.strings[p] = in.readString();
                    } else {
                        row.nulls[p] = false;
                        row.bits[p] = in.readLong();
                    }
                }
                return row;
            }

            @Override
            public void close() {
                cursor.close();
            }
        };
    }

    /** The k-way merge of sorted streams. Closing it closes them all. */
    static EventStream merge(List<EventStream> streams) {
        return streams.size() == 1 ? streams.get(0) : new MergedEvents(streams);
    }
}
