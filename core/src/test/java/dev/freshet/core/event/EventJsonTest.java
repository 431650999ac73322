package dev.freshet.core.event;

import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.definition.Source;
import dev.freshet.core.definition.SourceFormat;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.event.InvalidEventException.Reason;
import dev.freshet.core.testing.RandomEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class EventJsonTest {

    /** {@code user_id, item_id: string; price: double; qty: long; flag: boolean; ts: timestamp}. */
    private static final Schema SCHEMA = RandomEvents.SCHEMA;
    private static final Source CLICKS = new Source("clicks", "clicks", SourceFormat.JSON, "ts", SCHEMA);
    private static final Source KEYED_CLICKS = new Source("clicks", "clicks", SourceFormat.JSON, "ts", SCHEMA, Source.RecordKey.ENTITY_KEY);
    private static final EventJson JSON = EventJson.of(CLICKS, "user_id");
    private static final long TS = Instant.parse("2026-11-21T10:00:00Z").toEpochMilli();
    private static final String ABSENT = "(absent)";

    /**
     * The record {@code {"user_id":"u1","item_id":"i1","price":9.5,"qty":3,"flag":true,"ts":TS}}
     * with fields set to other JSON values ({@link #ABSENT}: left out), or added.
     */
    private static String record(String... namesAndValues) {
        Map<String, String> members = new LinkedHashMap<>();
        members.put("user_id", "\"u1\"");
        members.put("item_id", "\"i1\"");
        members.put("price", "9.5");
        members.put("qty", "3");
        members.put("flag", "true");
        members.put("ts", Long.toString(TS));
        for (int i = 0; i < namesAndValues.length; i += 2) {
            members.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        members.values().removeIf(ABSENT::equals);
        StringBuilder b = new StringBuilder("{");
        members.forEach((name, value) -> b.append(b.length() > 1 ? "," : "").append('"').append(name).append("\":").append(value));
        return b.append('}').toString();
    }

    /** A JSON string literal of {@code s} (quotes, backslashes and newlines escaped). */
    private static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Event.Builder expected() {
        return Event.builder(SCHEMA).key("u1").timestamp(TS)
                .set("user_id", "u1").set("item_id", "i1").set("price", 9.5).set("qty", 3L).set("flag", true).set("ts", TS);
    }

    private static InvalidEventException rejection(EventJson json, String record) {
        return rejection(json, record, null);
    }

    private static InvalidEventException rejection(EventJson json, String record, String recordKey) {
        InvalidEventException e = catchThrowableOfType(InvalidEventException.class, () -> json.decode(utf8(record), recordKey));
        assertThat(e).as("decoding %s", record).isNotNull();
        return e;
    }

    // ---- decoding valid records

    @Test
    void decodesEveryFieldTypeAndTakesTheKeyAndEventTimeFromTheirFields() {
        Event e = JSON.decode(utf8(record()));

        assertThat(e).isEqualTo(expected().build());
        assertThat(e.key()).isEqualTo(EntityKey.of("u1"));
        assertThat(e.timestamp()).isEqualTo(TS);
    }

    @Test
    void theKeyEntityComesFromTheDefinitions() {
        Definitions defs = Definitions.builder()
                .entity("user", "user_id")
                .source(CLICKS)
                .featureView("activity", v -> v.entity("user").source("clicks").tile(Duration.ofMinutes(1)).count("n", null))
                .build();
        Definitions unused = Definitions.builder().entity("user", "user_id").source(CLICKS).build();

        assertThat(EventJson.of(defs, CLICKS).keyField()).contains("user_id");
        assertThat(EventJson.of(defs, CLICKS).decode(utf8(record())).key()).isEqualTo(EntityKey.of("u1"));
        assertThat(EventJson.of(unused, CLICKS).keyField()).isEmpty();
        assertThat(EventJson.of(unused, CLICKS).decode(utf8(record())).key()).isEqualTo(EntityKey.of(""));
    }

    @Test
    void nullMeansNoValueAndFieldOrderDoesNotMatter() {
        Event e = JSON.decode(utf8("{\"ts\":" + TS + ",\"flag\":null,\"qty\":null,\"price\":null,\"item_id\":null,\"user_id\":\"u1\"}"));

        assertThat(e).isEqualTo(Event.builder(SCHEMA).key("u1").timestamp(TS).set("user_id", "u1").set("ts", TS).build());
        assertThat(e.isNull(2)).isTrue();
    }

    @Test
    void unknownFieldsAreSkippedWhateverTheirValues() {
        Event e = JSON.decode(utf8("{\"extra\":{\"price\":\"x\",\"ts\":null,\"deep\":[[{\"a\":[]}]]},\"list\":[1,\"two\",{\"qty\":\"3\"}],"
                + "\"user_id\":\"u1\",\"n\":1e999,\"item_id\":\"i1\",\"s\":\"\\u0000\",\"price\":9.5,\"qty\":3,\"b\":false,\"flag\":true,"
                + "\"ts\":" + TS + ",\"z\":null}"));

        assertThat(e).isEqualTo(expected().build());
    }

    @Test
    void whitespaceAroundTheObjectIsFine() {
        assertThat(JSON.decode(utf8("\n  " + record() + " \r\n\t"))).isEqualTo(expected().build());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "2026-11-21T10:00:00Z           | 2026-11-21T10:00:00Z",
            "2026-11-21T10:00:00.123Z       | 2026-11-21T10:00:00.123Z",
            "2026-11-21T10:00:00.123+01:00  | 2026-11-21T09:00:00.123Z",
            "2026-11-21T10:00:00-05:30      | 2026-11-21T15:30:00Z",
            "2026-11-21T00:30:00+01:00      | 2026-11-20T23:30:00Z",
            "2026-11-21t10:00:00z           | 2026-11-21T10:00:00Z",
            "2026-11-21T10:00Z              | 2026-11-21T10:00:00Z",
            "2026-11-21T10:00:00.1Z         | 2026-11-21T10:00:00.100Z",
            "2026-11-21T10:00:00.123456789Z | 2026-11-21T10:00:00.123Z",
            "2026-11-21T10:00:00+0100       | 2026-11-21T09:00:00Z",
            "2026-11-21T10:00:00+01         | 2026-11-21T09:00:00Z",
            "2024-02-29T23:59:59.999+18:00  | 2024-02-29T05:59:59.999Z",
            "1969-12-31T23:59:59.999Z       | 1969-12-31T23:59:59.999Z",
            "0000-01-01T00:00:00Z           | 0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999Z       | 9999-12-31T23:59:59.999Z",
    })
    void timestampsAreIsoStringsWithAZoneOrOffset(String iso, String instant) {
        Event e = JSON.decode(utf8(record("ts", "\"" + iso + "\"")));

        assertThat(e.timestamp()).isEqualTo(Instant.parse(instant).toEpochMilli());
        assertThat(e.getLong(5)).isEqualTo(e.timestamp());
    }

    @ParameterizedTest
    @CsvSource({"0", "-1", "1763719200000", "-62167219200000", "253402300799999"})
    void timestampsAreEpochMilliseconds(long millis) {
        assertThat(JSON.decode(utf8(record("ts", Long.toString(millis)))).timestamp()).isEqualTo(millis);
    }

    @Test
    void otherTimestampFieldsMayBeNullAndTheEventTimeFieldMayBeALong() {
        Schema schema = Schema.of(new Field("id", FieldType.STRING), new Field("seen", FieldType.TIMESTAMP), new Field("at", FieldType.LONG));
        EventJson json = EventJson.of(new Source("s", "s", SourceFormat.JSON, "at", schema), "id");

        Event e = json.decode(utf8("{\"id\":\"a\",\"seen\":null,\"at\":5}"));
        assertThat(e.timestamp()).isEqualTo(5);
        assertThat(e.isNull(1)).isTrue();
        assertThat(json.decode(utf8("{\"id\":\"a\",\"seen\":\"1970-01-01T00:00:01Z\",\"at\":5}")).getLong(1)).isEqualTo(1000);
        assertThat(rejection(json, "{\"id\":\"a\",\"seen\":null,\"at\":\"1970-01-01T00:00:01Z\"}"))
                .hasMessage("field 'at' is long, got string \"1970-01-01T00:00:01Z\" (send a whole JSON number without quotes,"
                        + " decimal point or exponent, e.g. 42)")
                .extracting(InvalidEventException::reason).isEqualTo(Reason.WRONG_TYPE);
        assertThat(rejection(json, "{\"id\":\"a\",\"seen\":null,\"at\":-62167219200001}"))
                .hasMessage("field 'at' is -62167219200001 epoch milliseconds, outside the years 0000 to 9999"
                        + " (send milliseconds, not microseconds or nanoseconds)")
                .extracting(InvalidEventException::reason).isEqualTo(Reason.BAD_TIMESTAMP);
    }

    @Test
    void longsAndDoublesKeepTheirExtremes() {
        Event e = JSON.decode(utf8(record("qty", "-9223372036854775808", "price", "-0.0")));
        assertThat(e.getLong(3)).isEqualTo(Long.MIN_VALUE);
        assertThat(e.getBits(2)).isEqualTo(Double.doubleToRawLongBits(-0.0));

        e = JSON.decode(utf8(record("qty", "9223372036854775807", "price", "4.9E-324")));
        assertThat(e.getLong(3)).isEqualTo(Long.MAX_VALUE);
        assertThat(e.getDouble(2)).isEqualTo(Double.MIN_VALUE);

        e = JSON.decode(utf8(record("price", "12345678901234567890123")));
        assertThat(e.getDouble(2)).isEqualTo(1.2345678901234568E22);
        assertThat(JSON.decode(utf8(record("price", "-1.7976931348623157e308"))).getDouble(2))
                .isEqualTo(-Double.MAX_VALUE);
    }

    @Test
    void stringsMayHoldEscapesAndAnyUnicode() {
        String raw = "{\"user_id\":\"\\u00e9l\\u00e8ve \\ud83d\\ude00 \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u0001\",\"item_id\":\"中文 é 😀\","
                + "\"price\":null,\"qty\":null,\"flag\":null,\"ts\":0}";
        Event e = JSON.decode(utf8(raw));

        assertThat(e.getString(0)).isEqualTo("élève 😀 \"q\" \\ / \b\f\n\r\t \u0001");
        assertThat(e.key().value()).isEqualTo(e.getString(0));
        assertThat(e.getString(1)).isEqualTo("中文 é 😀");
    }

    // ---- entity keys

    @Test
    void unkeyedEventsHaveTheEmptyKey() {
        EventJson unkeyed = EventJson.of(CLICKS, null);

        assertThat(unkeyed.decode(utf8(record())).key()).isEqualTo(EntityKey.of(""));
        assertThat(unkeyed.decode(utf8(record("user_id", "null"))).isNull(0)).isTrue();
        assertThat(EventJson.of(KEYED_CLICKS, null).decode(utf8(record()), "ignored").key()).isEqualTo(EntityKey.of(""));
    }

    @Test
    void numbersAreKeysInDecimal() {
        EventJson byQty = EventJson.of(CLICKS, "qty");

        assertThat(byQty.decode(utf8(record())).key()).isEqualTo(EntityKey.of("3"));
        assertThat(byQty.decode(utf8(record("qty", "-9223372036854775808"))).key())
                .isEqualTo(EntityKey.of("-9223372036854775808"));
        assertThat(rejection(byQty, record("qty", "\"3\"")))
                .hasMessageStartingWith("field 'qty' is long, got string \"3\"")
                .extracting(InvalidEventException::reason).isEqualTo(Reason.WRONG_TYPE);
        assertThat(rejection(byQty, record("qty", "null")))
                .hasMessage("the entity key qty is null (send it in every record, as a whole number)")
                .extracting(InvalidEventException::reason).isEqualTo(Reason.MISSING_ENTITY_KEY);
    }

    @Test
    void theRecordKeyFillsAnAbsentNullOrEmptyKeyField() {
        EventJson json = EventJson.of(KEYED_CLICKS, "user_id");
        Event expected = expected().key("u7").set("user_id", "u7").build();

        assertThat(json.decode(utf8(record("user_id", ABSENT)), "u7")).isEqualTo(expected);
        assertThat(json.decode(utf8(record("user_id", "null")), "u7")).isEqualTo(expected);
        assertThat(json.decode(utf8(record("user_id", "\"\"")), "u7")).isEqualTo(expected);
        assertThat(json.decode(utf8(record()), "u1")).isEqualTo(expected().build());
    }

    @Test
    void theRecordKeyIsConvertedToALongKeyField() {
        EventJson byQty = EventJson.of(KEYED_CLICKS, "qty");

        Event e = byQty.decode(utf8(record("qty", ABSENT)), "-42");
        assertThat(e.key()).isEqualTo(EntityKey.of("-42"));
        assertThat(e.get("qty")).isEqualTo(-42L);
        assertThat(byQty.decode(utf8(record()), "3").key()).isEqualTo(EntityKey.of("3"));

        for (String bad : List.of("abc", "042", "+42", "4.2", "9223372036854775808")) {
            InvalidEventException x = rejection(byQty, record("qty", ABSENT), bad);
            assertThat(x.reason()).isEqualTo(Reason.WRONG_TYPE);
            assertThat(x.field()).isEqualTo("qty");
            assertThat(x).hasMessage("the record key \"" + bad + "\" cannot fill field qty, which is long"
                    + " (send the key as a decimal integer without + or leading zeros, e.g. 42)");
        }
        assertThat(rejection(byQty, record(), "03"))
                .hasMessage("the record key \"03\" and field qty 3 name different entities (send the same key in both,"
                        + " or leave qty out of the object to take it from the record key)")
                .extracting(InvalidEventException::reason).isEqualTo(Reason.KEY_MISMATCH);
    }

    @Test
    void theRecordKeyMattersOnlyWhenTheSourceSaysSo() {
        assertThat(JSON.decode(utf8(record()), "u9").key()).isEqualTo(EntityKey.of("u1"));
        assertThat(JSON.decode(utf8(record()), null).key()).isEqualTo(EntityKey.of("u1"));
        // Canonical events carry their key in the object: decode(value) ignores record_key.
        assertThat(EventJson.of(KEYED_CLICKS, "user_id").decode(utf8(record())).key()).isEqualTo(EntityKey.of("u1"));
    }

    // ---- rejections, one per reason

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "[1,2]         | a record must be one JSON object, got an array (send one {...} object per Kafka record)",
            "`\"text\"`    | a record must be one JSON object, got a string (send one {...} object per Kafka record)",
            "42            | a record must be one JSON object, got a number (send one {...} object per Kafka record)",
            "true          | a record must be one JSON object, got true (send one {...} object per Kafka record)",
            "null          | a record must be one JSON object, got null (send one {...} object per Kafka record)",
            "``            | a record must be one JSON object, got nothing (an empty record) (send one {...} object per Kafka record)",
            "`  \t `       | a record must be one JSON object, got nothing (an empty record) (send one {...} object per Kafka record)",
    })
    void aRecordIsOneObject(String record, String message) {
        InvalidEventException e = rejection(JSON, record);

        assertThat(e.reason()).isEqualTo(Reason.NOT_AN_OBJECT);
        assertThat(e.field()).isNull();
        assertThat(e).hasMessage(message);
    }

    @Test
    void aNullRecordIsNotAnObject() {
        assertThatThrownBy(() -> JSON.decode(null))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_AN_OBJECT))
                .hasMessage("a record must be one JSON object, got no value (a null record, such as a tombstone)");
    }

    @Test
    void invalidJsonIsMalformedWithItsPosition() {
        InvalidEventException e = rejection(JSON, "{\"user_id\":\"u1\",\n \"price\": 9.5,}");
        assertThat(e.reason()).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(e.field()).isNull();
        assertThat(e).hasMessage("the record is not valid JSON: Unexpected character ('}' (code 125)):"
                + " was expecting double-quote to start field name at line 2, column 15");

        assertThat(rejection(JSON, "{\"user_id\":\"u1\"")).hasMessageStartingWith("the record is not valid JSON: Unexpected end-of-input")
                .extracting(InvalidEventException::reason).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(rejection(JSON, "{\"price\": NaN}")).hasMessageStartingWith("the record is not valid JSON: Non-standard token 'NaN'");
        assertThat(rejection(JSON, "{\"qty\": 007}")).hasMessageStartingWith("the record is not valid JSON: Invalid numeric value: Leading zeroes");
        assertThat(rejection(JSON, "{\"user_id\": 'u1'}")).hasMessageStartingWith("the record is not valid JSON: Unexpected character (''' (code 39))");
    }

    @Test
    void aLongBadTokenIsCutInTheMessage() {
        String token = "x".repeat(1000);
        InvalidEventException e = rejection(JSON, "{\"user_id\": " + token + "}");

        assertThat(e.reason()).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(e.getMessage()).hasSizeLessThan(300).contains("x".repeat(DecodeProblems.QUOTE_LIMIT)).doesNotContain("x".repeat(100));
    }

    @Test
    void jacksonsLimitsMakeRecordsMalformed() {
        String deep = "[".repeat(5_000) + "]".repeat(5_000);
        InvalidEventException e = rejection(JSON, record("deep", deep));

        assertThat(e.reason()).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(e).hasMessageStartingWith("the record is not valid JSON: Document nesting depth (1001) exceeds the maximum allowed");
    }

    @Test
    void contentAfterTheObjectIsMalformed() {
        assertThat(rejection(JSON, record() + " " + record()))
                .hasMessage("the record is not valid JSON: more content follows the object at line 1, column "
                        + (record().length() + 2) + " (send exactly one object per Kafka record)")
                .extracting(InvalidEventException::reason).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(rejection(JSON, record() + "x").reason()).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(rejection(JSON, record() + "]").reason()).isEqualTo(Reason.MALFORMED_JSON);
    }

    @Test
    void aSchemaFieldTwiceIsMalformed() {
        InvalidEventException e = rejection(JSON, record().replace("}", ",\"price\":2.5}"));

        assertThat(e.reason()).isEqualTo(Reason.MALFORMED_JSON);
        assertThat(e.field()).isEqualTo("price");
        assertThat(e).hasMessage("field 'price' appears twice in the object (send each field once)");
        assertThat(JSON.decode(utf8(record().replace("}", ",\"other\":1,\"other\":2}")))).isEqualTo(expected().build());
    }

    @Test
    void everySchemaFieldMustBePresent() {
        InvalidEventException one = rejection(JSON, record("price", ABSENT));
        assertThat(one.reason()).isEqualTo(Reason.MISSING_FIELD);
        assertThat(one.field()).isEqualTo("price");
        assertThat(one).hasMessage("field 'price' is missing (send null when there is no value)");

        InvalidEventException two = rejection(JSON, record("price", ABSENT, "flag", ABSENT));
        assertThat(two.field()).isEqualTo("price");
        assertThat(two).hasMessage("fields 'price', 'flag' are missing (send null when there is no value)");
    }

    @Test
    void theEventTimeMustBePresentAndNotNull() {
        String forms = " (every record needs one: epoch milliseconds as a whole number, or an ISO-8601 string with a zone"
                + " such as \"2026-11-21T10:00:00Z\" or \"2026-11-21T10:00:00.123+01:00\")";
        InvalidEventException absent = rejection(JSON, record("ts", ABSENT, "other", "1"));
        assertThat(absent.reason()).isEqualTo(Reason.MISSING_FIELD);
        assertThat(absent.field()).isEqualTo("ts");
        assertThat(absent).hasMessage("the event time field 'ts' is missing" + forms);

        InvalidEventException isNull = rejection(JSON, record("ts", "null"));
        assertThat(isNull.reason()).isEqualTo(Reason.MISSING_FIELD);
        assertThat(isNull).hasMessage("the event time field 'ts' is null" + forms);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "price   | `\"abc\"`   | field 'price' is double, got string \"abc\" (send a JSON number without quotes, e.g. 9.5)",
            "price   | true        | field 'price' is double, got true (send a JSON number without quotes, e.g. 9.5)",
            "price   | [1]         | field 'price' is double, got an array (send a JSON number without quotes, e.g. 9.5)",
            "price   | 1e400       | field 'price' is double, got number 1e400, which is outside the double range (about ±1.8E308)",
            "qty     | 3.0         | field 'qty' is long, got number 3.0 (send a whole JSON number without quotes, decimal point or exponent, e.g. 42)",
            "qty     | 3e2         | field 'qty' is long, got number 3e2 (send a whole JSON number without quotes, decimal point or exponent, e.g. 42)",
            "qty     | `\"3\"`     | field 'qty' is long, got string \"3\" (send a whole JSON number without quotes, decimal point or exponent, e.g. 42)",
            "qty     | 9223372036854775808 | field 'qty' is long, got number 9223372036854775808, which is outside the long range (-9223372036854775808 to 9223372036854775807)",
            "flag    | 1           | field 'flag' is boolean, got number 1 (send true or false, without quotes)",
            "flag    | `\"true\"`  | field 'flag' is boolean, got string \"true\" (send true or false, without quotes)",
            "item_id | 42          | field 'item_id' is string, got number 42 (send a JSON string, in quotes)",
            "item_id | `{\"a\":1}` | field 'item_id' is string, got an object (send a JSON string, in quotes)",
            "user_id | false       | field 'user_id' is string, got false (send a JSON string, in quotes)",
            "ts      | true        | field 'ts' is timestamp, got true (send epoch milliseconds as a whole number, or an ISO-8601 string with a zone such as \"2026-11-21T10:00:00Z\" or \"2026-11-21T10:00:00.123+01:00\")",
            "ts      | {}          | field 'ts' is timestamp, got an object (send epoch milliseconds as a whole number, or an ISO-8601 string with a zone such as \"2026-11-21T10:00:00Z\" or \"2026-11-21T10:00:00.123+01:00\")",
    })
    void valuesMustHaveTheirFieldsType(String field, String value, String message) {
        InvalidEventException e = rejection(JSON, record(field, value));

        assertThat(e.reason()).isEqualTo(Reason.WRONG_TYPE);
        assertThat(e.field()).isEqualTo(field);
        assertThat(e).hasMessage(message);
    }

    @Test
    void quotedValuesAreEscapedAndCut() {
        String longValue = "a\"b\\c\nd" + "x".repeat(100);
        InvalidEventException e = rejection(JSON, record("price", jsonString(longValue)));

        assertThat(e).hasMessage("field 'price' is double, got string \"a\\\"b\\\\c\\nd" + "x".repeat(53) + "...\""
                + " (send a JSON number without quotes, e.g. 9.5)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "`\"2026-11-21T10:00:00\"` | field 'ts' has no zone: \"2026-11-21T10:00:00\" (add Z for UTC or an offset, e.g. \"2026-11-21T10:00:00Z\" or \"2026-11-21T10:00:00+01:00\")",
            "`\"2026-11-21T10:00\"`    | field 'ts' has no zone: \"2026-11-21T10:00\" (add Z for UTC or an offset, e.g. \"2026-11-21T10:00Z\" or \"2026-11-21T10:00+01:00\")",
            "`\"yesterday\"`           | field 'ts' is not a timestamp: \"yesterday\" (send epoch milliseconds as a whole number, or an ISO-8601 string with a zone such as \"2026-11-21T10:00:00Z\" or \"2026-11-21T10:00:00.123+01:00\")",
            "`\"2026-11-21\"`          | field 'ts' is not a timestamp: \"2026-11-21\" (send epoch milliseconds as a whole number, or an ISO-8601 string with a zone such as \"2026-11-21T10:00:00Z\" or \"2026-11-21T10:00:00.123+01:00\")",
            "`\"2026-11-21 10:00:00Z\"` | field 'ts' is not a timestamp: \"2026-11-21 10:00:00Z\" (send epoch milliseconds as a whole number, or an ISO-8601 string with a zone such as \"2026-11-21T10:00:00Z\" or \"2026-11-21T10:00:00.123+01:00\")",
            "`\"2026-11-21T10:00:00Z[Europe/Paris]\"` | field 'ts' is not a timestamp: \"2026-11-21T10:00:00Z[Europe/Paris]\" (send epoch milliseconds as a whole number, or an ISO-8601 string with a zone such as \"2026-11-21T10:00:00Z\" or \"2026-11-21T10:00:00.123+01:00\")",
            "`\"1763719200000\"`       | field 'ts' is not a timestamp: \"1763719200000\" (send epoch milliseconds as a whole number, or an ISO-8601 string with a zone such as \"2026-11-21T10:00:00Z\" or \"2026-11-21T10:00:00.123+01:00\")",
            "`\"2026-02-29T10:00:00Z\"` | field 'ts' is not a valid date and time: \"2026-02-29T10:00:00Z\" (year 0000-9999, month 01-12, a day of that month, hour 00-23, minute and second 00-59, offset at most ±18:00)",
            "`\"2026-11-21T24:00:00Z\"` | field 'ts' is not a valid date and time: \"2026-11-21T24:00:00Z\" (year 0000-9999, month 01-12, a day of that month, hour 00-23, minute and second 00-59, offset at most ±18:00)",
            "`\"2026-11-21T10:00:00+19:00\"` | field 'ts' is not a valid date and time: \"2026-11-21T10:00:00+19:00\" (year 0000-9999, month 01-12, a day of that month, hour 00-23, minute and second 00-59, offset at most ±18:00)",
            "`\"0000-01-01T00:00:00+01:00\"` | field 'ts' is not a valid date and time: \"0000-01-01T00:00:00+01:00\" (year 0000-9999, month 01-12, a day of that month, hour 00-23, minute and second 00-59, offset at most ±18:00)",
            "1763719200000000          | field 'ts' is 1763719200000000 epoch milliseconds, outside the years 0000 to 9999 (send milliseconds, not microseconds or nanoseconds)",
            "99999999999999999999      | field 'ts' is 99999999999999999999 epoch milliseconds, outside the years 0000 to 9999 (send milliseconds, not microseconds or nanoseconds)",
            "1.7637192E12              | field 'ts' is not a timestamp: 1.7637192E12 is not a whole number (send epoch milliseconds as a whole number, or an ISO-8601 string with a zone such as \"2026-11-21T10:00:00Z\" or \"2026-11-21T10:00:00.123+01:00\")",
    })
    void badTimestampsSayWhatIsWrong(String value, String message) {
        InvalidEventException e = rejection(JSON, record("ts", value));

        assertThat(e.reason()).isEqualTo(Reason.BAD_TIMESTAMP);
        assertThat(e.field()).isEqualTo("ts");
        assertThat(e).hasMessage(message);
    }

    @Test
    void theEntityKeyMustBePresentAndNotEmpty() {
        Map<String, String> whyByValue = Map.of(ABSENT, "missing", "null", "null", "\"\"", "empty");
        for (var c : whyByValue.entrySet()) {
            String why = c.getValue();
            InvalidEventException e = rejection(JSON, record("user_id", c.getKey()));

            assertThat(e.reason()).isEqualTo(Reason.MISSING_ENTITY_KEY);
            assertThat(e.field()).isEqualTo("user_id");
            assertThat(e).hasMessage("the entity key user_id is " + why + " (send it in every record, as a non-empty string)");
        }
    }

    @Test
    void anEntityKeyMustBeValidUnicode() {
        InvalidEventException e = rejection(JSON, record("user_id", "\"u\\ud800\""));

        assertThat(e.reason()).isEqualTo(Reason.WRONG_TYPE);
        assertThat(e).hasMessage("the entity key user_id has an unpaired UTF-16 surrogate \\ud800 at index 1,"
                + " which has no UTF-8 form (send valid Unicode text)");
    }

    @Test
    void withEntityKeyRecordKeysTheRecordKeyMustBePresentAndAgree() {
        EventJson json = EventJson.of(KEYED_CLICKS, "user_id");
        for (String missing : new String[]{null, ""}) {
            InvalidEventException e = rejection(json, record(), missing);
            assertThat(e.reason()).isEqualTo(Reason.MISSING_ENTITY_KEY);
            assertThat(e.field()).isEqualTo("user_id");
            assertThat(e).hasMessage("the record key is missing: source 'clicks' takes the entity key user_id from the Kafka"
                    + " record key (record_key: entity_key), so every record needs a non-empty key");
        }

        InvalidEventException e = rejection(json, record(), "u2");
        assertThat(e.reason()).isEqualTo(Reason.KEY_MISMATCH);
        assertThat(e.field()).isEqualTo("user_id");
        assertThat(e).hasMessage("the record key \"u2\" and field user_id \"u1\" name different entities (send the same key in both,"
                + " or leave user_id out of the object to take it from the record key)");
    }

    @Test
    void rejectionsAreCheapInvalidInput() {
        InvalidEventException e = rejection(JSON, "[]");

        assertThat(e).isInstanceOf(InvalidInputException.class);
        assertThat(e.getStackTrace()).isEmpty();
        assertThat(e.getCause()).isNull();
        e.addSuppressed(new RuntimeException());
        assertThat(e.getSuppressed()).isEmpty();
    }

    @Test
    void reasonCodesAreSnakeCase() {
        assertThat(Reason.MALFORMED_JSON.code()).isEqualTo("malformed_json");
        assertThat(Reason.MISSING_ENTITY_KEY.code()).isEqualTo("missing_entity_key");
        for (Reason r : Reason.values()) {
            assertThat(r.code()).matches("[a-z]+(_[a-z]+)*");
        }
    }

    // ---- encoding

    @Test
    void encodesFieldsInSchemaOrderWithTimestampsAsMillis() {
        Event e = Event.builder(SCHEMA).key("u1").timestamp(TS).set("user_id", "u1").set("price", 1e-300)
                .set("qty", Long.MIN_VALUE).set("flag", false).set("ts", TS).build();

        assertThat(new String(JSON.encode(e), StandardCharsets.UTF_8)).isEqualTo(
                "{\"user_id\":\"u1\",\"item_id\":null,\"price\":1.0E-300,\"qty\":-9223372036854775808,\"flag\":false,\"ts\":" + TS + "}");
        assertThat(JSON.decode(JSON.encode(e))).isEqualTo(e);
    }

    @Test
    void encodesDoublesInTheirShortestRoundTripForm() {
        double[] values = {0.1, -0.0, 100.0, 1e21, 1e-7, Double.MIN_VALUE, Double.MAX_VALUE, 1.0 / 3, 123456789.125};
        for (double v : values) {
            Event e = expected().set("price", v).build();
            String json = new String(JSON.encode(e), StandardCharsets.UTF_8);

            assertThat(json).contains("\"price\":" + Double.toString(v) + ",");
            assertThat(JSON.decode(utf8(json)).getBits(2)).isEqualTo(Double.doubleToRawLongBits(v));
        }
    }

    @Test
    void nonFiniteDoublesAreWrittenAsNull() {
        for (double v : new double[]{Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            Event e = expected().set("price", v).build();

            assertThat(new String(JSON.encode(e), StandardCharsets.UTF_8)).contains("\"price\":null,");
            assertThat(JSON.decode(JSON.encode(e)).isNull(2)).isTrue();
        }
    }

    @Test
    void encodesStringsEscapedAndAsUtf8() {
        String s = "q\"b\\s/ \b\f\n\r\t \u0000\u001f\u007f é 中 😀 \u2028";
        Event e = expected().set("item_id", s).build();

        byte[] bytes = JSON.encode(e);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains(
                "\"item_id\":\"q\\\"b\\\\s/ \\b\\f\\n\\r\\t \\u0000\\u001f\u007f é 中 😀 \u2028\"");
        assertThat(JSON.decode(bytes).getString(1)).isEqualTo(s);
    }

    @Test
    void loneSurrogatesAreEscapedSoThatTheyReadBack() {
        String s = "a\ud800b\udc00c\ud83d";
        Event e = expected().set("item_id", s).build();

        assertThat(new String(JSON.encode(e), StandardCharsets.US_ASCII)).contains("\"item_id\":\"a\\ud800b\\udc00c\\ud83d\"");
        assertThat(JSON.decode(JSON.encode(e)).getString(1)).isEqualTo(s);
    }

    @Test
    void encodeRejectsOtherSchemasAndAnEventTimeThatIsNotTheTimestampField() {
        Schema other = Schema.of(new Field("user_id", FieldType.STRING), new Field("ts", FieldType.TIMESTAMP));
        Event foreign = Event.builder(other).key("u1").timestamp(1).set("ts", 1L).build();
        assertThatThrownBy(() -> JSON.encode(foreign)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not of source 'clicks'");

        assertThatThrownBy(() -> JSON.encode(expected().timestamp(TS + 1).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has event time " + (TS + 1) + " but field 'ts' is " + TS);
        assertThatThrownBy(() -> JSON.encode(expected().set("ts", null).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but field 'ts' is null");
    }

    @Test
    void ofRejectsKeyAndTimestampFieldsItCannotUse() {
        assertThatThrownBy(() -> EventJson.of(CLICKS, "account"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("source 'clicks' has no key field 'account'");
        assertThatThrownBy(() -> EventJson.of(CLICKS, "price"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("source 'clicks': key field 'price' is double (an entity key must be a string or long field other than the timestamp)");
        assertThatThrownBy(() -> EventJson.of(CLICKS, "ts"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is timestamp and the timestamp field");
        Source noTs = new Source("s", "s", SourceFormat.JSON, "when", SCHEMA);
        assertThatThrownBy(() -> EventJson.of(noTs, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("source 's': timestamp field 'when' must be");
    }

    @Test
    void oneInstanceIsSharedByThreads() {
        List<Event> events = new RandomEvents(7, 20, 50).stream(20_000, TS, 3_600_000);
        List<byte[]> encoded = events.stream().map(JSON::encode).toList();

        List<Event> decoded = IntStream.range(0, events.size()).parallel().mapToObj(i -> JSON.decode(encoded.get(i))).toList();
        List<byte[]> reencoded = events.parallelStream().map(JSON::encode).toList();

        assertThat(decoded).isEqualTo(events);
        for (int i = 0; i < events.size(); i++) {
            assertThat(reencoded.get(i)).isEqualTo(encoded.get(i));
        }
    }
}
