package dev.freshet.offline.archive;

import dev.freshet.core.error.TransientException;
import dev.freshet.core.lock.FileLockHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The one writer of a source's archive directory, {@code <root>/events/<source>/}: it holds the
 * directory's lock, knows the current {@link Manifest}, names new files and commits them.
 *
 * <p><b>Commit protocol.</b> Parquet files are written completely (each through a hidden staging
 * directory and an atomic rename) and synced; then the new manifest is written to a hidden
 * temporary file, synced, and moved over {@value Manifest#FILE_NAME} in one atomic rename. The
 * rename is the commit point: before it the old manifest holds, after it the new one. Files the
 * manifest does not list are orphans of an interrupted commit; {@link #open} deletes them, with
 * the leftovers of staging ({@code .tmp-*}) and the {@link KeyRuns} of files it does not list with
 * them. A file's key runs are written before the manifest lists it and deleted with it.
 *
 * <p>Not thread-safe: one thread (the archiver's) uses it. {@link #close} releases the lock.
 */
final class SourceArchive implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SourceArchive.class);
    static final String STAGING_PREFIX = ".tmp-";
    private static final String LOCK_FILE = ".lock";

    private final String source;
    private final Path dir;
    private final CrashPoint crash;
    private final SplittableRandom random;
    private final FileLockHandle lock;
    private Manifest manifest;
    private long sequence;

    private SourceArchive(String source, Path dir, CrashPoint crash, SplittableRandom random, FileLockHandle lock) {
        this.source = source;
        this.dir = dir;
        this.crash = crash;
        this.random = random;
        this.lock = lock;
    }

    /** A source's archive directory under the offline store's root. */
    static Path directory(Path root, String source) {
        return root.resolve("events").resolve(source);
    }

    /** The committed manifest, or the empty one when the source has none yet. Takes no lock: for readers. */
    static Manifest read(Path dir, String source) {
        Path file = dir.resolve(Manifest.FILE_NAME);
        try {
            return Manifest.parse(Files.readAllBytes(file), file, source);
        } catch (NoSuchFileException e) {
            return Manifest.empty(source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens a source's archive for writing: locks it, reads its manifest and deletes orphans.
     *
     * @throws TransientException when another archiver (in this or another process) has it open
     * @throws dev.freshet.core.error.CorruptDataException when the manifest cannot be read
     */
    static SourceArchive open(Path root, String source, CrashPoint crash, SplittableRandom random) {
        Path dir = directory(root, source).toAbsolutePath();
        FileLockHandle lock = null;
        try {
            Files.createDirectories(dir);
            lock = FileLockHandle.tryAcquire(dir.resolve(LOCK_FILE)).orElseThrow(() -> new TransientException("the archive of source '"
                    + source + "' in " + dir + " is open in another archiver; stop it first (only one archiver may write a source)", null));
            SourceArchive archive = new SourceArchive(source, dir, crash, random, lock);
            archive.manifest = read(dir, source);
            archive.sequence = archive.manifest.nextSequence();
            archive.deleteOrphans();
            return archive;
        } catch (IOException e) {
            closeQuietly(lock);
            throw new UncheckedIOException("cannot open the archive of source '" + source + "' in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }
    }

    String source() {
        return source;
    }

    Path dir() {
        return dir;
    }

    Manifest manifest() {
        return manifest;
    }

    /** A new file's path relative to {@link #dir}: {@code date=YYYY-MM-DD/part-<sequence>-<random>.parquet}. */
    String newFile(LocalDate date) {
        return partitionOf(date) + "/part-" + String.format("%012d", sequence++) + "-"
                + String.format("%08x", random.nextInt()) + ".parquet";
    }

    static String partitionOf(LocalDate date) {
        return "date=" + date;
    }

    /** Lists written files and moves the offsets; see the commit protocol. */
    void commit(Collection<Manifest.Entry> added, Map<Integer, Long> offsets) {
        Manifest next = manifest.commit(added, offsets, sequence);
        sync(added);
        crash.reached(CrashPoint.Stage.FILES_WRITTEN, source);
        write(next);
    }

    /** Replaces compaction's inputs by its written outputs, then deletes the inputs. */
    void replace(Collection<Manifest.Entry> inputs, Collection<Manifest.Entry> outputs) {
        Manifest next = manifest.replace(inputs, outputs, sequence);
        sync(outputs);
        crash.reached(CrashPoint.Stage.COMPACTION_WRITTEN, source);
        write(next);
        crash.reached(CrashPoint.Stage.COMPACTION_COMMITTED, source);
        for (Manifest.Entry e : inputs) {
            // a failure here leaves an orphan, which the next open deletes
            delete(e);
        }
    }

    /** Lists files again with other attributes (their key runs, written beside them): nothing is deleted. */
    void relist(Collection<Manifest.Entry> before, Collection<Manifest.Entry> after) {
        write(manifest.replace(before, after, sequence));
    }

    /** Deletes written files that were not committed (after a failed commit, before retrying). */
    void discard(Collection<Manifest.Entry> written) {
        written.forEach(this::delete);
    }

    private void delete(Manifest.Entry e) {
        Path file = dir.resolve(e.path());
        deleteQuietly(file);
        // whether or not the entry says it has them: a failed compaction may have written them
        deleteQuietly(KeyRuns.sidecar(file));
    }

    private void write(Manifest next) {
        Path target = dir.resolve(Manifest.FILE_NAME);
        Path temp = dir.resolve(STAGING_PREFIX + "manifest-" + Long.toHexString(random.nextLong()) + ".json");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(next.toJson()));
                ch.force(true);
            }
            crash.reached(CrashPoint.Stage.MANIFEST_STAGED, source);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(dir);
            manifest = next;
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new UncheckedIOException("cannot write the manifest " + target + ": " + e.getMessage(), e);
        }
    }

    private void sync(Collection<Manifest.Entry> files) {
        Set<Path> dirs = new HashSet<>();
        for (Manifest.Entry e : files) {
            Path file = dir.resolve(e.path());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ch.force(true);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot sync " + file + ": " + ex.getMessage(), ex);
            }
            dirs.add(file.getParent());
        }
        dirs.forEach(SourceArchive::syncDirectory);
    }

    /** Makes a rename durable; best effort, as not every file system lets a directory be opened. */
    private static void syncDirectory(Path d) {
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("cannot sync directory {}: {}", d, e.toString());
        }
    }

    /** Deletes what an interrupted commit or compaction left: unlisted Parquet files and staging leftovers. */
    private void deleteOrphans() throws IOException {
        Set<Path> listed = new HashSet<>();
        Set<Path> keyRuns = new HashSet<>();
        for (Manifest.Entry e : manifest.files()) {
            Path file = dir.resolve(e.path()).normalize();
            listed.add(file);
            if (e.keyRuns()) {
                keyRuns.add(KeyRuns.sidecar(file));
            }
        }
        try (DirectoryStream<Path> top = Files.newDirectoryStream(dir)) {
            for (Path p : top) {
                String name = p.getFileName().toString();
                if (name.startsWith(STAGING_PREFIX)) {
                    deleteOrphan(p, "a staging leftover");
                } else if (name.startsWith("date=") && Files.isDirectory(p)) {
                    try (DirectoryStream<Path> inner = Files.newDirectoryStream(p)) {
                        for (Path f : inner) {
                            String n = f.getFileName().toString();
                            if (n.startsWith(STAGING_PREFIX)) {
                                deleteOrphan(f, "a staging leftover");
                            } else if (n.endsWith(".parquet") && !listed.contains(f.normalize())) {
                                deleteOrphan(f, "not in the manifest (written by a commit or compaction that did not finish)");
                            } else if (KeyRuns.isSidecar(n) && !keyRuns.contains(f.normalize())) {
                                deleteOrphan(f, "the key runs of a file the manifest does not list with them");
                            }
                        }
                    }
                }
            }
        }
        for (Path f : listed) {
            if (!Files.isRegularFile(f)) {
                log.error("archive of source '{}': the manifest lists {}, which is missing: its rows cannot be read", source, f);
            }
        }
    }

    private void deleteOrphan(Path p, String why) throws IOException {
        log.info("archive of source '{}': deleting {}, {}", source, p, why);
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("cannot delete {} (the next start deletes it): {}", p, e.toString());
        }
    }

    private static void closeQuietly(FileLockHandle lock) {
        if (lock != null) {
            lock.close();
        }
    }

    @Override
    public void close() {
        lock.close();
    }
}
