package dev.freshet.core.event;

import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventTest {

    private static final Schema SCHEMA = Schema.of(
            new Field("user_id", FieldType.STRING),
            new Field("qty", FieldType.LONG),
            new Field("price", FieldType.DOUBLE),
            new Field("flag", FieldType.BOOLEAN),
            new Field("ts", FieldType.TIMESTAMP));

    private static Event.Builder builder() {
        return Event.builder(SCHEMA).key("u1").timestamp(1_000);
    }

    @Test
    void typedValuesReadBackTyped() {
        Event e = builder().set("user_id", "u1").set("qty", 3L).set("price", 9.5).set("flag", true).set("ts", 1_000L).build();

        assertThat(e.key()).isEqualTo(EntityKey.of("u1"));
        assertThat(e.timestamp()).isEqualTo(1_000);
        assertThat(e.getString(0)).isEqualTo("u1");
        assertThat(e.getLong(1)).isEqualTo(3);
        assertThat(e.getDouble(1)).isEqualTo(3.0);
        assertThat(e.getDouble(2)).isEqualTo(9.5);
        assertThat(e.getBits(2)).isEqualTo(Double.doubleToRawLongBits(9.5));
        assertThat(e.getBoolean(3)).isTrue();
        assertThat(e.getLong(4)).isEqualTo(1_000);
        assertThat(e.get("user_id")).isEqualTo("u1");
        assertThat(e.get("qty")).isEqualTo(3L);
        assertThat(e.get("price")).isEqualTo(9.5);
        assertThat(e.get("flag")).isEqualTo(true);
        assertThat(e.get("ts")).isEqualTo(1_000L);
        for (int i = 0; i < SCHEMA.size(); i++) {
            assertThat(e.isNull(i)).isFalse();
        }
    }

    @Test
    void smallerIntegersWidenAndAnyNumberIsADouble() {
        Event e = builder().set("qty", 3).set("ts", (short) 7).set("price", 2).build();

        assertThat(e.get("qty")).isEqualTo(3L);
        assertThat(e.get("ts")).isEqualTo(7L);
        assertThat(e.get("price")).isEqualTo(2.0);
        assertThat(builder().set("price", new BigDecimal("1.25")).build().getDouble(2)).isEqualTo(1.25);
    }

    @Test
    void fieldsStartNullAndCanBeSetBackToNull() {
        Event e = builder().set("qty", 3L).set("qty", null).build();

        for (int i = 0; i < SCHEMA.size(); i++) {
            assertThat(e.isNull(i)).isTrue();
            assertThat(e.get(i)).isNull();
        }
        assertThat(e.getLong(1)).isZero();
        Map<String, Object> expected = new LinkedHashMap<>();
        SCHEMA.fields().forEach(f -> expected.put(f.name(), null));
        assertThat(e.toMap()).containsExactlyEntriesOf(expected);
    }

    @Test
    void aValueOfTheWrongTypeIsRejected() {
        assertThatThrownBy(() -> builder().set("qty", "3"))
                .isInstanceOf(InvalidInputException.class).hasMessage("field 'qty' is long, not String (value: 3)");
        assertThatThrownBy(() -> builder().set("qty", 3.5))
                .isInstanceOf(InvalidInputException.class).hasMessage("field 'qty' is long, not Double (value: 3.5)");
        assertThatThrownBy(() -> builder().set("ts", 1.0f))
                .isInstanceOf(InvalidInputException.class).hasMessage("field 'ts' is timestamp, not Float (value: 1.0)");
        assertThatThrownBy(() -> builder().set("user_id", 42))
                .isInstanceOf(InvalidInputException.class).hasMessage("field 'user_id' is string, not Integer (value: 42)");
        assertThatThrownBy(() -> builder().set("price", "9.5"))
                .isInstanceOf(InvalidInputException.class).hasMessage("field 'price' is double, not String (value: 9.5)");
        assertThatThrownBy(() -> builder().set("flag", "true"))
                .isInstanceOf(InvalidInputException.class).hasMessage("field 'flag' is boolean, not String (value: true)");
        assertThatThrownBy(() -> builder().set("flag", 1))
                .isInstanceOf(InvalidInputException.class).hasMessage("field 'flag' is boolean, not Integer (value: 1)");
    }

    @Test
    void anUnknownFieldIsRejectedWithTheFieldsThatExist() {
        assertThatThrownBy(() -> builder().set("cost", 1.0))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("no field 'cost' in the schema (fields: user_id, qty, price, flag, ts)");
        Event e = builder().build();
        assertThatThrownBy(() -> e.get("cost")).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("no field 'cost'");
    }

    @Test
    void anEventNeedsAKeyAndATimestamp() {
        assertThatThrownBy(() -> Event.builder(SCHEMA).timestamp(1).build())
                .isInstanceOf(IllegalStateException.class).hasMessage("an event needs an entity key");
        assertThatThrownBy(() -> Event.builder(SCHEMA).key("u1").build())
                .isInstanceOf(IllegalStateException.class).hasMessage("an event needs a timestamp");
        assertThat(Event.builder(SCHEMA).key("u1").timestamp(0).build().timestamp()).isZero();
    }

    @Test
    void aBuiltEventDoesNotChangeWhenItsBuilderGoesOn() {
        Event.Builder b = builder().set("qty", 1L).set("user_id", "a");
        Event first = b.build();
        b.set("qty", 2L).set("user_id", "b");

        assertThat(first.get("qty")).isEqualTo(1L);
        assertThat(first.get("user_id")).isEqualTo("a");
        assertThat(b.build().get("qty")).isEqualTo(2L);
    }

    @Test
    void equalEventsHaveEqualHashes() {
        Event a = builder().set("qty", 1L).set("price", 0.5).build();
        Event b = builder().set("qty", 1L).set("price", 0.5).build();
        Event nullQty = builder().set("price", 0.5).build();
        Event zeroQty = builder().set("qty", 0L).set("price", 0.5).build();

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(builder().set("qty", 1L).set("price", 0.5).key("u2").build());
        assertThat(nullQty).isNotEqualTo(zeroQty);
    }
}
