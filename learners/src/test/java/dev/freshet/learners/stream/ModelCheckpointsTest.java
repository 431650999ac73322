package dev.freshet.learners.stream;

import dev.freshet.core.error.TransientException;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Provenance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelCheckpointsTest {

    @TempDir
    Path root;

    private static LearnerSnapshot snapshot(long version) {
        Provenance p = new Provenance("ctr", "ftrl", "alpha=0.1", List.of("a"), List.of(), 5, version, Map.of(0, 42L), 1, "test");
        return new LearnerSnapshot(p, new byte[]{1, 2, 3});
    }

    @Test
    void aCheckpointReplacesThePreviousOneWhole() {
        try (ModelCheckpoints c = ModelCheckpoints.open(root, "ctr")) {
            assertThat(c.latest()).isEmpty();
            c.save(snapshot(1));
            c.save(snapshot(2));
            assertThat(c.latest()).get().satisfies(s -> {
                assertThat(s.provenance().version()).isEqualTo(2);
                assertThat(s.provenance().offsets()).isEqualTo(Map.of(0, 42L));
                assertThat(s.state()).containsExactly(1, 2, 3);
            });
        }
        assertThat(ModelCheckpoints.read(root, "ctr")).get().extracting(s -> s.provenance().version()).isEqualTo(2L);
        assertThat(ModelCheckpoints.read(root, "other")).isEmpty();
    }

    @Test
    void theHistoryKeepsTheLatestVersionsAndPinnedOnes() throws Exception {
        try (ModelCheckpoints c = ModelCheckpoints.open(root, "ctr", 2, Set.of(1L))) {
            for (long v = 1; v <= 5; v++) {
                c.save(snapshot(v));
            }
        }
        assertThat(ModelCheckpoints.keptVersions(root, "ctr")).containsExactly(1L, 4L, 5L);
        assertThat(ModelCheckpoints.readVersion(root, "ctr", 1)).get().extracting(s -> s.provenance().version()).isEqualTo(1L);
        assertThat(ModelCheckpoints.readVersion(root, "ctr", 4)).get().extracting(s -> s.provenance().version()).isEqualTo(4L);
        assertThat(ModelCheckpoints.readVersion(root, "ctr", 3)).isEmpty();
        assertThat(ModelCheckpoints.readVersion(root, "ctr", 9)).isEmpty();

        // a crash between the checkpoint's rename and its link: the latest checkpoint still is the version
        Files.delete(ModelCheckpoints.directory(root, "ctr").resolve("versions").resolve("v5.snapshot"));
        assertThat(ModelCheckpoints.readVersion(root, "ctr", 5)).get().extracting(s -> s.provenance().version()).isEqualTo(5L);

        // unpinned, version 1 goes at the next checkpoint
        try (ModelCheckpoints c = ModelCheckpoints.open(root, "ctr", 2, Set.of())) {
            c.save(snapshot(6));
        }
        assertThat(ModelCheckpoints.keptVersions(root, "ctr")).containsExactly(4L, 6L);
    }

    @Test
    void withoutAHistoryOnlyTheLatestCheckpointIsKept() {
        try (ModelCheckpoints c = ModelCheckpoints.open(root, "ctr")) {
            c.save(snapshot(1));
            c.save(snapshot(2));
        }
        assertThat(ModelCheckpoints.keptVersions(root, "ctr")).isEmpty();
        assertThat(ModelCheckpoints.readVersion(root, "ctr", 1)).isEmpty();
        assertThat(ModelCheckpoints.readVersion(root, "ctr", 2)).isPresent();
    }

    @Test
    void oneWorkerAtATimeAndLeftoversOfACrashAreRemoved() throws Exception {
        try (ModelCheckpoints c = ModelCheckpoints.open(root, "ctr")) {
            assertThatThrownBy(() -> ModelCheckpoints.open(root, "ctr")).isInstanceOf(TransientException.class)
                    .hasMessageContaining("are open in another learner worker");
            Files.write(c.dir().resolve(ModelCheckpoints.FILE + ".tmp"), new byte[]{9});
        }
        try (ModelCheckpoints again = ModelCheckpoints.open(root, "ctr")) {
            assertThat(again.dir().resolve(ModelCheckpoints.FILE + ".tmp")).doesNotExist();
        }
    }
}
