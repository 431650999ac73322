package dev.freshet.core.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where learner workers keep their checkpoints ({@code model_store} in YAML): a model and the
 * offsets of the examples it has learnt, written together under {@code <path>/<model>/}, and the
 * latest published versions under {@code <path>/<model>/versions/}, for bandits that pin one.
 *
 * @param path         the directory
 * @param keepVersions how many of its latest published versions each model keeps (at least 1); a
 *                     version a bandit's action pins is kept besides
 */
public record ModelStoreConfig(Path path, int keepVersions) {

    public static final Path DEFAULT_PATH = Path.of("data", "models");
    public static final int DEFAULT_KEEP_VERSIONS = 10;
    public static final int MAX_KEEP_VERSIONS = 100_000;

    public ModelStoreConfig {
        Objects.requireNonNull(path, "path");
        if (keepVersions < 1 || keepVersions > MAX_KEEP_VERSIONS) {
            throw new IllegalArgumentException("model_store.keep_versions must be 1 to " + MAX_KEEP_VERSIONS + ": " + keepVersions);
        }
    }

    /** A model store at {@code path} keeping the default number of versions. */
    public ModelStoreConfig(Path path) {
        this(path, DEFAULT_KEEP_VERSIONS);
    }

    public static ModelStoreConfig defaults() {
        return new ModelStoreConfig(DEFAULT_PATH);
    }
}
