package dev.freshet.learners.stream;

import dev.freshet.core.error.InvalidInputException;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExampleReaderTest {

    private static final ExampleLayout LAYOUT = ExampleLayout.of(TrainingFixtures.ctr());
    private final ExampleReader reader = new ExampleReader(LAYOUT, "ctr");
    private final Example example = LAYOUT.newExample();

    @Test
    void readsWhatTrainingJsonWritesIntoTheExample() {
        LoggedPrediction p = TrainingFixtures.prediction("p1", 1, "i9", 14, 3, 12.5, null);
        double label = reader.read(TrainingJson.encode(new TrainingExample(p, 1, true, 2)), example);

        assertThat(label).isEqualTo(1.0);
        assertThat(example.number(LAYOUT.indexOf("user_activity:clicks_5m"))).isEqualTo(3.0);
        assertThat(example.number(LAYOUT.indexOf("user_activity:spend_1h"))).isEqualTo(12.5);
        assertThat(example.isPresent(LAYOUT.indexOf("user_activity:last_item"))).isFalse();
        assertThat(example.category(LAYOUT.indexOf("item_id"))).isEqualTo("i9");
        assertThat(example.number(LAYOUT.indexOf("hour"))).isEqualTo(14.0);
    }

    @Test
    void aReusedExampleKeepsNothingOfTheLastRecord() {
        reader.read(json("{\"model\": \"ctr\", \"inputs\": {\"item_id\": \"i1\", \"hour\": 3}, \"label\": 0}"), example);
        reader.read(json("{\"model\": \"ctr\", \"inputs\": {\"hour\": 4, \"gone_input\": 7}, \"label\": 1}"), example);

        assertThat(example.isPresent(LAYOUT.indexOf("item_id"))).isFalse();
        assertThat(example.number(LAYOUT.indexOf("hour"))).isEqualTo(4.0);
    }

    @Test
    void unusableRecordsSayWhy() {
        assertThatThrownBy(() -> reader.read(json("{\"model\": \"cvr\", \"inputs\": {}, \"label\": 1}"), example))
                .isInstanceOf(InvalidInputException.class).hasMessage("it is an example of model cvr");
        assertThatThrownBy(() -> reader.read(json("{\"model\": \"ctr\", \"inputs\": {}}"), example))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("\"label\" is missing or not a number");
        assertThatThrownBy(() -> reader.read(json("{\"model\": \"ctr\", \"inputs\": {}, \"label\": 2}"), example))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("is 2.0, but a label is from 0 to 1");
        assertThatThrownBy(() -> reader.read(json("{\"model\": \"ctr\", \"inputs\": {\"hour\": 1e999}, \"label\": 1}"), example))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("numbers must be finite");
        assertThatThrownBy(() -> reader.read(json("[1]"), example))
                .isInstanceOf(InvalidInputException.class).hasMessage("a training record is not a JSON object");
        assertThatThrownBy(() -> reader.read(json("{\"model\": "), example))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not valid JSON");
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
