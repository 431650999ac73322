package dev.freshet.core.feature;

import dev.freshet.core.event.EntityKey;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeatureVectorTest {

    private static final FeatureRef CLICKS = FeatureRef.parse("v:clicks");
    private static final FeatureRef LAST = FeatureRef.parse("v:last_item");

    @Test
    void holdsOneValueStatusAndTimestampPerFeatureNullsIncluded() {
        FeatureVector fv = new FeatureVector(EntityKey.of("u1"), 1_000, List.of(CLICKS, LAST), Arrays.asList(3L, null),
                List.of(FeatureStatus.PRESENT, FeatureStatus.NOT_FOUND), List.of(900L, 0L));

        assertThat(fv.value(CLICKS)).isEqualTo(3L);
        assertThat(fv.value(LAST)).isNull();
        assertThat(fv.statuses()).containsExactly(FeatureStatus.PRESENT, FeatureStatus.NOT_FOUND);
    }

    @Test
    void aValueOfAFeatureNotInTheVectorIsAnError() {
        FeatureVector fv = new FeatureVector(EntityKey.of("u1"), 1_000, List.of(CLICKS), List.of(3L), List.of(FeatureStatus.PRESENT), List.of(900L));

        assertThatThrownBy(() -> fv.value(LAST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("feature v:last_item is not in this vector (features: [v:clicks])");
    }

    @Test
    void sizesMustMatch() {
        assertThatThrownBy(() -> new FeatureVector(EntityKey.of("u1"), 1_000, List.of(CLICKS, LAST), List.of(3L),
                List.of(FeatureStatus.PRESENT, FeatureStatus.PRESENT), List.of(1L, 2L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a feature vector needs one value, status and timestamp per feature: 2 features, 1 values, 2 statuses, 2 timestamps");
        assertThatThrownBy(() -> new FeatureVector(EntityKey.of("u1"), 1_000, List.of(CLICKS), List.of(3L),
                List.of(FeatureStatus.PRESENT, FeatureStatus.PRESENT), List.of(1L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 features, 1 values, 2 statuses, 1 timestamps");
        assertThatThrownBy(() -> new FeatureVector(EntityKey.of("u1"), 1_000, List.of(CLICKS), List.of(3L),
                List.of(FeatureStatus.PRESENT), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 features, 1 values, 1 statuses, 0 timestamps");
    }

    @Test
    void copiesItsListsAndIsUnmodifiable() {
        List<Object> values = new ArrayList<>(Arrays.asList(3L, null));
        FeatureVector fv = new FeatureVector(EntityKey.of("u1"), 1_000, List.of(CLICKS, LAST), values,
                List.of(FeatureStatus.PRESENT, FeatureStatus.NOT_FOUND), List.of(900L, 0L));
        values.set(0, 4L);

        assertThat(fv.value(CLICKS)).isEqualTo(3L);
        assertThatThrownBy(() -> fv.values().set(0, 5L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aVectorOverHandedOverArraysEqualsTheCopiedOneAndIsUnmodifiable() {
        FeatureVector copied = new FeatureVector(EntityKey.of("u1"), 1_000, List.of(CLICKS, LAST), Arrays.asList(3L, null),
                List.of(FeatureStatus.PRESENT, FeatureStatus.NOT_FOUND), List.of(900L, 0L));
        FeatureVector viewed = FeatureVector.of(EntityKey.of("u1"), 1_000, List.of(CLICKS, LAST), new Object[] {3L, null},
                new FeatureStatus[] {FeatureStatus.PRESENT, FeatureStatus.NOT_FOUND}, new long[] {900, 0});

        assertThat(viewed).isEqualTo(copied).hasSameHashCodeAs(copied);
        assertThat(viewed.value(LAST)).isNull();
        assertThat(viewed.eventTimestamps()).containsExactly(900L, 0L);
        assertThatThrownBy(() -> viewed.values().set(0, 5L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> viewed.statuses().set(0, FeatureStatus.PRESENT)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> viewed.eventTimestamps().add(1L)).isInstanceOf(UnsupportedOperationException.class);
        // a vector made from another's lists keeps them as they are: they cannot change
        FeatureVector again = new FeatureVector(viewed.entity(), viewed.asOf(), viewed.features(), viewed.values(), viewed.statuses(),
                viewed.eventTimestamps());
        assertThat(again.values()).isSameAs(viewed.values());
        assertThat(again).isEqualTo(copied);
    }

    @Test
    void aVectorOverArraysChecksThemAsTheConstructorDoes() {
        assertThatThrownBy(() -> FeatureVector.of(EntityKey.of("u1"), 1_000, List.of(CLICKS, LAST), new Object[] {3L},
                new FeatureStatus[] {FeatureStatus.PRESENT, FeatureStatus.PRESENT}, new long[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a feature vector needs one value, status and timestamp per feature: 2 features, 1 values, 2 statuses, 2 timestamps");
        assertThatThrownBy(() -> FeatureVector.of(EntityKey.of("u1"), 1_000, List.of(CLICKS), new Object[] {3L},
                new FeatureStatus[] {null}, new long[] {1}))
                .isInstanceOf(NullPointerException.class);
    }
}
