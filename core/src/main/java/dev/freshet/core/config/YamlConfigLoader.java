package dev.freshet.core.config;

import java.nio.file.Path;

/** Placeholder until the loader lands. */
final class YamlConfigLoader {
    private YamlConfigLoader() {
    }

    static FreshetConfig load(Path file) {
        throw new IllegalStateException("not yet");
    }

    static FreshetConfig parse(String yaml, String fileName) {
        throw new IllegalStateException("not yet");
    }
}
