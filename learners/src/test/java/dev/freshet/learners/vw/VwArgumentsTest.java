package dev.freshet.learners.vw;

import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.Learners;
import dev.freshet.learners.OnlineLearner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VwArgumentsTest {

    private static final ExampleLayout LAYOUT =
            ExampleLayout.of(List.of(new FeatureRef("user_activity", "clicks")), List.of("device"), List.of());

    @ParameterizedTest
    @ValueSource(strings = {"-d train.vw", "--data train.vw", "--data=train.vw", "-dtrain.vw", "-i model.vw",
            "--initial_regressor model.vw", "-f model.vw", "--final_regressor model.vw", "--daemon", "--port 26542",
            "-p out.txt", "--predictions out.txt", "-c", "--cache", "--cache_file c.cache", "--passes 3", "-t",
            "--testonly", "--readable_model m.txt", "--invert_hash m.txt", "--binary", "--predict_only_model"})
    void refusesOptionsFreshetManages(String option) {
        String name = option.split("[ =]")[0];

        assertThat(VwLearner.problems("-b 18 " + option))
                .singleElement().asString().contains(name).contains("is not allowed: ");
        assertThatThrownBy(() -> VwLearner.create(new LearnerOptions.Vw("-b 18 " + option), LAYOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("-b 18 " + option);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--loss_function hinge", "--loss_function=squared", "--loss_function logistic --loss_function quantile"})
    void refusesLossesOtherThanLogistic(String options) {
        assertThat(VwLearner.problems(options)).singleElement().asString()
                .startsWith("VW option --loss_function ").contains("must be logistic");
    }

    @Test
    void refusesLinksOtherThanLogistic() {
        assertThat(VwLearner.problems("--link identity")).singleElement().asString()
                .contains("--link identity").contains("must be logistic");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "--loss_function logistic", "--loss_function=logistic --link=logistic",
            "-b 18 -q uc -l 0.5 --l2 1e-6 --power_t 0.5", "--ftrl --ftrl_alpha 0.1", "--initial_t 1 --l1 -0"})
    void acceptsOrdinaryOptions(String options) {
        assertThat(VwLearner.problems(options)).isEmpty();
    }

    @Test
    void addsQuietAndTheLogisticLossAndLinkWhenMissing() {
        assertThat(VwArguments.effective("")).isEqualTo("--quiet --loss_function logistic --link logistic");
        assertThat(VwArguments.effective(" -b 18  -q uc ")).isEqualTo("-b 18 -q uc --quiet --loss_function logistic --link logistic");
        assertThat(VwArguments.effective("--quiet --loss_function=logistic --link logistic -b 20"))
                .isEqualTo("--quiet --loss_function=logistic --link logistic -b 20");
    }

    @Test
    void aNonsenseOptionIsAClearException() {
        assertThatThrownBy(() -> VwLearner.create(new LearnerOptions.Vw("-b 18 --no_such_option"), LAYOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VW rejected the options")
                .hasMessageContaining("--no_such_option")
                .hasMessageContaining("-b 18 --no_such_option --quiet --loss_function logistic --link logistic");
    }

    @Test
    void aBadOptionValueIsAClearException() {
        assertThatThrownBy(() -> VwLearner.create(new LearnerOptions.Vw("-b abc"), LAYOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VW rejected the options \"-b abc --quiet");
    }

    @Test
    void optionsThatMakeAnotherKindOfLearnerAreRefused() {
        assertThatThrownBy(() -> VwLearner.create(new LearnerOptions.Vw("--oaa 3"), LAYOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("binary classifier")
                .hasMessageContaining("--oaa 3");
    }

    @Test
    void learnersCreatesAVwLearnerFromVwOptions() {
        try (OnlineLearner learner = Learners.create(new LearnerOptions.Vw(LearnerOptions.Vw.DEFAULT_ARGUMENTS), LAYOUT)) {
            assertThat(learner).isInstanceOf(VwLearner.class);
            assertThat(learner.layout()).isEqualTo(LAYOUT);
        }
    }
}
