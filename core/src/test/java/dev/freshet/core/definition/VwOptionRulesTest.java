package dev.freshet.core.definition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class VwOptionRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"-d x.txt", "--data x.txt", "--data=x.txt", "-dx.txt", "-i m.vw", "--initial_regressor=m.vw", "-f m.vw",
            "--final_regressor m.vw", "--daemon", "--port 26542", "-p out.txt", "--predictions=out.txt", "-r raw.txt", "-c", "--cache",
            "--cache_file c.cache", "--passes 3", "-t", "--testonly", "--readable_model r.txt", "--invert_hash=r.txt",
            "--audit_regressor a.txt", "--binary", "--predict_only_model"})
    void optionsFreshetManagesOrThatBreakStreamingAreRefused(String option) {
        String name = option.split("[ =]")[0];

        assertThat(VwOptionRules.problems("-b 22 " + option + " --adaptive")).singleElement().asString()
                .startsWith("VW option " + name).contains(" is not allowed: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "--database x", "--data_dir x", "-q dt", "--port_number 1", "--testonly2", "-b 22 -ti",
            "--loss_function logistic", "--loss_function=logistic --link=logistic", "-b 18 -q uc -l 0.5 --l2 1e-6 --power_t 0.5",
            "--ftrl --ftrl_alpha 0.1", "--initial_t 1 --l1 -0"})
    void ordinaryOptionsAndOnesThatOnlyLookAlikePass(String options) {
        assertThat(VwOptionRules.problems(options)).isEmpty();
    }

    @Test
    void aLossOrLinkOtherThanLogisticIsRefused() {
        assertThat(VwOptionRules.problems("--loss_function squared -b 22")).singleElement().asString()
                .startsWith("VW option --loss_function squared is not allowed: ").contains("the loss must be logistic");
        assertThat(VwOptionRules.problems("--loss_function=hinge")).singleElement().asString().contains("--loss_function hinge");
        assertThat(VwOptionRules.problems("-b 22 --loss_function")).singleElement().asString().contains("--loss_function  is not allowed");
        assertThat(VwOptionRules.problems("--link identity")).singleElement().asString()
                .contains("--link identity").contains("must be logistic");
    }

    @Test
    void everyRefusedOptionIsReported() {
        assertThat(VwOptionRules.problems("-d train.txt --passes 2 -c --loss_function quantile -f out.vw")).hasSize(5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-d x.txt", "-f m.vw", "--daemon", "--passes 3", "-t", "--cache_file c.cache", "--invert_hash=r.txt", "--binary"})
    void aBanditRefusesTheOptionsFreshetManagesToo(String option) {
        String name = option.split("[ =]")[0];

        assertThat(VwOptionRules.cbProblems("--cb_explore_adf " + option + " --squarecb")).singleElement().asString()
                .startsWith("VW option " + name).contains(" is not allowed: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--cb_explore_adf", "--cb_explore_adf --epsilon 0.05", "--cb_explore_adf --squarecb -q UA",
            "  --cb_explore_adf  --softmax --lambda 10 ", "-b 20 --cb_explore_adf --cb_type mtr --loss_function squared --link identity"})
    void aBanditMayUseAnyExplorationLossOrLink(String options) {
        assertThat(VwOptionRules.cbProblems(options)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "--cb_adf", "--cb_explore_adf=1", "--squarecb"})
    void aBanditNeedsCbExploreAdf(String options) {
        assertThat(VwOptionRules.cbProblems(options))
                .containsExactly("vw_cb needs --cb_explore_adf: Freshet gives VW one line per candidate action");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--cb_explore_adf --cb 3", "--cb_explore_adf --cb_explore 3", "--cb_explore_adf --cb_explore=3"})
    void singleLineContextualBanditsAreRefused(String options) {
        assertThat(VwOptionRules.cbProblems(options)).singleElement().asString().contains("reads one line per decision");
    }

    @Test
    void onlyModelsNeedALogisticLoss() {
        assertThat(VwOptionRules.problems("--loss_function squared --link identity")).hasSize(2);
        assertThat(VwOptionRules.cbProblems("--cb_explore_adf --loss_function squared --link identity")).isEmpty();
        assertThat(VwOptionRules.cbProblems("--cb_explore_adf --passes 2 -c")).hasSize(2);
    }
}
