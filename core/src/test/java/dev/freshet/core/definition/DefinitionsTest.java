package dev.freshet.core.definition;

import dev.freshet.core.error.ConfigException;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.feature.FeatureRef;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lookups on a valid set of definitions, and what {@link Definitions#of} does with an invalid one. */
class DefinitionsTest {

    private final Definitions defs = Definitions.builder()
            .entity("user", "user_id")
            .source("clicks", s -> s.field("user_id", FieldType.STRING).field("price", FieldType.DOUBLE).field("ts", FieldType.TIMESTAMP))
            .featureView("user_activity", v -> v.entity("user").source("clicks").tile(Duration.ofMinutes(1))
                    .count("clicks_5m", Duration.ofMinutes(5))
                    .aggregate("spend_1h", AggregationFunction.SUM, "price", Duration.ofHours(1)))
            .featureView("user_totals", v -> v.entity("user").source("clicks").tile(Duration.ofHours(1))
                    .count("clicks_total", null))
            .build();

    @Test
    void findsAFeatureByReference() {
        assertThat(defs.feature(FeatureRef.parse("user_activity:spend_1h")))
                .isEqualTo(new FeatureDefinition("spend_1h", AggregationFunction.SUM, "price", Duration.ofHours(1)));
    }

    @Test
    void anUnknownViewIsNamedWithTheViewsThatExist() {
        assertThatThrownBy(() -> defs.feature(FeatureRef.parse("user_activty:clicks_5m")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("unknown feature view 'user_activty' in 'user_activty:clicks_5m' (feature views: user_activity, user_totals)");
    }

    @Test
    void anUnknownFeatureIsNamedWithTheFeaturesOfItsView() {
        assertThatThrownBy(() -> defs.feature(FeatureRef.parse("user_activity:clicks_1h")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("unknown feature 'clicks_1h' in view 'user_activity' (features: clicks_5m, spend_1h)");
    }

    @Test
    void lookupsByName() {
        FeatureView view = defs.featureView("user_activity").orElseThrow();

        assertThat(defs.entity("user")).contains(new Entity("user", "user_id"));
        assertThat(defs.entity("item")).isEmpty();
        assertThat(defs.source("clicks").map(Source::topic)).contains("clicks");
        assertThat(defs.source("views")).isEmpty();
        assertThat(defs.featureView("nope")).isEmpty();
        assertThat(defs.entityOf(view)).isEqualTo(new Entity("user", "user_id"));
        assertThat(defs.sourceOf(view).name()).isEqualTo("clicks");
        assertThat(view.longestWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(defs.featureView("user_totals").orElseThrow().longestWindow()).isEqualTo(Duration.ZERO);
    }

    @Test
    void theBuilderDefaultsASourceToJsonOnItsNameWithTs() {
        assertThat(defs.source("clicks").orElseThrow()).isEqualTo(new Source("clicks", "clicks", SourceFormat.JSON, "ts",
                Schema.of(new Field("user_id", FieldType.STRING), new Field("price", FieldType.DOUBLE), new Field("ts", FieldType.TIMESTAMP))));
    }

    @Test
    void theFingerprintFollowsTheContent() {
        Definitions same = Definitions.of(defs.entities(), defs.sources(), defs.featureViews());
        Definitions other = Definitions.of(defs.entities(), defs.sources(), defs.featureViews().subList(0, 1));

        assertThat(same.fingerprint()).isEqualTo(defs.fingerprint()).hasSize(64);
        assertThat(other.fingerprint()).isNotEqualTo(defs.fingerprint());
    }

    @Test
    void ofThrowsEveryProblemDescribed() {
        assertThatThrownBy(() -> Definitions.of(List.of(new Entity("user", "user_id"), new Entity("user", "id")), List.of(), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("entities[1].name: \"user\" is defined twice (entity names must be unique)");
    }

    @Test
    void theListsAreImmutable() {
        assertThatThrownBy(() -> defs.entities().add(new Entity("item", "item_id"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> defs.featureViews().get(0).features().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
