package dev.freshet.learners.stream;

import dev.freshet.core.error.TransientException;
import dev.freshet.core.lock.FileLockHandle;
import dev.freshet.learners.LearnerSnapshot;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A model's checkpoint directory, {@code <model_store.path>/<model>/}: one file, {@value #FILE},
 * holding the model and the offsets of the examples it has learnt, so both always agree; and, when
 * opened with a history, the latest published versions under {@code versions/v<n>.snapshot}, for
 * bandits that pin one.
 *
 * <p>A checkpoint is written to a temporary file, forced to disk and renamed over the previous one,
 * so a crash leaves either the old or the new checkpoint, never a mix. Then it is linked into the
 * history (a hard link: no copy), and versions beyond the newest {@code keep} are deleted, except
 * pinned ones. A lock file lets one worker write a model's checkpoints at a time. Not thread-safe;
 * {@link #close} releases the lock.
 */
public final class ModelCheckpoints implements AutoCloseable {

    static final String FILE = "model.snapshot";
    private static final String TEMPORARY = FILE + ".tmp";
    private static final String LOCK_FILE = ".lock";
    private static final String VERSIONS = "versions";
    private static final Pattern VERSION_FILE = Pattern.compile("v(0|[1-9][0-9]{0,17})\\.snapshot");

    private final String model;
    private final Path dir;
    private final FileLockHandle lock;
    private final int keep;
    private final Set<Long> pinned;

    private ModelCheckpoints(String model, Path dir, FileLockHandle lock, int keep, Set<Long> pinned) {
        this.model = model;
        this.dir = dir;
        this.lock = lock;
        this.keep = keep;
        this.pinned = Set.copyOf(pinned);
    }

    /** The directory of a model's checkpoints. */
    public static Path directory(Path root, String model) {
        return root.resolve(model);
    }

    /**
     * Opens a model's checkpoint directory for writing, creating it when missing.
     *
     * @throws TransientException when another worker, in this process or another, has it open
     */
    public static ModelCheckpoints open(Path root, String model) {
        return open(root, model, 0, Set.of());
    }

    /**
     * Opens a model's checkpoint directory for writing with a history of published versions.
     *
     * @param keep   how many of the latest versions to keep under {@code versions/}; 0 keeps none
     * @param pinned versions never deleted from the history
     * @throws TransientException when another worker, in this process or another, has it open
     */
    public static ModelCheckpoints open(Path root, String model, int keep, Set<Long> pinned) {
        if (keep < 0) {
            throw new IllegalArgumentException("keep must not be negative: " + keep);
        }
        Path dir = directory(root, model).toAbsolutePath();
        FileLockHandle lock = null;
        try {
            Files.createDirectories(dir);
            lock = FileLockHandle.tryAcquire(dir.resolve(LOCK_FILE)).orElseThrow(() -> new TransientException("the checkpoints of model '"
                    + model + "' in " + dir + " are open in another learner worker; stop it first (one worker trains a model)", null));
            Files.deleteIfExists(dir.resolve(TEMPORARY)); // what a crash mid-write left
            return new ModelCheckpoints(model, dir, lock, keep, pinned);
        } catch (IOException e) {
            if (lock != null) {
                lock.close();
            }
            throw new UncheckedIOException("cannot open the checkpoints of model '" + model + "' in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the latest checkpoint of a model without locking its directory (serving processes read
     * while a worker writes: the rename makes each read see a whole checkpoint).
     *
     * @throws dev.freshet.core.error.CorruptDataException when the file is not a readable snapshot
     */
    public static Optional<LearnerSnapshot> read(Path root, String model) {
        Path file = directory(root, model).resolve(FILE);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return Optional.of(LearnerSnapshot.read(in));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint of model '" + model + "' (" + file + "): " + e.getMessage(), e);
        }
    }

    /**
     * Reads a published version of a model without locking: from its history, or the latest
     * checkpoint when that is the version.
     *
     * @return empty when the model has no such version any more (or never had)
     * @throws dev.freshet.core.error.CorruptDataException when the file is not a readable snapshot
     */
    public static Optional<LearnerSnapshot> readVersion(Path root, String model, long version) {
        Path file = directory(root, model).resolve(VERSIONS).resolve(versionFile(version));
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return Optional.of(LearnerSnapshot.read(in));
        } catch (NoSuchFileException e) {
            return read(root, model).filter(latest -> latest.provenance().version() == version);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read version " + version + " of model '" + model + "' (" + file + "): "
                    + e.getMessage(), e);
        }
    }

    /** The versions of a model its history keeps, oldest first; empty when it has none. */
    public static List<Long> keptVersions(Path root, String model) {
        Path versions = directory(root, model).resolve(VERSIONS);
        if (!Files.isDirectory(versions)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(versions)) {
            return files.map(f -> VERSION_FILE.matcher(f.getFileName().toString())).filter(Matcher::matches)
                    .map(m -> Long.parseLong(m.group(1))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the versions of model '" + model + "' in " + versions + ": " + e.getMessage(), e);
        }
    }

    private static String versionFile(long version) {
        return "v" + version + ".snapshot";
    }

    /** The latest checkpoint, or empty for a model never checkpointed. */
    public Optional<LearnerSnapshot> latest() {
        return read(dir.getParent(), model);
    }

    /** Writes a checkpoint atomically and durably, replacing the previous one. */
    public void save(LearnerSnapshot snapshot) {
        Path tmp = dir.resolve(TEMPORARY);
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                snapshot.write(out);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                ch.force(true); // the rename itself
            }
            if (keep > 0) {
                keepVersion(snapshot.provenance().version());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint of model '" + model + "' in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Links the checkpoint just written into the history, then deletes what the history no longer
     * keeps. A crash in between loses at most this version's place in the history (the checkpoint
     * itself is whole), or leaves an old version to the next pruning.
     */
    private void keepVersion(long version) throws IOException {
        Path versions = Files.createDirectories(dir.resolve(VERSIONS));
        Path file = versions.resolve(versionFile(version));
        Files.deleteIfExists(file); // a version written again after a restore from an older checkpoint
        try {
            Files.createLink(file, dir.resolve(FILE));
        } catch (UnsupportedOperationException | FileSystemException e) {
            // a file system without hard links: copy, then rename, so readers never see half a file
            Path tmp = versions.resolve(TEMPORARY);
            Files.copy(dir.resolve(FILE), tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        List<Long> kept = keptVersions(dir.getParent(), model);
        for (int i = 0; i < kept.size() - keep; i++) {
            if (!pinned.contains(kept.get(i))) {
                Files.deleteIfExists(versions.resolve(versionFile(kept.get(i))));
            }
        }
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        lock.close();
    }
}
