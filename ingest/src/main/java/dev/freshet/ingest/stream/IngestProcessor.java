package dev.freshet.ingest.stream;

import dev.freshet.core.definition.Source;
import dev.freshet.core.event.Event;
import dev.freshet.core.event.EventJson;
import dev.freshet.core.event.InvalidEventException;
import dev.freshet.core.definition.Durations;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Turns the raw records of one source into canonical events, or dead letters: decodes and
 * validates the JSON against the schema, checks the event time against the clock (skew) and
 * against stream time (retention), and forwards to exactly one of its two children.
 *
 * <p>Stream time (the latest event time this task has accepted) lives in a logged state store, so
 * that after a crash the replayed records meet the same retention decisions as before.
 */
final class IngestProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    static final String STREAM_TIME_KEY = "stream_time";
    /** Event times below this are probably seconds, not milliseconds (it is 1973-03-03 in milliseconds). */
    private static final long SECONDS_SUSPECT = 100_000_000_000L;

    private final Source source;
    private final EventJson json;
    private final long maxSkewMs;
    private final long retentionMs;
    private final String timeStoreName;
    private final String eventsChild;
    private final String deadChild;
    private final IngestCounters counters;

    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, Long> timeStore;
    private long streamTime;

    IngestProcessor(Source source, EventJson json, Duration maxSkew, long retentionMs, String timeStoreName,
                    String eventsChild, String deadChild, IngestCounters counters) {
        this.source = source;
        this.json = json;
        this.maxSkewMs = maxSkew.toMillis();
        this.retentionMs = retentionMs;
        this.timeStoreName = timeStoreName;
        this.eventsChild = eventsChild;
        this.deadChild = deadChild;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.timeStore = context.getStateStore(timeStoreName);
        Long stored = timeStore.get(STREAM_TIME_KEY);
        this.streamTime = stored == null ? Long.MIN_VALUE : stored;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            dead(record, DeadLetters.EMPTY_RECORD, null,
                    "the record has no value (a tombstone); send one JSON object per record");
            return;
        }
        String recordKey = source.recordKey() == Source.RecordKey.ENTITY_KEY && record.key() != null
                ? new String(record.key(), StandardCharsets.UTF_8) : null;
        Event event;
        try {
            event = json.decode(record.value(), recordKey);
        } catch (InvalidEventException e) {
            dead(record, e.reason().code(), e.field(), e.getMessage());
            return;
        }
        long ts = event.timestamp();
        long now = context.currentSystemTimeMs();
        if (ts > now && ts - now > maxSkewMs) {
            dead(record, DeadLetters.TOO_FAR_IN_FUTURE, source.timestampField(), "event time " + Instant.ofEpochMilli(ts) + " is "
                    + human(ts - now) + " ahead of the clock (" + Instant.ofEpochMilli(now)
                    + "), more than streams.max_clock_skew " + Durations.format(Duration.ofMillis(maxSkewMs))
                    + "; check the producer's clock and that the time is in milliseconds");
            return;
        }
        if (Retention.isTooOld(ts, streamTime, retentionMs)) {
            dead(record, DeadLetters.TOO_OLD, source.timestampField(), "event time " + Instant.ofEpochMilli(ts) + " is more than "
                    + Durations.format(Duration.ofMillis(retentionMs)) + " (the longest window of source '" + source.name()
                    + "' plus streams.grace) before the latest event time " + Instant.ofEpochMilli(streamTime)
                    + "; its tiles are closed" + (ts < SECONDS_SUSPECT && ts > -SECONDS_SUSPECT
                    ? " (is the time in seconds? Freshet reads epoch milliseconds)" : ""));
            return;
        }
        if (ts > streamTime) {
            streamTime = ts;
            timeStore.put(STREAM_TIME_KEY, ts);
        }
        String key = event.key().value();
        byte[] keyBytes = key.isEmpty() ? null : key.getBytes(StandardCharsets.UTF_8);
        Headers headers = hasOurs(record.headers()) ? withoutOurs(record.headers()) : record.headers();
        context.forward(new Record<>(keyBytes, json.encode(event), record.timestamp(), headers), eventsChild);
        counters.countValid(source.name());
    }

    private void dead(Record<byte[], byte[]> record, String reason, String field, String message) {
        Headers headers = withoutOurs(record.headers());
        headers.add(DeadLetters.REASON, utf8(reason));
        headers.add(DeadLetters.MESSAGE, utf8(message));
        if (field != null) {
            headers.add(DeadLetters.FIELD, utf8(field));
        }
        headers.add(DeadLetters.SOURCE, utf8(source.name()));
        RecordMetadata origin = context.recordMetadata().orElse(null);
        if (origin != null) {
            headers.add(DeadLetters.TOPIC, utf8(origin.topic()));
            headers.add(DeadLetters.PARTITION, utf8(Integer.toString(origin.partition())));
            headers.add(DeadLetters.OFFSET, utf8(Long.toString(origin.offset())));
        }
        context.forward(record.withHeaders(headers), deadChild);
        counters.countDeadLetter(source.name(), reason);
    }

    private static boolean hasOurs(Headers headers) {
        for (Header h : headers) {
            if (DeadLetters.isOurs(h.key())) {
                return true;
            }
        }
        return false;
    }

    /** A copy of the headers without Freshet's own (a replayed dead letter must not carry its old reason). */
    private static Headers withoutOurs(Headers headers) {
        RecordHeaders copy = new RecordHeaders();
        for (Header h : headers) {
            if (!DeadLetters.isOurs(h.key())) {
                copy.add(h);
            }
        }
        return copy;
    }

    /** A rough length of time for people: "3 h 2 min", "41 s". */
    static String human(long ms) {
        long s = ms / 1000;
        if (s >= 86_400) {
            return s / 86_400 + " d " + s % 86_400 / 3600 + " h";
        }
        if (s >= 3600) {
            return s / 3600 + " h " + s % 3600 / 60 + " min";
        }
        if (s >= 60) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return String.format(java.util.Locale.ROOT, "%.3f s", ms / 1000.0);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
