package dev.freshet.offline.join;

import dev.freshet.core.aggregate.ViewAggregator;

import java.util.Arrays;
import java.util.List;

/**
 * The sort-merge join of one source: the spine sorted by (entity, time) against the source's events
 * sorted by (entity, time, partition, offset), in one pass. For each spine row {@code (e, t)} the
 * events of {@code e} before {@code t} are fed to every view's {@link ViewState} (events at exactly
 * {@code t} wait for a later row), then the requested features are evaluated. The values go, keyed
 * by spine row number, to the source's {@link SourceResults}.
 *
 * <p>Entity strings are compared once per entity, not once per event: within an entity the event
 * stream's {@code sameEntity} flag tells when its events end. The work of one spine row is split
 * into small methods on purpose: the JIT then compiles each early and in full, where one long loop
 * was compiled late (on-stack replacement), slowly and more than once, which shows in a short join.
 * Not thread-safe; one instance per run.
 */
final class SourceJoin {

    private static final int PROGRESS_STEP = 8192;

    private final ViewState[] views;
    private final Object[] values;
    /** Per view: the earliest tile start it reads at the current spine time ({@link ViewState#readsFrom}). */
    private final long[] readsFrom;
    private final PrefetchedEvents events;
    /** Whether some view is not {@link ViewState#direct}: its events then go one at a time. */
    private final boolean oneByOne;
    private final SourceResults results;
    private boolean hasEvent;
    /** Whether the current event is of the spine's current entity. */
    private boolean match;
    private String entity;
    private boolean any;
    private long latest;

    private SourceJoin(JoinPlan.SourcePlan source, PrefetchedEvents events, SourceResults results) {
        List<JoinPlan.ViewPlan> viewPlans = source.views();
        this.views = new ViewState[viewPlans.size()];
        for (int i = 0; i < views.length; i++) {
            views[i] = new ViewState(viewPlans.get(i), source.source().schema(), source.fields());
        }
        this.values = new Object[source.columns().length];
        this.readsFrom = new long[views.length];
        this.events = events;
        this.results = results;
        boolean any = false;
        for (ViewState v : views) {
            any |= !v.direct();
        }
        this.oneByOne = any;
    }

    /**
     * @param spine   records (entity, t, row number), sorted
     * @param events  the source's events, sorted
     * @param results receives each spine row's values
     */
    static void run(JoinPlan.SourcePlan source, RecordCursor spine, PrefetchedEvents events, SourceResults results, JoinProgress progress) {
        SourceJoin join = new SourceJoin(source, events, results);
        join.hasEvent = events.next();
        long rows = 0;
        while (spine.next()) {
            join.row(spine.key(), spine.a(), spine.b());
            if (++rows % PROGRESS_STEP == 0) {
                progress.advance(PROGRESS_STEP);
            }
        }
        progress.advance(rows % PROGRESS_STEP);
    }

    private void row(String e, long t, long rowNumber) {
        if (!e.equals(entity)) {
            startEntity(e);
        }
        if (match && events.ts() < t) {
            feed(t);
        }
        evaluate(t);
        results.put(rowNumber, values);
        Arrays.fill(values, null);
    }

    /** Forgets the previous entity and moves the events to the first of {@code e}, if it has any. */
    private void startEntity(String e) {
        entity = e;
        for (ViewState v : views) {
            v.reset();
        }
        any = false;
        latest = Long.MIN_VALUE;
        if (match) {
            // the rest of the previous spine entity's events (those at or after its last time)
            hasEvent = skipEntity();
        }
        while (hasEvent && events.entity().compareTo(e) < 0) {
            hasEvent = skipEntity();
        }
        match = hasEvent && events.entity().equals(e);
    }

    /**
     * Adds the entity's events before {@code t} to the views that will read them, a run of the batch read ahead at a
     * time: a direct view takes the run at once; the others take its events one at a time, and an event older than
     * every window of a view without lifetime features (at {@code t}, so at every later time of the entity too) is
     * passed over, unread, as the tile it would go to would be dropped unread.
     */
    private void feed(long t) {
        for (int i = 0; i < views.length; i++) {
            readsFrom[i] = views[i].readsFrom(t);
        }
        do {
            int n = events.run(t);
            EventRows rows = events.rows();
            int first = events.index();
            for (ViewState v : views) {
                if (v.direct()) {
                    v.addAll(rows, first, first + n);
                }
            }
            if (oneByOne) {
                feedOneByOne(rows, first, n);
            }
            any = true;
            latest = rows.timestamp(first + n - 1);
            hasEvent = events.advance(n);
            match = hasEvent && events.sameEntity();
        } while (match && events.ts() < t);
    }

    /** The run's events to the views that are not direct, each event read once for all of them. */
    private void feedOneByOne(EventRows rows, int first, int n) {
        for (int k = 0; k < n; k++) {
            long ts = rows.timestamp(first + k);
            EventRow event = null;
            for (int i = 0; i < views.length; i++) {
                ViewState v = views[i];
                if (!v.direct() && v.reads(ts, readsFrom[i])) {
                    if (event == null) {
                        event = events.row(k);
                    }
                    v.add(event, events.partition(k), events.offset(k));
                }
            }
        }
    }

    private void evaluate(long t) {
        for (ViewState v : views) {
            JoinPlan.ViewPlan vp = v.plan();
            // NOT_FOUND: no event before t, or every tile expired; OUTSIDE_MAX_AGE: the latest one is older than the ttl
            if (!any || expired(vp.expiry(), t) || (vp.ttlMillis() > 0 && latest < t - vp.ttlMillis())) {
                for (int slot : vp.slot()) {
                    values[slot] = null;
                }
            } else {
                v.evaluate(t, values);
            }
        }
    }

    /** True when the view's tiles expire and the newest one holding an event before {@code t} has, as online. */
    private boolean expired(ViewAggregator expiry, long t) {
        return expiry != null && expiry.tileStart(latest) <= expiry.lastExpiredStart(t);
    }

    /** Moves past the current entity's events; false at the end of the stream. */
    private boolean skipEntity() {
        while (events.next()) {
            if (!events.sameEntity()) {
                return true;
            }
        }
        return false;
    }
}
