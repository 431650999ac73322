package dev.freshet.features.testing;

import dev.freshet.core.definition.Definitions;
import dev.freshet.core.event.Event;
import dev.freshet.core.event.EventJson;
import dev.freshet.core.testing.RandomEvents;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Raw records for the integration tests: the random events of {@link RandomEvents} as producers
 * would write them (ISO or epoch timestamps, extra fields), keyed by user, with malformed and
 * invalid records mixed in. Knows which events are valid, so tests can compute the reference.
 */
public final class RawStreams {

    /** What was produced: the records in order, the valid events among them in order, the number of invalid ones. */
    public record Stream(List<ProducerRecord<byte[], byte[]>> records, List<Event> valid, int invalid) {
    }

    private RawStreams() {
    }

    /**
     * {@code n} valid events in {@code [from, from + span)} (with late ones and ties, see
     * {@link RandomEvents#stream}) and about {@code invalidShare * n} invalid records among them,
     * for {@code topic}. {@code now} is the wall clock: some invalid records are an hour ahead of it.
     */
    public static Stream generate(Definitions defs, String topic, long seed, int n, long from, long span, double invalidShare, long now) {
        RandomEvents random = new RandomEvents(seed, 50, 200);
        SplittableRandom dice = new SplittableRandom(seed * 31 + 1);
        EventJson json = EventJson.of(defs, defs.source("clicks").orElseThrow());
        List<Event> valid = random.stream(n, from, span);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        int invalid = 0;
        for (Event e : valid) {
            while (dice.nextDouble() < invalidShare) {
                records.add(new ProducerRecord<>(topic, utf8("u" + dice.nextInt(50)), utf8(invalid(dice, e, json, now))));
                invalid++;
            }
            records.add(new ProducerRecord<>(topic, utf8(e.key().value()), utf8(asProducerWouldWrite(dice, e, json))));
        }
        return new Stream(records, valid, invalid);
    }

    private static String asProducerWouldWrite(SplittableRandom dice, Event e, EventJson json) {
        String canonical = new String(json.encode(e), StandardCharsets.UTF_8);
        String ts = "\"ts\":" + e.timestamp();
        if (dice.nextInt(3) == 0) {
            canonical = canonical.replace(ts, "\"ts\":\"" + Instant.ofEpochMilli(e.timestamp()) + "\"");
        }
        if (dice.nextInt(5) == 0) {
            canonical = canonical.substring(0, canonical.length() - 1) + ",\"session\":{\"id\":[1,2,\"x\"]}}";
        }
        return canonical;
    }

    private static String invalid(SplittableRandom dice, Event e, EventJson json, long now) {
        String canonical = new String(json.encode(e), StandardCharsets.UTF_8);
        return switch (dice.nextInt(5)) {
            case 0 -> canonical.substring(0, canonical.length() / 2);                                   // malformed
            case 1 -> canonical.replace("\"user_id\":\"" + e.key().value() + "\"", "\"user_id\":null");  // no entity key
            case 2 -> canonical.replace("\"ts\":" + e.timestamp(), "\"ts\":\"soon\"");                   // bad time
            case 3 -> canonical.replace("\"ts\":" + e.timestamp(), "\"ts\":" + (now + 3_600_000));       // in the future
            default -> "[" + canonical + "]";                                                            // not an object
        };
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
