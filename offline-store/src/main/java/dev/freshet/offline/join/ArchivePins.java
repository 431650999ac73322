package dev.freshet.offline.join;

import dev.freshet.core.definition.Source;
import dev.freshet.core.error.TransientException;
import dev.freshet.offline.archive.ArchivedFile;
import dev.freshet.offline.archive.KeyRuns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The archive files a join reads, held for as long as it runs. Compaction replaces a partition's
 * files by sorted ones and deletes them while a join may still be to read them; so the join lists a
 * source's files and hard-links each into a directory of its own (no data is copied), and reads the
 * links. A file deleted between the listing and its link means a compaction committed meanwhile: the
 * links are dropped and the files listed again, so what the join reads is always one manifest's
 * files, all of them. A file's {@link KeyRuns} are linked beside its link; when they cannot be, the
 * file is read without them.
 *
 * <p>Links need the directory on the archive's file system. Where it is not (or links are not
 * supported), the files are read where they are, unpinned, and the first such source is logged: a
 * compaction during the join may then fail it, with a message that says to run it again. Not
 * thread-safe; {@link #close} deletes the links (idempotent).
 */
final class ArchivePins implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ArchivePins.class);
    /** Listings tried before giving up: each retry follows a compaction that committed during the last. */
    static final int ATTEMPTS = 10;

    /** A file as the archive listed it, and the path the join reads it from. */
    record Pinned(ArchivedFile listed, ArchivedFile read) {
    }

    private final Path parent;
    private Path dir;
    private boolean unpinnedLogged;
    private int linked;

    /** @param parent where the directory of links is made (the join's spill directory) */
    ArchivePins(Path parent) {
        this.parent = parent;
    }

    /**
     * Lists a source's archive files and pins them.
     *
     * @throws TransientException when every listing was overtaken by a compaction
     */
    List<Pinned> pin(ArchiveSource archive, Source source) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            List<ArchivedFile> files = archive.files(source);
            List<Pinned> pinned = new ArrayList<>(files.size());
            try {
                for (ArchivedFile f : files) {
                    pinned.add(new Pinned(f, link(f)));
                }
                return pinned;
            } catch (NoSuchFileException e) {
                // a compaction replaced and deleted a listed file: list again
                pinned.forEach(p -> unlink(p));
            } catch (CannotLink e) {
                pinned.forEach(p -> unlink(p));
                if (!unpinnedLogged) {
                    unpinnedLogged = true;
                    log.warn("cannot hard-link the archive files of source '{}' into {} ({}): reading them unpinned, so a compaction "
                            + "during this join may fail it (put the spill directory on the archive's file system to avoid it)",
                            source.name(), parent, e.getMessage());
                }
                return files.stream().map(f -> new Pinned(f, f)).toList();
            }
        }
        throw new TransientException("the archive of source '" + source.name() + "' was compacted during each of " + ATTEMPTS
                + " listings of its files; run the join again", null);
    }

    /** A hard link to the file in this pin's directory, as an archived file. */
    private ArchivedFile link(ArchivedFile f) throws NoSuchFileException, CannotLink {
        if (f.rows() == 0) {
            return f; // never opened (Arrow Dataset does not write files without rows)
        }
        Path target;
        try {
            if (dir == null) {
                Files.createDirectories(parent);
                dir = Files.createTempDirectory(parent, "freshet-pins-");
            }
            target = dir.resolve(linked++ + "-" + f.path().getFileName());
            Files.createLink(target, f.path());
        } catch (NoSuchFileException e) {
            if (Files.isDirectory(parent) && dir != null && Files.isDirectory(dir)) {
                throw e; // the archive file is gone
            }
            throw new CannotLink(e.toString());
        } catch (UnsupportedOperationException | FileSystemException e) {
            throw new CannotLink(e.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pin " + f.path() + " in " + dir + ": " + e.getMessage(), e);
        }
        boolean keyRuns = f.keyRuns() && linkKeyRuns(f.path(), target);
        return new ArchivedFile(target, f.rows(), f.minEventTime(), f.maxEventTime(), f.sorted(), keyRuns);
    }

    /**
     * Links a pinned file's key runs beside its link. Without them (gone, or not linkable) the join reads the file's key
     * column instead: the file itself is pinned, so that is only slower.
     */
    private static boolean linkKeyRuns(Path file, Path link) {
        try {
            Files.createLink(KeyRuns.sidecar(link), KeyRuns.sidecar(file));
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("cannot pin the key runs of {} (the join reads its key column): {}", file, e.toString());
            return false;
        }
    }

    private static void unlink(Pinned p) {
        if (p.read() != p.listed()) {
            try {
                Files.deleteIfExists(KeyRuns.sidecar(p.read().path()));
                Files.deleteIfExists(p.read().path());
            } catch (IOException e) {
                log.warn("cannot delete the pin {} (close deletes its directory): {}", p.read().path(), e.toString());
            }
        }
    }

    /** Deletes the links and their directory. */
    @Override
    public void close() {
        if (dir == null) {
            return;
        }
        try (Stream<Path> links = Files.list(dir)) {
            for (Path link : (Iterable<Path>) links::iterator) {
                Files.deleteIfExists(link);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            log.warn("cannot delete the pinned archive files in {}: {}", dir, e.toString());
        }
        dir = null;
    }

    /** The link could not be made for a reason other than the file being gone. */
    private static final class CannotLink extends Exception {
        CannotLink(String message) {
            super(message, null, false, false);
        }
    }
}
