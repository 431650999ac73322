package dev.freshet.core.event;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Entity;
import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.definition.Source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the JSON records of one source into {@link Event}s, and writes events as canonical JSON.
 * Immutable and thread-safe: create one per source and share it.
 *
 * <p><b>Decoding</b> is strict; a record that breaks a rule is rejected with an
 * {@link InvalidEventException} whose message says what to fix:
 * <ul>
 *   <li>A record is exactly one JSON object ({@code NOT_AN_OBJECT}, {@code MALFORMED_JSON}).
 *       Fields outside the schema are skipped, whatever their values; a schema field appearing
 *       twice is {@code MALFORMED_JSON}.</li>
 *   <li>Every schema field is present ({@code MISSING_FIELD}); {@code null} means "no value",
 *       except for the event time field (absent or null: {@code MISSING_FIELD}) and the key field
 *       (absent, null or {@code ""}: {@code MISSING_ENTITY_KEY}).</li>
 *   <li>Values have their field's JSON type ({@code WRONG_TYPE}): string, a JSON string; long, an
 *       integer in the long range ({@code 3.0} and {@code "3"} are not); double, any finite number;
 *       boolean, {@code true} or {@code false}.</li>
 *   <li>Timestamp fields take epoch milliseconds as an integer, or an ISO-8601 string with a zone
 *       or offset ({@code "2026-11-21T10:00:00Z"}, {@code "2026-11-21T10:00:00.123+01:00"}); the
 *       instant must lie in the years 0000 to 9999, which also catches microseconds sent as
 *       milliseconds ({@code BAD_TIMESTAMP}). A long event time field takes epoch milliseconds only.
 *       The event time is the source's timestamp field.</li>
 *   <li>The entity key is the key field's value, a string or a long in decimal; without a key
 *       field every event has the key {@code ""}.</li>
 * </ul>
 *
 * <p>Records laid out as encoding lays them out (compact, schema order: every canonical event, and
 * raw records written so) are read by a {@link CanonicalReader} without the JSON parser, with the
 * same results; the parser reads the others.
 *
 * <p><b>Encoding</b> writes one object with the schema's fields in schema order: timestamps as
 * epoch milliseconds, doubles in Java's shortest round-trip form, strings escaped, nulls as
 * {@code null}. The entity key and the event time are not written separately: they are the key
 * and timestamp fields. For every event {@code e} that decoding can produce,
 * {@code decode(encode(e)).equals(e)}. NaN and the infinities, which JSON cannot express, are
 * written as {@code null}: an event holding one does not survive the round trip (decoding
 * never produces one).
 */
public final class EventJson {

    private static final JsonFactory JSON = JsonFactory.builder()
            // The symbol table already makes repeated names free; interning adds nothing but work.
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            // Messages quote values themselves; never echo a whole record into a log line.
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .errorReportConfiguration(ErrorReportConfiguration.builder()
                    .maxErrorTokenLength(DecodeProblems.QUOTE_LIMIT).maxRawContentLength(0).build())
            .build();
    private static final EntityKey UNKEYED = new EntityKey("");
    /** One encoding buffer per thread, so that encoding allocates only the result. */
    private static final ThreadLocal<ByteWriter> BUFFERS = ThreadLocal.withInitial(() -> new ByteWriter(256));
    /** A buffer that grew past this for a huge event is dropped rather than kept by its thread. */
    private static final int MAX_KEPT_BUFFER = 64 * 1024;

    private final Source source;
    private final Schema schema;
    private final Field[] fields;
    /** Field name to position; looked up once per field of every record, so built once here. */
    private final Map<String, Integer> positions;
    /** Per field, {@code "name":} (after the first: {@code ,"name":}) as UTF-8. */
    private final byte[][] names;
    /** The seen-bits of a record with every field present. */
    private final long[] complete;
    private final int keyPosition;
    private final int timePosition;
    private final boolean keyFromRecord;
    private final CanonicalReader canonical;

    private EventJson(Source source, String keyField) {
        this.source = source;
        this.schema = source.schema();
        this.fields = schema.fields().toArray(Field[]::new);
        this.timePosition = schema.indexOf(source.timestampField());
        if (timePosition < 0 || (fields[timePosition].type() != FieldType.TIMESTAMP && fields[timePosition].type() != FieldType.LONG)) {
            throw new IllegalArgumentException("source '" + source.name() + "': timestamp field '" + source.timestampField()
                    + "' must be a timestamp or long field of the schema " + schema);
        }
        this.keyPosition = keyField == null ? -1 : schema.indexOf(keyField);
        if (keyField != null) {
            if (keyPosition < 0) {
                throw new IllegalArgumentException("source '" + source.name() + "' has no key field '" + keyField + "' in " + schema);
            }
            FieldType type = fields[keyPosition].type();
            if ((type != FieldType.STRING && type != FieldType.LONG) || keyPosition == timePosition) {
                throw new IllegalArgumentException("source '" + source.name() + "': key field '" + keyField + "' is "
                        + type.yamlName() + (keyPosition == timePosition ? " and the timestamp field" : "")
                        + " (an entity key must be a string or long field other than the timestamp)");
            }
        }
        this.keyFromRecord = keyPosition >= 0 && source.recordKey() == Source.RecordKey.ENTITY_KEY;
        Map<String, Integer> byName = new HashMap<>();
        this.names = new byte[fields.length][];
        this.complete = new long[(fields.length + 63) >>> 6];
        ByteWriter w = new ByteWriter();
        for (int i = 0; i < fields.length; i++) {
            byName.put(fields[i].name(), i);
            w.reset();
            if (i > 0) {
                w.writeByte(',');
            }
            JsonWriter.writeString(w, fields[i].name());
            names[i] = w.writeByte(':').toByteArray();
            complete[i >>> 6] |= 1L << i;
        }
        this.positions = Map.copyOf(byName);
        this.canonical = new CanonicalReader(fields, names, timePosition);
    }

    /**
     * The JSON of a source's events, keyed by the join key of {@link Definitions#keyEntityOf the
     * entity that keys them}, or unkeyed when no view uses the source.
     */
    public static EventJson of(Definitions definitions, Source source) {
        return of(source, definitions.keyEntityOf(source).map(Entity::joinKey).orElse(null));
    }

    /**
     * @param keyField the field holding the entity key (a string or long field of the schema), or
     *                 null for unkeyed events, whose key is {@code ""}
     * @throws IllegalArgumentException when the key or timestamp field is not a usable field of the schema
     */
    public static EventJson of(Source source, String keyField) {
        return new EventJson(Objects.requireNonNull(source, "source"), keyField);
    }

    public Source source() {
        return source;
    }

    /** The field holding the entity key; empty when events are unkeyed. */
    public Optional<String> keyField() {
        return keyPosition < 0 ? Optional.empty() : Optional.of(fields[keyPosition].name());
    }

    /**
     * Decodes a raw record of the source's topic, applying the source's {@code record_key}: with
     * {@code entity_key}, {@code recordKey} must be present and fills the key field when the
     * object lacks it (absent, null or {@code ""}), and must equal it otherwise. Without a key field,
     * or with {@code record_key: ignore}, {@code recordKey} is not looked at.
     *
     * @param value     the record value, UTF-8 JSON
     * @param recordKey the Kafka record key as text, or null when the record has none
     * @throws InvalidEventException when the record breaks a rule (see the class comment)
     */
    public Event decode(byte[] value, String recordKey) {
        if (!keyFromRecord) {
            return read(value, null, true);
        }
        if (recordKey == null || recordKey.isEmpty()) {
            throw DecodeProblems.missingRecordKey(source.name(), fields[keyPosition].name());
        }
        return read(value, recordKey, true);
    }

    /**
     * Decodes a record that carries its entity key in the object, such as a canonical event
     * written by {@link #encode}; the source's {@code record_key} does not apply.
     *
     * @throws InvalidEventException when the record breaks a rule (see the class comment)
     */
    public Event decode(byte[] value) {
        return read(value, null, true);
    }

    /** {@link #decode(byte[])} by the JSON parser alone, never by the canonical reader: tests compare the two. */
    Event decodeWithParser(byte[] value) {
        return read(value, null, false);
    }

    /**
     * The canonical JSON of an event (see the class comment), UTF-8.
     *
     * @throws IllegalArgumentException when the event has another schema, or its event time is not
     *                                  the value of its timestamp field
     */
    public byte[] encode(Event event) {
        if (event.schema() != schema && !event.schema().equals(schema)) {
            throw new IllegalArgumentException("event " + event + " is not of source '" + source.name() + "' (schema " + schema + ")");
        }
        if (event.isNull(timePosition) || event.getLong(timePosition) != event.timestamp()) {
            throw new IllegalArgumentException("event " + event + " has event time " + event.timestamp() + " but field '"
                    + fields[timePosition].name() + "' is " + event.get(timePosition) + " (they must be equal)");
        }
        ByteWriter out = BUFFERS.get().reset();
        out.writeByte('{');
        for (int i = 0; i < fields.length; i++) {
            out.writeBytes(names[i]);
            if (event.isNull(i)) {
                JsonWriter.writeNull(out);
                continue;
            }
            switch (fields[i].type()) {
                case STRING -> JsonWriter.writeString(out, event.getString(i));
                case LONG, TIMESTAMP -> JsonWriter.writeLong(out, event.getLong(i));
                case DOUBLE -> JsonWriter.writeDouble(out, event.getDouble(i));
                case BOOLEAN -> JsonWriter.writeBoolean(out, event.getBoolean(i));
            }
        }
        out.writeByte('}');
        byte[] bytes = out.toByteArray();
        if (bytes.length > MAX_KEPT_BUFFER) {
            BUFFERS.remove();
        }
        return bytes;
    }

    /**
     * @param recordKey      the non-empty record key when it is the entity key, else null
     * @param canonicalFirst whether to try the {@link CanonicalReader} before the parser
     */
    private Event read(byte[] value, String recordKey, boolean canonicalFirst) {
        if (value == null) {
            throw DecodeProblems.noValue();
        }
        int n = fields.length;
        long[] primitives = new long[n];
        String[] strings = new String[n];
        boolean[] nulls = new boolean[n];
        long[] seen;
        if (canonicalFirst && canonical.read(value, primitives, strings, nulls)) {
            seen = complete.clone(); // entityKey may mark the key field
        } else {
            // not in canonical form (or not valid): the parser reads it afresh, or says what is wrong
            primitives = new long[n];
            strings = new String[n];
            nulls = new boolean[n];
            seen = parse(value, primitives, strings, nulls);
        }
        EntityKey key = entityKey(seen, primitives, strings, nulls, recordKey);
        checkComplete(seen, nulls);
        return Event.owning(schema, key, primitives[timePosition], primitives, strings, nulls);
    }

    /** Reads a record with the JSON parser into the arrays; returns which fields were seen. */
    private long[] parse(byte[] value, long[] primitives, String[] strings, boolean[] nulls) {
        long[] seen = new long[complete.length];
        try (JsonParser p = JSON.createParser(value)) {
            JsonToken token = p.nextToken();
            if (token != JsonToken.START_OBJECT) {
                throw DecodeProblems.notAnObject(token);
            }
            String name;
            while ((name = p.nextFieldName()) != null) {
                token = p.nextToken();
                Integer position = positions.get(name);
                if (position == null) {
                    p.skipChildren();
                    continue;
                }
                int i = position;
                if ((seen[i >>> 6] & (1L << i)) != 0) {
                    throw DecodeProblems.duplicate(name);
                }
                seen[i >>> 6] |= 1L << i;
                if (token == JsonToken.VALUE_NULL) {
                    nulls[i] = true;
                } else {
                    readValue(p, token, i, primitives, strings);
                }
            }
            if (p.nextToken() != null) {
                throw DecodeProblems.trailingContent(p.currentTokenLocation());
            }
        } catch (JsonProcessingException e) {
            throw DecodeProblems.malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a byte array failed", e); // Jackson declares it; a byte array cannot fail
        }
        return seen;
    }

    private void readValue(JsonParser p, JsonToken token, int i, long[] primitives, String[] strings) throws IOException {
        Field field = fields[i];
        switch (field.type()) {
            case STRING -> {
                if (token != JsonToken.VALUE_STRING) {
                    throw DecodeProblems.wrongType(field, token, p.getText());
                }
                strings[i] = p.getText();
            }
            case LONG -> {
                if (token != JsonToken.VALUE_NUMBER_INT) {
                    throw DecodeProblems.wrongType(field, token, p.getText());
                }
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw i == timePosition ? DecodeProblems.badEpochMillis(field.name(), token, p.getText())
                            : DecodeProblems.outOfRange(field, p.getText());
                }
                long v = p.getLongValue();
                if (i == timePosition && !IsoTimestamp.inRange(v)) {
                    throw DecodeProblems.badEpochMillis(field.name(), token, p.getText());
                }
                primitives[i] = v;
            }
            case DOUBLE -> {
                if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
                    throw DecodeProblems.wrongType(field, token, p.getText());
                }
                double v = p.getDoubleValue();
                if (!Double.isFinite(v)) {
                    throw DecodeProblems.outOfRange(field, p.getText());
                }
                primitives[i] = Double.doubleToRawLongBits(v);
            }
            case BOOLEAN -> {
                if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
                    throw DecodeProblems.wrongType(field, token, p.getText());
                }
                primitives[i] = token == JsonToken.VALUE_TRUE ? 1 : 0;
            }
            case TIMESTAMP -> primitives[i] = readTimestamp(p, token, field);
        }
    }

    private static long readTimestamp(JsonParser p, JsonToken token, Field field) throws IOException {
        if (token == JsonToken.VALUE_STRING) {
            // Parsed from the parser's buffer: an ISO string field costs no String.
            long v = IsoTimestamp.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            if (IsoTimestamp.isError(v)) {
                throw DecodeProblems.badIsoTimestamp(field.name(), p.getText(), v);
            }
            return v;
        }
        if (token == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                && IsoTimestamp.inRange(p.getLongValue())) {
            return p.getLongValue();
        }
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            throw DecodeProblems.badEpochMillis(field.name(), token, p.getText());
        }
        throw DecodeProblems.wrongType(field, token, p.getText());
    }

    /** The entity key, filling the key field from the record key when the object lacks it. */
    private EntityKey entityKey(long[] seen, long[] primitives, String[] strings, boolean[] nulls, String recordKey) {
        if (keyPosition < 0) {
            return UNKEYED;
        }
        int k = keyPosition;
        Field keyField = fields[k];
        boolean isString = keyField.type() == FieldType.STRING;
        String lacking = (seen[k >>> 6] & (1L << k)) == 0 ? "missing" : nulls[k] ? "null" : isString && strings[k].isEmpty() ? "empty" : null;
        String key;
        if (lacking == null) {
            key = isString ? strings[k] : Long.toString(primitives[k]);
            if (recordKey != null && !recordKey.equals(key)) {
                throw DecodeProblems.keyMismatch(keyField, recordKey, key);
            }
        } else if (recordKey == null) {
            throw DecodeProblems.missingKey(keyField, lacking);
        } else {
            key = recordKey;
            if (isString) {
                strings[k] = key;
            } else {
                primitives[k] = parseCanonicalLong(keyField.name(), key);
            }
            nulls[k] = false;
            seen[k >>> 6] |= 1L << k;
        }
        if (isString) {
            checkUnicode(keyField.name(), key);
        }
        return new EntityKey(key);
    }

    /** A long written exactly as {@link Long#toString} writes it, so that the record key is the canonical entity key. */
    private static long parseCanonicalLong(String keyField, String s) {
        try {
            long v = Long.parseLong(s);
            if (Long.toString(v).equals(s)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below, with the field
        }
        throw DecodeProblems.recordKeyNotLong(keyField, s);
    }

    /**
     * An entity key ends up as UTF-8 in Kafka keys and store keys, where an unpaired surrogate
     * (which a JSON {@code \}{@code u} escape can produce) would silently become {@code ?}.
     */
    private static void checkUnicode(String keyField, String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                    i++;
                } else {
                    throw DecodeProblems.unpairedSurrogate(keyField, key, i);
                }
            }
        }
    }

    private void checkComplete(long[] seen, boolean[] nulls) {
        int t = timePosition;
        if ((seen[t >>> 6] & (1L << t)) == 0 || nulls[t]) {
            throw DecodeProblems.missingEventTime(fields[t].name(), nulls[t]);
        }
        for (int w = 0; w < seen.length; w++) {
            if (seen[w] != complete[w]) {
                List<String> missing = new ArrayList<>();
                for (int i = 0; i < fields.length; i++) {
                    if ((seen[i >>> 6] & (1L << i)) == 0) {
                        missing.add(fields[i].name());
                    }
                }
                throw DecodeProblems.missing(missing);
            }
        }
    }

    @Override
    public String toString() {
        return "EventJson[source=" + source.name() + ", key=" + keyField().orElse("(none)") + "]";
    }
}
