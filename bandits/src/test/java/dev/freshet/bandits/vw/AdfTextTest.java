package dev.freshet.bandits.vw;

import dev.freshet.learners.Example;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AdfTextTest {

    private final Simulation sim = new Simulation(1);
    private final AdfText text = new AdfText(sim.layout);

    @Test
    void writesASharedLineAndOneEscapedLinePerCandidate() {
        Example x = sim.layout.newExample();
        x.set(sim.layout.indexOf("user_activity:score"), 0.5);
        x.set(sim.layout.indexOf("segment"), "new user");
        assertThat(text.unlabelled(x, List.of("a0", "gift card|10:off")))
                .containsExactly("shared |user_activity score:0.5 |context segment=new_user", "|Action a=a0", "|Action a=gift_card_10_off");
    }

    @Test
    void labelsTheChosenActionWithItsCostAndProbabilityWithoutExponents() {
        Example x = sim.layout.newExample();
        assertThat(text.labelled(x, "a1", -1, 0.00001)).containsExactly("shared |", "0:-1:0.00001 |Action a=a1");
        assertThat(text.labelled(x, "a1", -0.0, 1)).containsExactly("shared |", "0:0:1 |Action a=a1");
    }
}
