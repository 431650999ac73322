package dev.freshet.core.lock;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An exclusive lock on a file, held by this process until {@link #close}: how one writer at a time
 * owns a directory (a broker's data, a source's archive, a model's checkpoints). The lock is the
 * operating system's, so a process that dies releases it. Within one JVM a second attempt fails too.
 * {@link #close} is idempotent.
 */
public final class FileLockHandle implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private FileLockHandle(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock on {@code file}, creating the file when missing.
     *
     * @return the lock, or empty when another process, or this one, holds it
     * @throws IOException when the file cannot be created or opened
     */
    public static Optional<FileLockHandle> tryAcquire(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new FileLockHandle(channel, lock));
        } catch (OverlappingFileLockException e) {
            channel.close();
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Releases the lock. Idempotent. */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException ignored) {
            // closing the channel below releases the lock as well
        } finally {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }
}
