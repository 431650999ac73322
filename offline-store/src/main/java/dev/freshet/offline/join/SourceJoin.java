package dev.freshet.offline.join;

import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.event.Event;

import java.util.Arrays;
import java.util.List;

/**
 * The sort-merge join of one source: the spine sorted by (entity, time) against the source's events
 * sorted by (entity, time, partition, offset), in one pass. For each spine row {@code (e, t)} the
 * events of {@code e} before {@code t} are fed to every view's {@link ViewState} (events at exactly
 * {@code t} wait for a later row), then the requested features are evaluated. The values go, keyed
 * by spine row number, to a sorter that restores spine order. Stateless.
 */
final class SourceJoin {

    private static final int PROGRESS_STEP = 8192;

    private SourceJoin() {
    }

    /**
     * @param spine   records (entity, t, row number), sorted
     * @param events  the source's events, sorted
     * @param results receives one record per spine row: key "", a = row number, payload = the values by slot
     */
    static void run(JoinPlan plan, JoinPlan.SourcePlan source, RecordCursor spine, EventStream events,
                    ExternalSorter results, JoinProgress progress) {
        List<JoinPlan.ViewPlan> viewPlans = source.views();
        ViewState[] views = new ViewState[viewPlans.size()];
        for (int i = 0; i < views.length; i++) {
            views[i] = new ViewState(viewPlans.get(i));
        }
        int[] columns = source.columns();
        ValueKind[] kinds = new ValueKind[columns.length];
        for (int s = 0; s < columns.length; s++) {
            kinds[s] = plan.columns().get(columns[s]).kind();
        }
        Object[] values = new Object[columns.length];
        ByteWriter out = new ByteWriter(16 * columns.length + 16);

        boolean hasEvent = events.next();
        String entity = null;
        boolean any = false;
        long latest = Long.MIN_VALUE;
        long rows = 0;
        while (spine.next()) {
            String e = spine.key();
            long t = spine.a();
            if (!e.equals(entity)) {
                entity = e;
                for (ViewState v : views) {
                    v.reset();
                }
                any = false;
                latest = Long.MIN_VALUE;
                while (hasEvent && events.entity().compareTo(e) < 0) {
                    hasEvent = events.next();
                }
            }
            while (hasEvent && events.ts() < t && events.entity().equals(e)) {
                Event event = events.event();
                int partition = events.partition();
                long offset = events.offset();
                for (ViewState v : views) {
                    v.add(event, partition, offset);
                }
                any = true;
                latest = events.ts();
                hasEvent = events.next();
            }
            for (ViewState v : views) {
                JoinPlan.ViewPlan vp = v.plan();
                // NOT_FOUND: no event before t; OUTSIDE_MAX_AGE: the latest one is older than the ttl
                if (!any || (vp.ttlMillis() > 0 && latest < t - vp.ttlMillis())) {
                    for (int slot : vp.slot()) {
                        values[slot] = null;
                    }
                } else {
                    v.evaluate(t, values);
                }
            }
            out.reset();
            for (int s = 0; s < kinds.length; s++) {
                kinds[s].encode(values[s], out);
            }
            results.add("", spine.b(), 0, 0, out.toByteArray());
            Arrays.fill(values, null);
            if (++rows % PROGRESS_STEP == 0) {
                progress.advance(PROGRESS_STEP);
            }
        }
        progress.advance(rows % PROGRESS_STEP);
    }
}
