package dev.freshet.app.cli;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.error.ConfigException;
import dev.freshet.core.error.InvalidInputException;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code --config} option of the commands that read {@code freshet.yaml}, and the loading of that file. */
final class ConfigFileOption {

    static final String DEFAULT_FILE = "freshet.yaml";

    /** Set by the {@code ./freshet} launcher to the repository it runs from, to point at the example configuration. */
    static final String HOME_PROPERTY = "freshet.home";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The configuration file (default: ./freshet.yaml, or the bundled example when that does not exist). "
                    + "Relative paths in it resolve against the working directory.")
    private Path file;

    /** The example configuration shipped in the jar: the repository's freshet.yaml, copied at build time. */
    static final String BUNDLED_EXAMPLE = "/dev/freshet/app/freshet.yaml";
    static final String BUNDLED_NAME = "the bundled example configuration";

    private boolean bundled;

    /** The file as the user named it (or the default name), for messages. */
    String displayName() {
        if (bundled) {
            return BUNDLED_NAME;
        }
        return file == null ? DEFAULT_FILE : file.toString();
    }

    /** True when the last {@link #load} found no ./freshet.yaml and no --config, and read the bundled example. */
    boolean usesBundledExample() {
        return bundled;
    }

    /**
     * Reads and validates the configuration.
     *
     * @throws ConfigException       listing every problem of the file
     * @throws InvalidInputException when the file does not exist
     */
    FreshetConfig load() {
        Path path = file == null ? Path.of(DEFAULT_FILE) : file;
        if (Files.notExists(path)) {
            if (file == null) {
                return bundledExample(path);
            }
            throw new InvalidInputException(path + ": no such file (given with --config)");
        }
        return FreshetConfig.load(path);
    }

    /** The bundled example, when ./freshet.yaml does not exist and no --config was given. */
    private FreshetConfig bundledExample(Path path) {
        try (InputStream in = ConfigFileOption.class.getResourceAsStream(BUNDLED_EXAMPLE)) {
            if (in == null) {
                throw new InvalidInputException(noDefaultFile(path));
            }
            FreshetConfig config = FreshetConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "freshet.yaml (bundled example)");
            bundled = true;
            return config;
        } catch (IOException e) {
            throw new InvalidInputException(noDefaultFile(path));
        }
    }

    /** The line that says the bundled example is in use and how to use another configuration. */
    static String bundledNotice() {
        return "No ./freshet.yaml and no --config FILE: using " + BUNDLED_NAME + " (project shop, the clicks source, "
                + "the user_activity view). Write your own freshet.yaml here, or pass --config FILE.";
    }

    private static String noDefaultFile(Path path) {
        String home = System.getProperty(HOME_PROPERTY);
        String example = home == null
                ? "copy the example freshet.yaml from the root of the Freshet repository into this directory"
                : "cp " + Path.of(home, DEFAULT_FILE) + " .";
        return "No configuration: " + path.toAbsolutePath().normalize() + " does not exist and no --config FILE was given.\n"
                + "Start from the example configuration: " + example + "\n"
                + "or name another file with --config FILE.";
    }
}
