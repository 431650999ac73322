package dev.freshet.core.config;

import java.nio.file.Path;
import java.util.Objects;

/** Where the Parquet event archive and training sets live. */
public record OfflineStoreConfig(Path path) {

    public static final Path DEFAULT_PATH = Path.of("data", "offline");

    public OfflineStoreConfig {
        Objects.requireNonNull(path, "path");
    }

    public static OfflineStoreConfig defaults() {
        return new OfflineStoreConfig(DEFAULT_PATH);
    }
}
