package dev.freshet.features;

import java.time.Duration;

/**
 * When the tile processors of one stream thread ask Kafka Streams for a commit: after publishing
 * tiles, at most once per publish interval, whichever of the thread's tasks publishes first.
 *
 * <p>Why: ingest and features run on the same stream thread, so they commit together. Events that
 * one commit makes readable on {@code freshet.events.<source>} are added to tiles and published
 * within a publish interval, but without a request their tiles would wait for the next regular
 * commit, a whole commit interval later. Asking for a commit once they are published cuts that wait
 * to a publish interval (a quarter of the commit interval). Kafka Streams commits every task of the
 * thread in one transaction, so one request per thread and interval is enough; requests do not move
 * the regular commits, which still bound how long an ingested event waits. The same commits make
 * the ingest's newest events readable sooner too. The price is broker work: a commit per publish
 * interval instead of per commit interval (see BENCHMARKS.md, freshness).
 *
 * <p>Only when the pipeline keeps up: a request is made only if the newest event added since the
 * last publication was produced (its record's timestamp) within two commit intervals. Catching up
 * on a backlog, a commit per publish interval would cost throughput (each commit waits for the
 * broker) and buy no freshness, so the regular commits alone then run. A producer whose clock is
 * far behind makes every event look old, and the pipeline then commits as if there were no requests.
 *
 * <p>Thread-safe: each stream thread has its own time of the last request.
 */
final class CommitRequests {

    private final long intervalMs;
    private final long liveMs;
    private final ThreadLocal<long[]> lastRequest = ThreadLocal.withInitial(() -> new long[]{Long.MIN_VALUE});

    /** For a pipeline with this regular commit interval; one thread's requests are a publish interval apart at least. */
    CommitRequests(Duration commitInterval) {
        this.intervalMs = FeaturesTopology.publishInterval(commitInterval).toMillis();
        this.liveMs = 2 * commitInterval.toMillis();
    }

    /**
     * Whether the calling thread should ask for a commit now; if so, counts this as its request.
     *
     * @param nowMs       wall-clock time
     * @param newestInput the largest record timestamp among the events in the tiles about to be published,
     *                    Long.MIN_VALUE when none (tiles published again after a restart)
     */
    boolean claim(long nowMs, long newestInput) {
        if (newestInput == Long.MIN_VALUE || nowMs - newestInput > liveMs) {
            return false;
        }
        long[] last = lastRequest.get();
        if (last[0] != Long.MIN_VALUE && nowMs - last[0] < intervalMs) {
            return false;
        }
        last[0] = nowMs;
        return true;
    }
}
