package dev.freshet.offline.join;

import dev.freshet.core.definition.Schema;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The k-way merge of sorted streams, the read-ahead around it, and the sorter's packed sort, against plain sorts. */
class MergedEventsTest {

    private record E(String entity, long ts, int partition, long offset, int stream) {
    }

    private static final Comparator<E> ORDER = Comparator.comparing(E::entity).thenComparingLong(E::ts)
            .thenComparingInt(E::partition).thenComparingLong(E::offset).thenComparingInt(E::stream);

    private static final Schema NO_FIELDS = Schema.of();

    /** A sorted stream over a list; its rows carry the time only (the merge does not read them). */
    private static final class ListStream implements EventStream {
        private final List<E> events;
        private final EventRow row = new EventRow(NO_FIELDS, new int[0]);
        private int i = -1;
        boolean closed;

        ListStream(List<E> events) {
            this.events = events;
        }

        @Override
        public boolean next() {
            return ++i < events.size();
        }

        @Override
        public boolean sameEntity() {
            return i > 0 && events.get(i - 1).entity().equals(events.get(i).entity());
        }

        @Override
        public String entity() {
            return events.get(i).entity();
        }

        @Override
        public long ts() {
            return events.get(i).ts();
        }

        @Override
        public int partition() {
            return events.get(i).partition();
        }

        @Override
        public long offset() {
            return events.get(i).offset();
        }

        @Override
        public EventRow row() {
            row.timestamp = events.get(i).ts();
            return row;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void mergesInKeyOrderAndFlagsEntityChanges() {
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 50; round++) {
            int k = 1 + random.nextInt(8);
            List<List<E>> lists = new ArrayList<>();
            List<E> all = new ArrayList<>();
            for (int s = 0; s < k; s++) {
                List<E> list = new ArrayList<>();
                int n = random.nextInt(40);
                for (int j = 0; j < n; j++) {
                    // few entities, times and positions: many equal entities and whole-key ties across streams
                    list.add(new E("u" + random.nextInt(5), random.nextInt(4), random.nextInt(2), random.nextInt(3), s));
                }
                list.sort(ORDER);
                lists.add(list);
                all.addAll(list);
            }
            all.sort(ORDER);
            List<ListStream> streams = lists.stream().map(ListStream::new).toList();
            List<E> merged = new ArrayList<>();
            try (EventStream m = new PrefetchedEvents(EventStream.merge(new ArrayList<>(streams)), NO_FIELDS, new int[0], "test")) {
                String previous = null;
                while (m.next()) {
                    assertThat(m.sameEntity()).isEqualTo(m.entity().equals(previous));
                    previous = m.entity();
                    merged.add(new E(m.entity(), m.ts(), m.partition(), m.offset(), 0));
                }
            }
            assertThat(merged).containsExactlyElementsOf(all.stream().map(e -> new E(e.entity(), e.ts(), e.partition(), e.offset(), 0)).toList());
            assertThat(streams).allMatch(s -> s.closed);
        }
    }

    @Test
    void closingBeforeTheEndStopsTheReader() {
        List<E> many = new ArrayList<>();
        for (int j = 0; j < 10 * PrefetchedEvents.BATCH_EVENTS * PrefetchedEvents.BATCHES; j++) {
            many.add(new E("u", j, 0, j, 0));
        }
        ListStream source = new ListStream(many);
        try (EventStream m = new PrefetchedEvents(source, NO_FIELDS, new int[0], "test")) {
            assertThat(m.next()).isTrue();
            assertThat(m.ts()).isZero();
        }
        assertThat(source.closed).isTrue();
    }

    @Test
    void packedSortOfALargeGroupKeepsTheMergeSortsOrder() {
        SplittableRandom random = new SplittableRandom(11);
        try (ExternalSorter sorter = new ExternalSorter("test", 1L << 30, Path.of(System.getProperty("java.io.tmpdir")))) {
            List<long[]> expected = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                long a = random.nextInt(1000) - 500;
                sorter.add("", a, 0, 0, new byte[]{(byte) i, (byte) (i >> 8)});
                expected.add(new long[]{a, i});
            }
            // stable: equal a's keep the order they were added in
            expected.sort(Comparator.comparingLong((long[] x) -> x[0]).thenComparingLong(x -> x[1]));
            try (RecordCursor c = sorter.sorted()) {
                for (long[] e : expected) {
                    assertThat(c.next()).isTrue();
                    assertThat(c.a()).isEqualTo(e[0]);
                    int added = (c.payload()[c.payloadOffset()] & 0xff) | (c.payload()[c.payloadOffset() + 1] & 0xff) << 8;
                    assertThat(added).isEqualTo(e[1]);
                }
                assertThat(c.next()).isFalse();
            }
        }
    }
}
