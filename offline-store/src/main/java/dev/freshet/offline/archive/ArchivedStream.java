package dev.freshet.offline.archive;

import dev.freshet.core.definition.Source;
import dev.freshet.core.event.Event;

import java.util.Objects;
import java.util.function.Function;

/**
 * A topic archived beside the sources' events, whose records are not a source's canonical events
 * (decisions joined with their rewards, say): the archive's name and schema, the topic, and how a
 * record becomes an event of that schema. Its events are unkeyed, archived under
 * {@code <root>/events/<name>/} like a source's, and compacted by time.
 *
 * @param source  the archive's name and schema, as a source (its timestamp field is each row's time)
 * @param topic   the topic read ({@code read_committed})
 * @param decoder a record's value to an event of the schema; throws {@link IllegalArgumentException} or
 *                {@link dev.freshet.core.error.FreshetException} for a record it cannot read
 */
public record ArchivedStream(Source source, String topic, Function<byte[], Event> decoder) {

    public ArchivedStream {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(decoder, "decoder");
    }
}
