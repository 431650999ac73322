package dev.freshet.offline.archive;

import dev.freshet.core.definition.Source;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;

/**
 * Reads what the {@link Archiver} has committed. On disk a source's archive is
 * <pre>
 *   &lt;root&gt;/events/&lt;source&gt;/_manifest.json
 *   &lt;root&gt;/events/&lt;source&gt;/date=YYYY-MM-DD/part-&lt;sequence&gt;-&lt;random&gt;.parquet
 * </pre>
 * with the columns of {@link dev.freshet.offline.arrow.ArchiveSchema}, the date being the UTC date of
 * each row's event time. The manifest decides which files are part of the archive: a reader that
 * globs the directory (DuckDB's {@code read_parquet('<root>/events/<source>/*}{@code /*.parquet')},
 * pyarrow and Spark datasets, which skip names starting with {@code _} or {@code .}) sees the same
 * rows except in the moment between an interrupted commit and the archiver's next start.
 *
 * <p>Files are never changed once committed, but compaction replaces them: a reader holding a file
 * list may find a file gone, and should then read the list again. Stateless and thread-safe.
 */
public final class EventArchive {

    private EventArchive() {
    }

    /**
     * The committed files of a source, in (date, sequence) order, with absolute paths; empty when
     * nothing is archived yet.
     *
     * @param offlineRoot the offline store's root ({@code offline_store.path})
     * @throws dev.freshet.core.error.CorruptDataException when the manifest cannot be read
     * @throws java.io.UncheckedIOException when the manifest exists but cannot be opened
     */
    public static List<ArchivedFile> files(Path offlineRoot, Source source) {
        Path dir = directory(offlineRoot, source);
        List<ArchivedFile> out = new ArrayList<>();
        for (Manifest.Entry e : SourceArchive.read(dir, source.name()).files()) {
            out.add(e.resolve(dir));
        }
        return List.copyOf(out);
    }

    /**
     * Per partition of {@code freshet.events.<source>}, the offset of the first event not archived;
     * empty when nothing is archived yet. The archived files hold exactly the committed events before
     * these offsets.
     */
    public static SortedMap<Integer, Long> offsets(Path offlineRoot, Source source) {
        return SourceArchive.read(directory(offlineRoot, source), source.name()).offsets();
    }

    /** Events committed to a source's archive: the sum of its files' rows. */
    public static long rows(Path offlineRoot, Source source) {
        return files(offlineRoot, source).stream().mapToLong(ArchivedFile::rows).sum();
    }

    /** The directory of a source's archive, {@code <root>/events/<source>}. */
    public static Path directory(Path offlineRoot, Source source) {
        Objects.requireNonNull(offlineRoot, "offlineRoot");
        Objects.requireNonNull(source, "source");
        return SourceArchive.directory(offlineRoot, source.name()).toAbsolutePath();
    }

    /** The topic the archiver reads a source's events from. */
    public static String topic(Source source) {
        return Archiver.EVENTS_TOPIC_PREFIX + source.name();
    }
}
