package dev.freshet.offline.join;

import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.feature.FeatureRef;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingSetRequestTest {

    private static TrainingSetRequest parse(String json) {
        return TrainingSetRequest.fromJson(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theJsonFormRoundTrips() {
        TrainingSetRequest r = parse("{\"spine\": \"/data/spine.parquet\", \"entity_column\": \"user_id\", \"timestamp_column\": \"ts\","
                + " \"features\": [\"user_activity:clicks_5m\", \"a:b\"], \"full_feature_names\": true}");
        assertThat(r).isEqualTo(new TrainingSetRequest(Path.of("/data/spine.parquet"), "user_id", "ts",
                List.of(FeatureRef.parse("user_activity:clicks_5m"), FeatureRef.parse("a:b")), true));
        assertThat(TrainingSetRequest.fromJson(r.toJson())).isEqualTo(r);
        assertThat(parse("{\"spine\": \"s.csv\", \"entity_column\": \"u\", \"timestamp_column\": \"t\", \"features\": [\"a:b\"]}")
                .fullFeatureNames()).isFalse();
    }

    @Test
    void aMissingUnknownOrMistypedKeyIsNamed() {
        assertThatThrownBy(() -> parse("{\"entity_column\": \"u\", \"timestamp_column\": \"t\", \"features\": [\"a:b\"]}"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'spine' is missing");
        assertThatThrownBy(() -> parse("{\"spine\": \"s.csv\", \"timestamp_column\": \"t\", \"features\": [\"a:b\"]}"))
                .hasMessageContaining("'entity_column' is missing");
        assertThatThrownBy(() -> parse("{\"spine\": \"s.csv\", \"entity_column\": \"u\", \"timestamp_column\": \"t\", \"feature\": [\"a:b\"]}"))
                .hasMessageContaining("unknown key 'feature'");
        assertThatThrownBy(() -> parse("{\"spine\": 3}")).hasMessageContaining("spine must be a string");
        assertThatThrownBy(() -> parse("{\"spine\": \"s.csv\", \"entity_column\": \"u\", \"timestamp_column\": \"t\", \"features\": [\"ab\"]}"))
                .hasMessageContaining("\"ab\" is not a feature reference");
        assertThatThrownBy(() -> parse("{\"spine\": \"s.csv\", \"entity_column\": \"u\", \"timestamp_column\": \"t\", \"features\": []}"))
                .hasMessageContaining("features is empty");
        assertThatThrownBy(() -> parse("{\"spine\": ")).isInstanceOf(InvalidInputException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> parse("[1]")).hasMessageContaining("expected a JSON object");
    }

    @Test
    void theRecordValidates() {
        List<FeatureRef> f = List.of(FeatureRef.parse("a:b"));
        assertThatThrownBy(() -> new TrainingSetRequest(Path.of("s.csv"), "u", "u", f, false)).hasMessageContaining("both 'u'");
        assertThatThrownBy(() -> new TrainingSetRequest(Path.of("s.csv"), "u", "t", List.of(f.get(0), f.get(0)), false))
                .hasMessageContaining("'a:b' is listed twice");
        assertThatThrownBy(() -> new TrainingSetRequest(null, "u", "t", f, false)).hasMessageContaining("spine is missing");
    }
}
