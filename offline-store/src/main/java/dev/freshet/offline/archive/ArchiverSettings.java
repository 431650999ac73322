package dev.freshet.offline.archive;

import dev.freshet.core.config.OfflineStoreConfig;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Source;
import dev.freshet.core.error.TransientException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.kafka.clients.consumer.ConsumerConfig;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Builder-style settings of an {@link Archiver}, from {@link Archiver#settings()}. Each setter checks
 * its argument; {@link #start} checks the combination. Not thread-safe; not reused after {@link #start}.
 */
public final class ArchiverSettings {
    String bootstrapServers;
    Definitions definitions;
    Path root;
    List<Source> sources;
    final List<ArchivedStream> streams = new ArrayList<>();
    Clock clock = Clock.systemUTC();
    Duration flushInterval = OfflineStoreConfig.DEFAULT_FLUSH_INTERVAL;
    int maxRowsPerFile = 100_000;
    int compactAfterFiles = 8;
    long maxRowsPerCompactedFile = 1_000_000;
    SplittableRandom random = new SplittableRandom();
    BufferAllocator allocator;
    CrashPoint crashPoint = CrashPoint.NONE;
    final Map<String, Object> overrides = new HashMap<>();

    ArchiverSettings() {
    }

    public ArchiverSettings bootstrapServers(String servers) {
        this.bootstrapServers = Objects.requireNonNull(servers, "bootstrapServers");
        return this;
    }

    /** The definitions the sources and their entity keys come from. */
    public ArchiverSettings definitions(Definitions defs) {
        this.definitions = Objects.requireNonNull(defs, "definitions");
        return this;
    }

    /** The offline store's root ({@code offline_store.path}); events go under {@code <root>/events/}. */
    public ArchiverSettings root(Path offlineRoot) {
        this.root = Objects.requireNonNull(offlineRoot, "root");
        return this;
    }

    /**
     * Also archives a topic that is not a source's events (e.g. a bandit's decisions with their rewards);
     * may be called several times. Its name must not be a source's.
     */
    public ArchiverSettings stream(ArchivedStream stream) {
        Objects.requireNonNull(stream, "stream");
        if (streams.stream().anyMatch(x -> x.source().name().equals(stream.source().name()))) {
            throw new IllegalArgumentException("stream '" + stream.source().name() + "' was already added");
        }
        streams.add(stream);
        return this;
    }

    /** The sources to archive; default: every source of the definitions. */
    public ArchiverSettings sources(List<Source> archived) {
        if (archived.isEmpty()) {
            throw new IllegalArgumentException("sources must not be empty (leave them unset to archive every source)");
        }
        this.sources = List.copyOf(archived);
        return this;
    }

    /** The clock of flush intervals, commit times and "today" for compaction. */
    public ArchiverSettings clock(Clock c) {
        this.clock = Objects.requireNonNull(c, "clock");
        return this;
    }

    /** How often to commit what was read; default {@code OfflineStoreConfig.DEFAULT_FLUSH_INTERVAL}. */
    public ArchiverSettings flushInterval(Duration every) {
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("flushInterval must be positive, not " + every);
        }
        this.flushInterval = every;
        return this;
    }

    /** The most rows of a file the archiver writes (and of a date's buffer in memory); default 100,000. */
    public ArchiverSettings maxRowsPerFile(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("maxRowsPerFile must be at least 1, not " + rows);
        }
        this.maxRowsPerFile = rows;
        return this;
    }

    /** A date partition with this many small unsorted files is compacted, whatever its date (see {@link Compactor}); default 8. */
    public ArchiverSettings compactAfterFiles(int files) {
        if (files < 2) {
            throw new IllegalArgumentException("compactAfterFiles must be at least 2, not " + files);
        }
        this.compactAfterFiles = files;
        return this;
    }

    /** The most rows of a file compaction writes; default 1,000,000. */
    public ArchiverSettings maxRowsPerCompactedFile(long rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("maxRowsPerCompactedFile must be at least 1, not " + rows);
        }
        this.maxRowsPerCompactedFile = rows;
        return this;
    }

    /** Where the random part of file names comes from; tests seed it. */
    public ArchiverSettings random(SplittableRandom r) {
        this.random = Objects.requireNonNull(r, "random");
        return this;
    }

    /** The allocator the archiver takes a child of (closed, and so checked for leaks, on close); default its own. */
    public ArchiverSettings allocator(BufferAllocator parent) {
        this.allocator = Objects.requireNonNull(parent, "allocator");
        return this;
    }

    /** Extra consumer settings; {@code isolation.level} and {@code enable.auto.commit} must stay as they are. */
    public ArchiverSettings consumerOverride(Map<String, Object> settings) {
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            consumerOverride(e.getKey(), e.getValue());
        }
        return this;
    }

    public ArchiverSettings consumerOverride(String key, Object value) {
        if (key.equals(ConsumerConfig.ISOLATION_LEVEL_CONFIG) || key.equals(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)) {
            throw new IllegalArgumentException("consumer setting " + key + " cannot be overridden: the archiver needs"
                    + " read_committed and no auto-commit to archive each event exactly once");
        }
        overrides.put(key, Objects.requireNonNull(value, "value"));
        return this;
    }

    ArchiverSettings crashPoint(CrashPoint point) {
        this.crashPoint = Objects.requireNonNull(point, "crashPoint");
        return this;
    }

    /**
     * Opens each source's archive (deleting what an interrupted commit left) and starts consuming on its own thread.
     *
     * @throws IllegalStateException    when a required setting is missing
     * @throws IllegalArgumentException when a source is not one of the definitions, or a stream has a source's name
     *                                  or a topic already archived
     * @throws TransientException       when another archiver has a source's archive open
     * @throws dev.freshet.core.error.CorruptDataException when a manifest cannot be read
     */
    public Archiver start() {
        if (bootstrapServers == null || definitions == null || root == null) {
            throw new IllegalStateException("an archiver needs bootstrapServers, definitions and root (missing: "
                    + ((bootstrapServers == null ? "bootstrapServers " : "") + (definitions == null ? "definitions " : "")
                    + (root == null ? "root" : "")).trim() + ")");
        }
        List<Source> archived = sources != null ? sources : definitions.sources();
        if (archived.isEmpty()) {
            throw new IllegalArgumentException("the definitions have no source to archive");
        }
        for (Source s : archived) {
            if (!definitions.source(s.name()).map(s::equals).orElse(false)) {
                throw new IllegalArgumentException("source '" + s.name() + "' is not a source of the definitions "
                        + definitions.sources().stream().map(Source::name).toList());
            }
        }
        // the archiver keeps one buffer per topic: a second reader of a topic would silently replace the first
        Map<String, String> readers = new HashMap<>();
        archived.forEach(s -> readers.put(EventArchive.topic(s), "source '" + s.name() + "'"));
        for (ArchivedStream x : streams) {
            if (definitions.source(x.source().name()).isPresent()) {
                throw new IllegalArgumentException("stream '" + x.source().name() + "' has the name of a source; archives would mix");
            }
            String reader = readers.putIfAbsent(x.topic(), "stream '" + x.source().name() + "'");
            if (reader != null) {
                throw new IllegalArgumentException("stream '" + x.source().name() + "' reads " + x.topic() + ", which " + reader
                        + " is archived from; each topic is archived once, so give the stream a topic of its own");
            }
        }
        List<SourceArchive> archives = new ArrayList<>();
        try {
            for (Source s : archived) {
                archives.add(SourceArchive.open(root, s.name(), crashPoint, random));
            }
            for (ArchivedStream x : streams) {
                archives.add(SourceArchive.open(root, x.source().name(), crashPoint, random));
            }
            return Archiver.start(this, archives);
        } catch (RuntimeException e) {
            archives.forEach(SourceArchive::close);
            throw e;
        }
    }
}
