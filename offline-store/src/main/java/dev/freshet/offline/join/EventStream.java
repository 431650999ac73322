package dev.freshet.offline.join;

import dev.freshet.core.codec.ByteReader;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.event.Event;

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

    /** The current event, with the fields the join reads (the others null). */
    Event event();

    @Override
    void close();

    /** The events an {@link ExternalSorter} sorted, their payloads written by {@link FieldEncoder}. */
    static EventStream sorted(RecordCursor cursor, Schema schema, int[] fields) {
        Event.Builder builder = Event.builder(schema);
        return new EventStream() {
            private String lastKey;
            private EntityKey entityKey;
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
            public Event event() {
                String key = cursor.key();
                if (!key.equals(lastKey)) {
                    lastKey = key;
                    entityKey = new EntityKey(key);
                }
                ByteReader in = new ByteReader(cursor.payload(), cursor.payloadOffset(), cursor.payloadLength(), "sorted event");
                builder.key(entityKey).timestamp(cursor.a());
                for (int p : fields) {
                    if (in.readByte() == 0) {
                        builder.set(p, null);
                    } else if (schema.field(p).type() == dev.freshet.core.definition.FieldType.STRING) {
                        builder.set(p, in.readString());
                    } else {
                        builder.setBits(p, in.readLong());
                    }
                }
                return builder.build();
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
