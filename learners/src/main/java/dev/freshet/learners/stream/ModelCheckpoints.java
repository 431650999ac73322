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
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A model's checkpoint directory, {@code <model_store.path>/<model>/}: one file, {@value #FILE},
 * holding the model and the offsets of the examples it has learnt, so both always agree.
 *
 * <p>A checkpoint is written to a temporary file, forced to disk and renamed over the previous one,
 * so a crash leaves either the old or the new checkpoint, never a mix. A lock file lets one worker
 * write a model's checkpoints at a time. Not thread-safe; {@link #close} releases the lock.
 */
public final class ModelCheckpoints implements AutoCloseable {

    static final String FILE = "model.snapshot";
    private static final String TEMPORARY = FILE + ".tmp";
    private static final String LOCK_FILE = ".lock";

    private final String model;
    private final Path dir;
    private final FileLockHandle lock;

    private ModelCheckpoints(String model, Path dir, FileLockHandle lock) {
        this.model = model;
        this.dir = dir;
        this.lock = lock;
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
        Path dir = directory(root, model).toAbsolutePath();
        FileLockHandle lock = null;
        try {
            Files.createDirectories(dir);
            lock = FileLockHandle.tryAcquire(dir.resolve(LOCK_FILE)).orElseThrow(() -> new TransientException("the checkpoints of model '"
                    + model + "' in " + dir + " are open in another learner worker; stop it first (one worker trains a model)", null));
            Files.deleteIfExists(dir.resolve(TEMPORARY)); // what a crash mid-write left
            return new ModelCheckpoints(model, dir, lock);
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
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint of model '" + model + "' in " + dir + ": " + e.getMessage(), e);
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
