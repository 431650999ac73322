package dev.freshet.offline.flight;

import dev.freshet.core.error.ConfigException;
import dev.freshet.offline.join.TrainingSetRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The directories a Flight server reads spines from ({@code offline_store.flight.spine_dirs}). A
 * request's spine must lie inside one of them: first its path as given (made absolute and
 * normalised, so {@code ..} cannot climb out), then the file it leads to, with symbolic links
 * followed (so a link cannot point out). A spine that fails the first check is refused whether or
 * not it exists, so that a client learns nothing of files outside. With no directories, any spine is
 * admitted. Immutable.
 */
final class SpineDirectories {

    /** A spine outside the directories; the message says which directories are allowed. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** As configured, absolute and normalised (for the path as given) ... */
    private final List<Path> directories;
    /** ... and with symbolic links resolved (for the file it leads to). */
    private final List<Path> realDirectories;

    private SpineDirectories(List<Path> directories, List<Path> realDirectories) {
        this.directories = directories;
        this.realDirectories = realDirectories;
    }

    /**
     * @param directories as configured (relative ones against the working directory)
     * @throws ConfigException when one does not exist or is not a directory, naming the setting
     */
    static SpineDirectories of(List<Path> directories) {
        List<Path> given = new ArrayList<>();
        List<Path> real = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < directories.size(); i++) {
            Path d = directories.get(i);
            try {
                if (!Files.isDirectory(d)) {
                    throw new IOException("not a directory");
                }
                real.add(d.toRealPath());
                given.add(d.toAbsolutePath().normalize());
            } catch (IOException e) {
                problems.add("offline_store.flight.spine_dirs[" + i + "]: '" + d + "' does not exist or is not a directory"
                        + " (create it, or list the directories spines are read from)");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new SpineDirectories(List.copyOf(given), List.copyOf(real));
    }

    /**
     * The request to run: the same, with the spine's path as checked when directories are set (its
     * real path, or when it cannot be resolved, its normalised absolute path).
     *
     * @throws Refused when the spine lies outside every directory
     */
    TrainingSetRequest admit(TrainingSetRequest request) throws Refused {
        if (directories.isEmpty()) {
            return request;
        }
        Path given = request.spine().toAbsolutePath().normalize();
        if (!inside(given, directories) && !inside(given, realDirectories)) {
            throw refused(request.spine());
        }
        Path real;
        try {
            real = given.toRealPath();
        } catch (IOException e) {
            // inside, but missing or unreadable: the join says so in its own words, about the path checked (the path as
            // given could lead elsewhere: through a link, "link/../x" is not "x")
            return withSpine(request, given);
        }
        if (!inside(real, realDirectories)) {
            throw refused(request.spine());
        }
        return withSpine(request, real);
    }

    private static TrainingSetRequest withSpine(TrainingSetRequest request, Path spine) {
        return new TrainingSetRequest(spine, request.entityColumn(), request.timestampColumn(), request.features(),
                request.fullFeatureNames());
    }

    private static boolean inside(Path p, List<Path> directories) {
        for (Path d : directories) {
            if (p.startsWith(d)) {
                return true;
            }
        }
        return false;
    }

    private Refused refused(Path spine) {
        return new Refused("spine " + spine + " is outside the directories this Flight server reads spines from ("
                + String.join(", ", directories.stream().map(Path::toString).toList())
                + "; offline_store.flight.spine_dirs): put the spine in one of them");
    }
}
