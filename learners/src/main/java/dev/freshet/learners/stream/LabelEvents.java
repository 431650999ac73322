package dev.freshet.learners.stream;

import dev.freshet.core.definition.Source;
import dev.freshet.core.event.Event;
import dev.freshet.core.event.EventJson;
import dev.freshet.core.event.InvalidEventException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the prediction id and the label out of a label source's canonical events. The label is a
 * boolean (1 or 0) or a number in [0, 1]; anything else makes the event unusable. Thread-safe.
 */
final class LabelEvents {

    /** A usable label: the prediction id it answers, its value and its event time. */
    record Label(String predictionId, double value, long timestamp) {
    }

    private final EventJson json;
    private final int joinKey;
    private final int field;

    LabelEvents(Source source, String joinKeyField, String labelField) {
        this.json = EventJson.of(source, null);
        this.joinKey = source.schema().indexOf(joinKeyField);
        this.field = source.schema().indexOf(labelField);
        if (joinKey < 0 || field < 0) {
            throw new IllegalArgumentException("source " + source.name() + " has no field " + (joinKey < 0 ? joinKeyField : labelField));
        }
    }

    /** The label of a canonical event, or null when the event has no usable one. */
    Label read(byte[] canonical) {
        Event e;
        try {
            e = json.decode(canonical);
        } catch (InvalidEventException ex) {
            return null;
        }
        if (e.isNull(joinKey) || e.isNull(field)) {
            return null;
        }
        Object id = e.get(joinKey);
        Object v = e.get(field);
        double value = switch (v) {
            case Boolean b -> b ? 1 : 0;
            case Number n -> n.doubleValue();
            default -> Double.NaN;
        };
        if (!(value >= 0 && value <= 1)) {
            return null;
        }
        String text = String.valueOf(id);
        return text.isEmpty() ? null : new Label(text, value, e.timestamp());
    }

    /** The label as the repartitioned value: a tag byte, the label kind's index, the value and the event time. */
    static byte[] encode(int kind, Label label) {
        return ByteBuffer.allocate(1 + 4 + 8 + 8).put(LabelJoin.LABEL).putInt(kind)
                .putDouble(label.value()).putLong(label.timestamp()).array();
    }

    static byte[] key(Label label) {
        return label.predictionId().getBytes(StandardCharsets.UTF_8);
    }
}
