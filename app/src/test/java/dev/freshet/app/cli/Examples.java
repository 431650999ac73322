package dev.freshet.app.cli;

import dev.freshet.core.testing.ExampleYaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Configurations for the command tests. */
final class Examples {

    /** The repository's example freshet.yaml (core's test fixture). */
    static final String SHOP = ExampleYaml.SHOP;

    private Examples() {
    }

    /** Writes {@code yaml} to {@code dir/name} and returns the file's path as a string, ready for --config. */
    static String write(Path dir, String name, String yaml) {
        try {
            return Files.writeString(dir.resolve(name), yaml).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
