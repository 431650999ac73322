package dev.freshet.ingest.stream;

import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.Source;

import java.time.Duration;

/**
 * How far behind stream time (the latest event time seen) the pipeline still accepts events. A
 * view retains its tiles for its longest window plus the grace; a tile older than that can no
 * longer change, so events for it are rejected: by ingest (to the dead-letter topic, against the
 * longest retention of the source's views) and by the features topology.
 */
public final class Retention {

    /** No limit: a source that no view aggregates accepts events of any age. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    private Retention() {
    }

    /** A view's retention in milliseconds: its longest window (zero for lifetime-only views) plus the grace. */
    public static long of(FeatureView view, Duration grace) {
        return view.longestWindow().toMillis() + grace.toMillis();
    }

    /** The longest retention among the views of a source, or {@link #UNLIMITED} when it has none. */
    public static long ofSource(Definitions definitions, Source source, Duration grace) {
        return definitions.viewsOf(source).stream().mapToLong(v -> of(v, grace)).max().orElse(UNLIMITED);
    }

    /** Whether an event at {@code ts} is older than {@code retention} behind {@code streamTime} (no overflow). */
    static boolean isTooOld(long ts, long streamTime, long retention) {
        return retention != UNLIMITED && streamTime != Long.MIN_VALUE && ts < streamTime - retention;
    }
}
