package dev.freshet.core.definition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class FieldTypeTest {

    @ParameterizedTest
    @CsvSource({
            "string, STRING", "str, STRING",
            "long, LONG", "int, LONG", "int64, LONG", "int32, LONG", "integer, LONG",
            "double, DOUBLE", "float, DOUBLE", "float64, DOUBLE", "float32, DOUBLE",
            "boolean, BOOLEAN", "bool, BOOLEAN",
            "timestamp, TIMESTAMP",
            "STRING, STRING", "' Long ', LONG", "Bool, BOOLEAN"})
    void parsesNamesAndAliasesIgnoringCaseAndSpaces(String name, FieldType type) {
        assertThat(FieldType.parse(name)).contains(type);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "text", "number", "datetime", "int 64", "decimal"})
    void rejectsOtherNames(String name) {
        assertThat(FieldType.parse(name)).isEmpty();
    }

    @Test
    void rejectsNull() {
        assertThat(FieldType.parse(null)).isEmpty();
    }

    @Test
    void everyCanonicalNameParsesBackAndIsListed() {
        for (FieldType t : FieldType.values()) {
            assertThat(FieldType.parse(t.yamlName())).contains(t);
        }
        assertThat(FieldType.names()).isEqualTo("string, long, double, boolean, timestamp");
    }

    @Test
    void numericTypes() {
        assertThat(FieldType.LONG.isNumeric()).isTrue();
        assertThat(FieldType.DOUBLE.isNumeric()).isTrue();
        assertThat(FieldType.TIMESTAMP.isNumeric()).isTrue();
        assertThat(FieldType.STRING.isNumeric()).isFalse();
        assertThat(FieldType.BOOLEAN.isNumeric()).isFalse();
    }
}
