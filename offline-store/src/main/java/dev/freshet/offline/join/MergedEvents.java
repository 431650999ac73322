package dev.freshet.offline.join;

import java.util.List;

/**
 * The k-way merge of sorted event streams into (entity, event time, partition, offset) order.
 *
 * <p>The merge goes one entity at a time: the streams whose current entity is the smallest form the
 * group, and the next event is the group's smallest (time, partition, offset), found by a linear
 * scan over primitives (k is small: a source's files, often a handful of daily ones). A stream
 * leaves the group when its entity changes, which the stream reports without a string comparison;
 * strings are compared only when the group is empty and the next entity is chosen, so per event
 * there is no string work and no queue operation. The stream chosen stays the head while its next
 * event still comes strictly before the best of the others (found with it), so that files covering
 * apart time ranges, such as daily ones, cost one comparison per event rather than a scan of the
 * group. Ties of the whole key go to the stream listed first, so the order is deterministic.
 * Closing it closes every stream. Not thread-safe.
 */
final class MergedEvents implements EventStream {

    private final EventStream[] streams;
    /** Streams positioned on an event of the current entity. */
    private final int[] group;
    private int groupSize;
    /** Streams positioned on an event of a later entity. */
    private final int[] waiting;
    private int waitingSize;
    private boolean started;
    private int head = -1;
    private int headSlot;
    private boolean sameEntity;
    /** The best event of the group but the head's, when the head was chosen: (ts, partition, offset); none when alone. */
    private boolean runnerUp;
    private long runnerTs;
    private int runnerPartition;
    private long runnerOffset;

    MergedEvents(List<EventStream> streams) {
        this.streams = streams.toArray(new EventStream[0]);
        this.group = new int[this.streams.length];
        this.waiting = new int[this.streams.length];
    }

    @Override
    public boolean next() {
        if (!started) {
            started = true;
            for (int i = 0; i < streams.length; i++) {
                if (streams[i].next()) {
                    waiting[waitingSize++] = i;
                }
            }
        } else if (head >= 0) {
            EventStream h = streams[head];
            if (!h.next()) {
                leaveGroup();
            } else if (!h.sameEntity()) {
                leaveGroup();
                waiting[waitingSize++] = head;
            } else if (!runnerUp || beforeRunnerUp(h)) {
                // still the group's smallest: no scan
                sameEntity = true;
                return true;
            }
        }
        sameEntity = true;
        if (groupSize == 0) {
            if (waitingSize == 0) {
                head = -1;
                return false;
            }
            formGroup();
            sameEntity = false;
        }
        int best = 0;
        EventStream b = streams[group[0]];
        for (int k = 1; k < groupSize; k++) {
            EventStream s = streams[group[k]];
            if (before(s, b) || !before(b, s) && group[k] < group[best]) {
                best = k;
                b = s;
            }
        }
        headSlot = best;
        head = group[best];
        findRunnerUp();
        return true;
    }

    /** The smallest event of the group's other streams (ties do not matter: the head stays only while strictly before it). */
    private void findRunnerUp() {
        runnerUp = false;
        for (int k = 0; k < groupSize; k++) {
            if (k == headSlot) {
                continue;
            }
            EventStream s = streams[group[k]];
            if (!runnerUp || precedes(s.ts(), s.partition(), s.offset(), runnerTs, runnerPartition, runnerOffset)) {
                runnerUp = true;
                runnerTs = s.ts();
                runnerPartition = s.partition();
                runnerOffset = s.offset();
            }
        }
    }

    private boolean beforeRunnerUp(EventStream h) {
        return precedes(h.ts(), h.partition(), h.offset(), runnerTs, runnerPartition, runnerOffset);
    }

    private static boolean before(EventStream x, EventStream y) {
        return precedes(x.ts(), x.partition(), x.offset(), y.ts(), y.partition(), y.offset());
    }

    /** Whether (ts, partition, offset) {@code x} comes strictly before {@code y}. */
    private static boolean precedes(long xTs, int xPartition, long xOffset, long yTs, int yPartition, long yOffset) {
        if (xTs != yTs) {
            return xTs < yTs;
        }
        if (xPartition != yPartition) {
            return xPartition < yPartition;
        }
        return xOffset < yOffset;
    }

    private void leaveGroup() {
        group[headSlot] = group[--groupSize];
    }

    /** Moves the waiting streams on the smallest entity into the group. */
    private void formGroup() {
        String min = streams[waiting[0]].entity();
        for (int k = 1; k < waitingSize; k++) {
            String e = streams[waiting[k]].entity();
            if (e.compareTo(min) < 0) {
                min = e;
            }
        }
        int kept = 0;
        for (int k = 0; k < waitingSize; k++) {
            int i = waiting[k];
            if (streams[i].entity().equals(min)) {
                group[groupSize++] = i;
            } else {
                waiting[kept++] = i;
            }
        }
        waitingSize = kept;
    }

    @Override
    public boolean sameEntity() {
        return sameEntity;
    }

    @Override
    public String entity() {
        return streams[head].entity();
    }

    @Override
    public long ts() {
        return streams[head].ts();
    }

    @Override
    public int partition() {
        return streams[head].partition();
    }

    @Override
    public long offset() {
        return streams[head].offset();
    }

    @Override
    public EventRow row() {
        return streams[head].row();
    }

    @Override
    public void copyTo(EventRows rows, int i) {
        streams[head].copyTo(rows, i);
    }

    /** The head's events while they stay the group's smallest: from daily files, the head file's events of the entity. */
    @Override
    public int copyRun(EventRows rows, int[] partitions, long[] offsets, int at, int max) {
        EventStream h = streams[head];
        int n = runnerUp ? h.copyRunBefore(rows, partitions, offsets, at, max, runnerTs, runnerPartition, runnerOffset)
                : h.copyRun(rows, partitions, offsets, at, max);
        if (n > 1) {
            sameEntity = true;
        }
        return n;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (EventStream s : streams) {
            try {
                s.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
