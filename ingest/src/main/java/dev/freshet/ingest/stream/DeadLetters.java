package dev.freshet.ingest.stream;

/**
 * The dead-letter topic {@code freshet.dlq}: every raw record that cannot become an event lands
 * there once, with its original key, value, timestamp and headers, plus these headers (UTF-8
 * text, so {@code kcat -J} shows them as they are).
 *
 * <table>
 *   <caption>Headers added to a dead letter</caption>
 *   <tr><th>header</th><th>value</th></tr>
 *   <tr><td>{@value #REASON}</td><td>a reason code: {@code malformed_json}, {@code not_an_object},
 *       {@code missing_field}, {@code wrong_type}, {@code missing_entity_key}, {@code bad_timestamp},
 *       {@code key_mismatch}, {@code empty_record}, {@code too_far_in_future}, {@code too_old}</td></tr>
 *   <tr><td>{@value #MESSAGE}</td><td>what is wrong and how to fix it, for people</td></tr>
 *   <tr><td>{@value #FIELD}</td><td>the field concerned, when there is one</td></tr>
 *   <tr><td>{@value #SOURCE}</td><td>the source whose schema the record failed</td></tr>
 *   <tr><td>{@value #TOPIC}, {@value #PARTITION}, {@value #OFFSET}</td><td>where the record was read</td></tr>
 * </table>
 */
public final class DeadLetters {

    public static final String REASON = "freshet.error.reason";
    public static final String MESSAGE = "freshet.error.message";
    public static final String FIELD = "freshet.error.field";
    public static final String SOURCE = "freshet.source";
    public static final String TOPIC = "freshet.origin.topic";
    public static final String PARTITION = "freshet.origin.partition";
    public static final String OFFSET = "freshet.origin.offset";

    /** Reason code: a record with no value (a tombstone). */
    public static final String EMPTY_RECORD = "empty_record";
    /** Reason code: an event time further ahead of the clock than {@code streams.max_clock_skew}. */
    public static final String TOO_FAR_IN_FUTURE = "too_far_in_future";
    /** Reason code: an event time older than every tile the source's views still retain. */
    public static final String TOO_OLD = "too_old";

    private DeadLetters() {
    }

    /** Whether a header name is one of these; such headers on a raw record are dropped (a replayed dead letter starts clean). */
    static boolean isOurs(String headerName) {
        return headerName.startsWith("freshet.");
    }
}
