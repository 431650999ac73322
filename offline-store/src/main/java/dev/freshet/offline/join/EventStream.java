package dev.freshet.offline.join;

import dev.freshet.core.codec.ByteReader;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.event.EntityKey;
import dev.freshet.core.event.Event;
import dev.freshet.offline.arrow.EventColumns;
import dev.freshet.offline.arrow.ParquetFiles;
import org.apache.arrow.memory.BufferAllocator;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * A source's archived events in (entity, event time, partition, offset) order, one at a time. The
 * accessors read the current event, valid until the next {@link #next}.
 */
interface EventStream extends AutoCloseable {

    boolean next();

    String entity();

    long ts();

    int partition();

    long offset();

    /** The current event, with the fields the join reads (the others null). */
    Event event();

    @Override
    void close();

    /** The events of one file whose rows are sorted. */
    static EventStream ofSortedFile(BufferAllocator allocator, Path file, String[] columns, EventColumns view) {
        ParquetFiles.Scan scan = ParquetFiles.scan(allocator, List.of(file), Optional.of(columns), ParquetFiles.DEFAULT_BATCH_ROWS);
        return new EventStream() {
            private int row = -1;
            private int rows;
            // cached: the merge compares the current event many times
            private String entity;
            private long ts;
            private int partition;
            private long offset;

            @Override
            public boolean next() {
                row++;
                while (row >= rows) {
                    if (!scan.next()) {
                        return false;
                    }
                    rows = view.bind(scan.root()).rowCount();
                    row = 0;
                }
                String previous = entity;
                long previousTs = ts;
                entity = view.entity(row);
                ts = view.eventTime(row);
                partition = view.partition(row);
                offset = view.offset(row);
                // a file wrongly marked sorted would silently give wrong values: check the order as it streams
                if (previous != null) {
                    int c = entity.equals(previous) ? 0 : entity.compareTo(previous);
                    if (c < 0 || c == 0 && ts < previousTs) {
                        throw new CorruptDataException("archive file " + file + " is marked sorted, but event (" + entity + ", " + ts
                                + ") comes after (" + previous + ", " + previousTs + "); mark it unsorted or re-compact it");
                    }
                }
                return true;
            }

            @Override
            public String entity() {
                return entity;
            }

            @Override
            public long ts() {
                return ts;
            }

            @Override
            public int partition() {
                return partition;
            }

            @Override
            public long offset() {
                return offset;
            }

            @Override
            public Event event() {
                return view.event(row);
            }

            @Override
            public void close() {
                scan.close();
            }
        };
    }

    /** The events an {@link ExternalSorter} sorted, their payloads written by {@link FieldEncoder}. */
    static EventStream sorted(RecordCursor cursor, Schema schema, int[] fields) {
        Event.Builder builder = Event.builder(schema);
        return new EventStream() {
            private String lastKey;
            private EntityKey entityKey;

            @Override
            public boolean next() {
                return cursor.next();
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
        if (streams.size() == 1) {
            return streams.get(0);
        }
        PriorityQueue<EventStream> queue = new PriorityQueue<>((x, y) -> {
            int c = x.entity().compareTo(y.entity());
            if (c != 0) {
                return c;
            }
            c = Long.compare(x.ts(), y.ts());
            if (c != 0) {
                return c;
            }
            c = Integer.compare(x.partition(), y.partition());
            return c != 0 ? c : Long.compare(x.offset(), y.offset());
        });
        return new EventStream() {
            private boolean started;
            private EventStream head;

            @Override
            public boolean next() {
                if (!started) {
                    started = true;
                    for (EventStream s : streams) {
                        if (s.next()) {
                            queue.add(s);
                        }
                    }
                } else if (head != null && head.next()) {
                    queue.add(head);
                }
                head = queue.poll();
                return head != null;
            }

            @Override
            public String entity() {
                return head.entity();
            }

            @Override
            public long ts() {
                return head.ts();
            }

            @Override
            public int partition() {
                return head.partition();
            }

            @Override
            public long offset() {
                return head.offset();
            }

            @Override
            public Event event() {
                return head.event();
            }

            @Override
            public void close() {
                RuntimeException failure = null;
                for (EventStream s : streams) {
                    try {
                        s.close();
                    } catch (RuntimeException e) {
                        failure = e;
                    }
                }
                if (failure != null) {
                    throw failure;
                }
            }
        };
    }
}
