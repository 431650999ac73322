package dev.freshet.bandits.vw;

import dev.freshet.bandits.Policies;
import dev.freshet.bandits.Policy;
import dev.freshet.learners.ExampleLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VwCbOptionsTest {

    private final ExampleLayout layout = new Simulation(1).layout;

    @ParameterizedTest
    @ValueSource(strings = {"--epsilon 0.1", "--cb_explore_adf -d data.txt", "--cb_explore_adf -i model.vw", "--cb_explore_adf -f out.vw",
            "--cb_explore_adf --daemon", "--cb_explore_adf --port 26542", "--cb_explore_adf --passes 3", "--cb_explore_adf -c",
            "--cb_explore_adf --readable_model m.txt", "--cb_explore_adf -p preds.txt",
            "--cb_explore_adf --cb_explore 3", "--cb_explore_adf --cb=4"})
    void refusesOptionsFreshetManagesOrWithoutCbExploreAdf(String arguments) {
        assertThat(VwCbArguments.problems(arguments)).isNotEmpty();
        assertThatThrownBy(() -> Policies.create(Simulation.bandit(arguments, 0), layout))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offers").hasMessageContaining(arguments);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--cb_explore_adf --no_such_option", "--cb_explore_adf --epsilon lots", "--cb_explore_adf -b 99"})
    void vwsOwnRejectionsAreIllegalArgumentsNotCrashes(String arguments) {
        assertThatThrownBy(() -> Policies.create(Simulation.bandit(arguments, 0), layout))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(arguments);
    }

    @Test
    void allowsLossesAndLinksOfARegressionAndAddsQuietAndTheSeed() {
        assertThat(VwCbArguments.problems("--cb_explore_adf --loss_function squared --link=identity -q cA")).isEmpty();
        assertThat(VwCbArguments.effective(" --cb_explore_adf   --epsilon 0.1 ", 7))
                .isEqualTo("--cb_explore_adf --epsilon 0.1 --quiet --random_seed 7");
        assertThat(VwCbArguments.effective("--cb_explore_adf --quiet --random_seed 3", 7)).isEqualTo("--cb_explore_adf --quiet --random_seed 3");
        assertThat(VwCbArguments.effective("--cb_explore_adf", -1)).endsWith("--random_seed 18446744073709551615");
        try (Policy policy = Policies.create(Simulation.bandit("--cb_explore_adf --loss_function squared --squarecb", 0), layout)) {
            Simulation sim = new Simulation(2);
            assertThat(policy.distribution(sim.next(), Simulation.ACTIONS, new SplittableRandom(1))).hasSize(4);
        }
    }
}
