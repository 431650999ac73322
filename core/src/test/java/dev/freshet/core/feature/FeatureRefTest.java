package dev.freshet.core.feature;

import dev.freshet.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeatureRefTest {

    @Test
    void parsesViewColonFeature() {
        FeatureRef ref = FeatureRef.parse("user_activity:clicks_5m");

        assertThat(ref).isEqualTo(new FeatureRef("user_activity", "clicks_5m"));
        assertThat(ref.toString()).isEqualTo("user_activity:clicks_5m");
        assertThat(FeatureRef.parse(ref.toString())).isEqualTo(ref);
    }

    @Test
    void trimsSpacesAroundTheNames() {
        assertThat(FeatureRef.parse(" user_activity : clicks_5m ")).isEqualTo(new FeatureRef("user_activity", "clicks_5m"));
    }

    // " :f" and "v: " are regressions: a name of only spaces used to pass and be trimmed to ""
    @ParameterizedTest
    @ValueSource(strings = {"", "clicks_5m", ":clicks_5m", "user_activity:", "a:b:c", "::", " :clicks_5m", "user_activity: "})
    void rejectsWhatIsNotTwoNamesAroundOneColon(String text) {
        assertThatThrownBy(() -> FeatureRef.parse(text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("\"" + text + "\" is not a feature reference (write it as view:feature, e.g. user_activity:clicks_5m)");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> FeatureRef.parse(null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("a feature reference is null");
    }
}
