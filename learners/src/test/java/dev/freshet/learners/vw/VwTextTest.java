package dev.freshet.learners.vw;

import dev.freshet.core.feature.FeatureRef;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VwTextTest {

    private static final ExampleLayout LAYOUT = ExampleLayout.of(
            List.of(new FeatureRef("user_activity", "clicks"), new FeatureRef("user_activity", "dwell"),
                    new FeatureRef("user_profile", "country")),
            List.of("device"),
            List.of());

    private final VwText text = new VwText(LAYOUT);

    @Test
    void writesOneNamespacePerViewAndOneForTheContext() {
        Example e = LAYOUT.newExample().setNumber(0, 3).setNumber(1, 0.25).setCategory(2, "fr").setCategory(3, "ios");

        assertThat(text.unlabelled(e))
                .isEqualTo("|user_activity clicks:3.0 dwell:0.25 |user_profile country=fr |context device=ios");
    }

    @Test
    void leavesOutMissingInputsAndEmptyNamespaces() {
        Example e = LAYOUT.newExample().setNumber(1, 2).setCategory(3, "ios");

        assertThat(text.unlabelled(e)).isEqualTo("|user_activity dwell:2.0 |context device=ios");
    }

    @Test
    void anExampleWithEveryInputMissingStillHasANamespace() {
        Example e = LAYOUT.newExample();

        assertThat(text.unlabelled(e)).isEqualTo("|");
        assertThat(text.labelled(e, 1, 1)).isEqualTo("1 |");
    }

    @Test
    void replacesWhatTheFormatCannotHoldInCategories() {
        Example e = LAYOUT.newExample().setCategory(2, "United States|x:y\tz\nw");

        assertThat(text.unlabelled(e)).isEqualTo("|user_profile country=United_States_x_y_z_w");
    }

    @Test
    void replacesWhatTheFormatCannotHoldInNames() {
        ExampleLayout odd = ExampleLayout.of(List.of(new FeatureRef("my view", "a|b c")), List.of("x:y"), List.of());
        Example e = odd.newExample().setNumber(0, 1).setNumber(1, 2);

        assertThat(new VwText(odd).unlabelled(e)).isEqualTo("|my_view a_b_c:1.0 |context x_y:2.0");
    }

    @Test
    void writesLabelsAsPlusOrMinusOneAndWeightsOtherThanOne() {
        Example e = LAYOUT.newExample().setNumber(0, 1);

        assertThat(text.labelled(e, 1, 1)).isEqualTo("1 |user_activity clicks:1.0");
        assertThat(text.labelled(e, 0.5, 1)).isEqualTo("1 |user_activity clicks:1.0");
        assertThat(text.labelled(e, 0.49, 1)).isEqualTo("-1 |user_activity clicks:1.0");
        assertThat(text.labelled(e, 0, 2.5)).isEqualTo("-1 2.5 |user_activity clicks:1.0");
    }

    @Test
    void reusesItsBufferWithoutCarryingOverThePreviousLine() {
        Example first = LAYOUT.newExample().setNumber(0, 1).setCategory(3, "ios");
        Example second = LAYOUT.newExample().setNumber(1, 7);

        text.labelled(first, 1, 3);

        assertThat(text.unlabelled(second)).isEqualTo("|user_activity dwell:7.0");
    }

    @Test
    void writesTheLayoutsInteractionsAsCrossedFeatures() {
        ExampleLayout crossed = ExampleLayout.of(
                List.of(new FeatureRef("user_activity", "clicks"), new FeatureRef("user_activity", "dwell"),
                        new FeatureRef("user_profile", "country")),
                List.of("device"),
                List.of(List.of("clicks", "dwell"), List.of("clicks", "device"), List.of("country", "device"),
                        List.of("device", "dwell")));
        Example e = crossed.newExample().setNumber(0, 2).setNumber(1, 1.5).setCategory(2, "fr").setCategory(3, "ios");

        assertThat(new VwText(crossed).unlabelled(e)).isEqualTo(
                "|user_activity clicks:2.0 dwell:1.5 |user_profile country=fr |context device=ios"
                        + " |interactions user_activity_clicks*user_activity_dwell:3.0"
                        + " user_activity_clicks*device=ios:2.0"
                        + " user_profile_country*device=fr^ios"
                        + " device*user_activity_dwell=ios:1.5");

        e.setMissing(3);
        assertThat(new VwText(crossed).unlabelled(e)).isEqualTo(
                "|user_activity clicks:2.0 dwell:1.5 |user_profile country=fr"
                        + " |interactions user_activity_clicks*user_activity_dwell:3.0");
    }
}
