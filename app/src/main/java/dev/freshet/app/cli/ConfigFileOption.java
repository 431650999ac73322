package dev.freshet.app.cli;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.error.ConfigException;
import dev.freshet.core.error.InvalidInputException;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code --config} option of the commands that read {@code freshet.yaml}, and the loading of that file. */
final class ConfigFileOption {

    static final String DEFAULT_FILE = "freshet.yaml";

    /** Set by the {@code ./freshet} launcher to the repository it runs from, to point at the example configuration. */
    static final String HOME_PROPERTY = "freshet.home";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The configuration file (default: ./freshet.yaml). Relative paths in it resolve against the working directory.")
    private Path file;

    /** The file as the user named it (or the default name), for messages. */
    String displayName() {
        return file == null ? DEFAULT_FILE : file.toString();
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
            throw new InvalidInputException(file == null ? noDefaultFile(path) : path + ": no such file (given with --config)");
        }
        return FreshetConfig.load(path);
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
