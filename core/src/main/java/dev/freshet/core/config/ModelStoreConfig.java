package dev.freshet.core.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where learner workers keep their checkpoints ({@code model_store} in YAML): a model and the
 * offsets of the examples it has learnt, written together under {@code <path>/<model>/}.
 *
 * @param path the directory
 */
public record ModelStoreConfig(Path path) {

    public static final Path DEFAULT_PATH = Path.of("data", "models");

    public ModelStoreConfig {
        Objects.requireNonNull(path, "path");
    }

    public static ModelStoreConfig defaults() {
        return new ModelStoreConfig(DEFAULT_PATH);
    }
}
