package dev.freshet.app.api;

import dev.freshet.core.config.Typos;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Source;
import dev.freshet.core.event.EventJson;
import dev.freshet.core.event.InvalidEventException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /push}: checks every row against its source's schema with the same decoder the
 * pipeline uses ({@link EventJson}), so a push is refused whole, naming each bad row, rather than
 * half dead-lettered; then writes all rows to the source's raw topic in one transaction. Runs on
 * a worker thread (parsing a large body and waiting for Kafka both take too long for an event
 * loop). Thread-safe.
 */
final class PushHandler {

    /** How many bad rows an answer lists; the message gives the total. */
    static final int MAX_LISTED_ROWS = 100;

    /** One row that does not decode. */
    private record BadRow(int row, InvalidEventException problem) {
    }

    private final Map<String, EventJson> decoders = new LinkedHashMap<>();
    private final Map<String, Source> sources = new LinkedHashMap<>();
    private final PushTarget target;
    private final ApiMetrics metrics;

    PushHandler(Definitions definitions, PushTarget target, ApiMetrics metrics) {
        for (Source s : definitions.sources()) {
            sources.put(s.name(), s);
            decoders.put(s.name(), EventJson.of(definitions, s));
        }
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
        for (int r = 0; r < request.rows(); r++) {
            byte[] row = request.row(r, scratch);
            try {
                decoder.decode(row);
                rows.add(row);
            } catch (InvalidEventException e) {
                if (badCount++ < MAX_LISTED_ROWS) {
                    bad.add(new BadRow(r, e));
                }
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
        String message = badCount + " of " + rows + " rows do not match the schema of source " + source.name()
                + "; nothing was written: fix them and push again (row " + first.row() + ": " + first.problem().getMessage() + ")"
                + (badCount > bad.size() ? "; the first " + bad.size() + " are listed" : "");
        return ApiError.badRequest(ApiError.INVALID_ROWS, message, out -> {
            out.raw(',').name("rows").raw('[');
            for (int i = 0; i < bad.size(); i++) {
                BadRow b = bad.get(i);
                (i > 0 ? out.raw(',') : out).raw('{').name("row").number(b.row()).raw(',')
                        .name("reason").string(b.problem().reason().code()).raw(',').name("field");
                if (b.problem().field() == null) {
                    out.nul();
                } else {
                    out.string(b.problem().field());
                }
                out.raw(',').name("message").string(b.problem().getMessage()).raw('}');
            }
            out.raw(']');
        });
    }
}
