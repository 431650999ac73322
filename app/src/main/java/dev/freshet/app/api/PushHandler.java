package dev.freshet.app.api;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.Typos;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Durations;
import dev.freshet.core.definition.Source;
import dev.freshet.core.event.EventJson;
import dev.freshet.core.event.InvalidEventException;
import dev.freshet.ingest.stream.DeadLetters;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /push}: checks every row against its source's schema with the same decoder the
 * pipeline uses ({@link EventJson}), and its time against the clock with the pipeline's rule
 * ({@code streams.max_clock_skew}), so a push is refused whole, naming each bad row, rather than
 * half dead-lettered; then writes all rows to the source's raw topic in one transaction. (A row
 * older than its views' retention behind the pipeline's latest event time is still dead-lettered
 * there as {@code too_old}: that time is the pipeline's, not the API's.) Runs on a worker thread
 * (parsing a large body and waiting for Kafka both take too long for an event loop). Thread-safe.
 */
final class PushHandler {

    /** How many bad rows an answer lists; the message gives the total. */
    static final int MAX_LISTED_ROWS = 100;

    /** One row the pipeline would dead-letter: why (a dead-letter reason code), the field, and what to fix. */
    private record BadRow(int row, String reason, String field, String message) {
    }

    private final Map<String, EventJson> decoders = new LinkedHashMap<>();
    private final Map<String, Source> sources = new LinkedHashMap<>();
    private final long maxSkewMs;
    private final Clock clock;
    private final PushTarget target;
    private final ApiMetrics metrics;

    PushHandler(FreshetConfig config, Clock clock, PushTarget target, ApiMetrics metrics) {
        Definitions definitions = config.definitions();
        for (Source s : definitions.sources()) {
            sources.put(s.name(), s);
            decoders.put(s.name(), EventJson.of(definitions, s));
        }
        this.maxSkewMs = config.streams().maxClockSkew().toMillis();
        this.clock = clock;
        this.target = target;
        this.metrics = metrics;
    }

    /**
     * Handles one body; blocks while Kafka writes.
     *
     * @return the 200 body, {@code {"rows": N, "topic": "..."}}
     * @throws ApiError 400 for a malformed request, an unknown source or invalid rows (nothing written)
     * @throws dev.freshet.core.error.TransientException when Kafka cannot be written (503)
     */
    JsonOut handle(byte[] body) {
        PushRequest request = PushRequest.parse(body);
        Source source = sources.get(request.sourceName());
        if (source == null) {
            List<String> names = List.copyOf(sources.keySet());
            throw ApiError.badRequest(ApiError.UNKNOWN_SOURCE, "unknown push source " + Json.quote(request.sourceName())
                    + " (sources: " + (names.isEmpty() ? "none are defined" : String.join(", ", names))
                    + Typos.hint(request.sourceName(), names) + ")");
        }
        EventJson decoder = decoders.get(source.name());
        List<byte[]> rows = new ArrayList<>(request.rows());
        List<BadRow> bad = new ArrayList<>();
        int badCount = 0;
        JsonOut scratch = new JsonOut(256);
        long now = clock.millis();
        for (int r = 0; r < request.rows(); r++) {
            byte[] row = request.row(r, scratch);
            BadRow problem = null;
            try {
                long ts = decoder.decode(row).timestamp();
                if (ts > now && ts - now > maxSkewMs) {
                    problem = new BadRow(r, DeadLetters.TOO_FAR_IN_FUTURE, source.timestampField(), "event time " + Instant.ofEpochMilli(ts)
                            + " is more than streams.max_clock_skew (" + Durations.format(Duration.ofMillis(maxSkewMs)) + ") ahead of the "
                            + "server's clock (" + Instant.ofEpochMilli(now) + "); check the time is in epoch milliseconds, "
                            + "or ISO-8601 with its offset");
                }
            } catch (InvalidEventException e) {
                problem = new BadRow(r, e.reason().code(), e.field(), e.getMessage());
            }
            if (problem == null) {
                rows.add(row);
            } else if (badCount++ < MAX_LISTED_ROWS) {
                bad.add(problem);
            }
        }
        if (badCount > 0) {
            metrics.invalidRows(source.name(), badCount);
            throw invalidRows(source, request.rows(), badCount, bad);
        }
        target.send(source.topic(), rows);
        metrics.pushed(source.name(), rows.size());
        return JsonOut.local().raw('{').name("rows").number(rows.size()).raw(',').name("topic").string(source.topic()).raw('}');
    }

    private static ApiError invalidRows(Source source, int rows, int badCount, List<BadRow> bad) {
        BadRow first = bad.getFirst();
        String message = badCount + " of " + rows + " rows are not valid events of source " + source.name()
                + "; nothing was written: fix them and push again (row " + first.row() + ": " + first.message() + ")"
                + (badCount > bad.size() ? "; the first " + bad.size() + " are listed" : "");
        return ApiError.badRequest(ApiError.INVALID_ROWS, message, out -> {
            out.raw(',').name("rows").raw('[');
            for (int i = 0; i < bad.size(); i++) {
                BadRow b = bad.get(i);
                (i > 0 ? out.raw(',') : out).raw('{').name("row").number(b.row()).raw(',')
                        .name("reason").string(b.reason()).raw(',').name("field");
                if (b.field() == null) {
                    out.nul();
                } else {
                    out.string(b.field());
                }
                out.raw(',').name("message").string(b.message()).raw('}');
            }
            out.raw(']');
        });
    }
}
