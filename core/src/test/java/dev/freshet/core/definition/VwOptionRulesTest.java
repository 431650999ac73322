package dev.freshet.core.definition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** VW options that Freshet manages or that break streaming are refused, matched token by token. */
class VwOptionRulesTest {

    @Test
    void ordinaryOptionsPass() {
        assertThat(VwOptionRules.problems(LearnerOptions.Vw.DEFAULT_ARGUMENTS)).isEmpty();
        assertThat(VwOptionRules.problems("--loss_function logistic -b 22 -q ui --adaptive --normalized")).isEmpty();
        assertThat(VwOptionRules.problems("  ")).isEmpty();
        assertThat(VwOptionRules.problems("--loss_function=logistic --link logistic --l2 1e-6")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-d x.txt", "--data x.txt", "--data=x.txt", "-i m.vw", "--initial_regressor=m.vw", "-f m.vw",
            "--final_regressor m.vw", "--daemon", "--port 26542", "-p out.txt", "--predictions=out.txt", "-c", "--cache",
            "--cache_file c.cache", "--passes 3", "-t", "--testonly", "--readable_model r.txt", "--invert_hash=r.txt"})
    void optionsFreshetManagesOrThatBreakStreamingAreRefused(String option) {
        String name = option.split("[ =]")[0];

        assertThat(VwOptionRules.problems("-b 22 " + option + " --adaptive")).singleElement().asString()
                .startsWith("\"" + name + "\" is managed by Freshet or breaks streaming (").endsWith("); remove it");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-dfile", "--database x", "--data_dir x", "-q dt", "--port_number 1", "--testonly2", "-b 22 -ti"})
    void onlyWholeOptionsAreMatched(String options) {
        assertThat(VwOptionRules.problems(options)).isEmpty();
    }

    @Test
    void aLossOtherThanLogisticIsRefused() {
        String rule = " is not allowed (a model is a binary classifier that predicts probabilities; "
                + "write --loss_function logistic, or leave it out)";
        assertThat(VwOptionRules.problems("--loss_function squared -b 22")).containsExactly("\"--loss_function squared\"" + rule);
        assertThat(VwOptionRules.problems("--loss_function=hinge")).containsExactly("\"--loss_function hinge\"" + rule);
        assertThat(VwOptionRules.problems("-b 22 --loss_function")).containsExactly(
                "\"--loss_function\" has no value (write --loss_function logistic, or leave it out)");
        assertThat(VwOptionRules.problems("--loss_function=")).containsExactly(
                "\"--loss_function\" has no value (write --loss_function logistic, or leave it out)");
    }

    @Test
    void everyRefusedOptionIsReported() {
        assertThat(VwOptionRules.problems("-d train.txt --passes 2 -c --loss_function quantile -f out.vw")).hasSize(5);
    }
}
