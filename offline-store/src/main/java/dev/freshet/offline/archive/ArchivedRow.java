package dev.freshet.offline.archive;

import dev.freshet.core.event.Event;

import java.util.Comparator;

/**
 * One archived event with its place in {@code freshet.events.<source>}.
 *
 * @param event     the event, whose key is the entity key in canonical form
 * @param partition the Kafka partition it was read from
 * @param offset    its offset there
 */
record ArchivedRow(Event event, int partition, long offset) {

    /**
     * The order of a sorted archive file ({@link ArchivedFile#sorted()}): entity key (the canonical
     * key, by {@link String#compareTo}), then event time, then Kafka partition and offset. The last
     * two make it total, so that sorting is deterministic and ties of equal event times keep log order
     * within a partition.
     */
    static final Comparator<ArchivedRow> ORDER = (a, b) -> {
        int c = a.event.key().value().compareTo(b.event.key().value());
        if (c != 0) {
            return c;
        }
        c = Long.compare(a.event.timestamp(), b.event.timestamp());
        if (c != 0) {
            return c;
        }
        c = Integer.compare(a.partition, b.partition);
        return c != 0 ? c : Long.compare(a.offset, b.offset);
    };
}
