package dev.freshet.learners.stream;

import dev.freshet.core.definition.Source;
import dev.freshet.core.event.Event;
import dev.freshet.core.event.EventJson;
import dev.freshet.core.event.InvalidEventException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads the subject id and the outcome out of an outcome source's canonical events. The outcome is
 * a boolean (1 or 0) or a number within the source's range; anything else makes the event unusable.
 * Thread-safe.
 */
final class OutcomeEvents {

    /** A usable outcome: the subject id it answers, its value and its event time. */
    record Outcome(String subjectId, double value, long timestamp) {
    }

    private final EventJson json;
    private final int joinKey;
    private final int field;
    private final double min;
    private final double max;

    OutcomeEvents(Source source, OutcomeRule.OutcomeSource spec) {
        this.json = EventJson.of(source, null);
        this.joinKey = source.schema().indexOf(spec.joinKey());
        this.field = source.schema().indexOf(spec.field());
        this.min = spec.min();
        this.max = spec.max();
        if (joinKey < 0 || field < 0) {
            throw new IllegalArgumentException("source " + source.name() + " has no field " + (joinKey < 0 ? spec.joinKey() : spec.field()));
        }
    }

    /** The outcome of a canonical event, or null when the event has no usable one. */
    Outcome read(byte[] canonical) {
        Event e;
        try {
            e = json.decode(canonical);
        } catch (InvalidEventException ex) {
            return null;
        }
        if (e.isNull(joinKey) || e.isNull(field)) {
            return null;
        }
        double value = switch (e.get(field)) {
            case Boolean b -> b ? 1 : 0;
            case Number n -> n.doubleValue();
            default -> Double.NaN;
        };
        if (!(value >= min && value <= max) || !Double.isFinite(value)) {
            return null;
        }
        String text = String.valueOf(e.get(joinKey));
        return text.isEmpty() ? null : new Outcome(text, value, e.timestamp());
    }

    /** The outcome as the repartitioned value: a tag byte, the outcome kind's index (-1: any), the value and the time. */
    static byte[] encode(int kind, Outcome outcome) {
        return ByteBuffer.allocate(1 + 4 + 8 + 8).put(OutcomeJoin.OUTCOME).putInt(kind)
                .putDouble(outcome.value()).putLong(outcome.timestamp()).array();
    }

    /**
     * Outcomes of several kinds for one subject, read from one event: a tag byte, their count, then each one's
     * kind, value and time.
     */
    static byte[] encode(List<Integer> kinds, List<Outcome> outcomes) {
        ByteBuffer b = ByteBuffer.allocate(1 + 4 + outcomes.size() * (4 + 8 + 8)).put(OutcomeJoin.OUTCOMES).putInt(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            b.putInt(kinds.get(i)).putDouble(outcomes.get(i).value()).putLong(outcomes.get(i).timestamp());
        }
        return b.array();
    }

    static byte[] key(Outcome outcome) {
        return outcome.subjectId().getBytes(StandardCharsets.UTF_8);
    }
}
