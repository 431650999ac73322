package dev.freshet.learners.stream;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.definition.PolicyKind;
import dev.freshet.core.definition.RewardSpec;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Learners;
import dev.freshet.learners.OnlineLearner;
import dev.freshet.learners.Provenance;
import dev.freshet.learners.Provenances;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bandit's action that names a model version ({@code ctr-v2}) serves that version, restored from the
 * model's history and frozen while the model goes on learning; a version not kept fails the start,
 * naming the action and what is kept.
 */
class PinnedVersionsTest {

    @TempDir
    Path root;

    private final ModelDefinition ctr = TrainingFixtures.ctr(new LearnerOptions.Ftrl(0.1, 1, 0, 0, 16), Duration.ofSeconds(1));
    private final ExampleLayout layout = ExampleLayout.of(ctr);
    private final List<LearnerSnapshot> published = new ArrayList<>();
    private final Map<String, ServingModel> serving = new LinkedHashMap<>();

    /** Three published versions of ctr, each after more examples than the last. */
    @BeforeEach
    void publishThreeVersions() {
        Provenance base = Provenances.of(ctr.name(), ctr.options(), layout, "test");
        try (OnlineLearner learner = Learners.create(ctr.options(), layout);
             ModelCheckpoints checkpoints = ModelCheckpoints.open(root, ctr.name(), 10, Set.of())) {
            for (int v = 1; v <= 3; v++) {
                for (int i = 0; i < 50; i++) {
                    learner.learn(example("i" + (i % 3)), i % 3 == 0 ? 1 : 0, 1);
                }
                LearnerSnapshot snapshot = learner.snapshot(base.withVersion(v, Map.of(0, 50L * v), 0));
                checkpoints.save(snapshot);
                published.add(snapshot);
            }
        }
    }

    @AfterEach
    void closeServing() {
        serving.values().forEach(ServingModel::close);
    }

    private Example example(String item) {
        return layout.newExample().setCategory(layout.indexOf("item_id"), item).setNumber(layout.indexOf("hour"), 3);
    }

    private FreshetConfig config(ModelDefinition model, String... actions) {
        BanditDefinition rollout = new BanditDefinition("rollout", PolicyKind.THOMPSON, List.of(actions), List.of(), List.of(),
                new RewardSpec("purchases", "prediction_id", "purchased", Duration.ofMinutes(30), 0, RewardSpec.Aggregate.FIRST),
                BanditOptions.defaults(), Duration.ofSeconds(10));
        return TrainingFixtures.config(root, model).withBandits(List.of(rollout));
    }

    @Test
    void aPinnedVersionServesAsItWasPublished() {
        Training.servePinned(config(ctr, "ctr-v2", "ctr"), serving);

        assertThat(serving).containsOnlyKeys("ctr-v2");
        ServingModel pinned = serving.get("ctr-v2");
        assertThat(pinned.version()).isEqualTo("ctr-v2");
        assertThat(pinned.examplesSeen()).isEqualTo(100);
        try (OnlineLearner v2 = Learners.restore(published.get(1), ctr.options(), layout);
             OnlineLearner v3 = Learners.restore(published.get(2), ctr.options(), layout)) {
            ServingModel.Score score = pinned.score(example("i0"));
            assertThat(score.version()).isEqualTo("ctr-v2");
            assertThat(score.score()).isEqualTo(v2.predict(example("i0"))).isNotEqualTo(v3.predict(example("i0")));
        }
    }

    @Test
    void aVersionNotKeptFailsTheStartNamingTheActionAndWhatIsKept() {
        assertThatThrownBy(() -> Training.servePinned(config(ctr, "ctr", "ctr-v7"), serving))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("bandits[0].actions[1] (ctr-v7 of bandit rollout): model ctr keeps no version 7 under "
                        + root.resolve("ctr").resolve("versions").toAbsolutePath() + " (kept: ctr-v1, ctr-v2, ctr-v3); pin a kept "
                        + "version, or raise model_store.keep_versions (10) so that versions stay longer");
    }

    @Test
    void aVersionOfOtherOptionsFailsTheStart() {
        ModelDefinition changed = TrainingFixtures.ctr(new LearnerOptions.Ftrl(0.1, 1, 0, 0, 17), Duration.ofSeconds(1));

        assertThatThrownBy(() -> Training.servePinned(config(changed, "ctr-v1", "ctr"), serving))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("bandits[0].actions[0] (ctr-v1 of bandit rollout): the version was trained with other "
                        + "options or inputs than model ctr has now: ");
    }
}
