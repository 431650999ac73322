package dev.freshet.offline.archive;

import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.error.FreshetException;
import dev.freshet.core.event.Event;
import dev.freshet.core.definition.Source;
import dev.freshet.core.event.EventJson;
import dev.freshet.offline.arrow.ArchiveSchema;
import dev.freshet.offline.arrow.EventAppender;
import dev.freshet.offline.arrow.ParquetFiles;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The events of one source read since its last commit, in Arrow vectors, one batch per UTC date of
 * event time, with the offsets they bring the archive to. {@link #commit} writes a Parquet file per
 * date and commits them with the offsets in one manifest write. Not thread-safe: the archiver's
 * thread owns it.
 */
final class SourceBuffer implements AutoCloseable {

    /** What each record must be, for the message when one is not: {@code a canonical event of source 'clicks'}. */
    private final String expected;
    private final Function<byte[], Event> decoder;
    private final ArchiveSchema layout;
    private final BufferAllocator allocator;
    private final SourceArchive archive;
    private final String topic;
    private final int maxRowsPerFile;
    private final TreeMap<LocalDate, Batch> batches = new TreeMap<>();
    /** Per partition, the next offset to read once what is buffered is committed. */
    private final Map<Integer, Long> offsets = new HashMap<>();
    private long rows;

    /** The rows of one date and their event-time range. */
    private static final class Batch {
        final EventAppender appender;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;

        Batch(ArchiveSchema layout, BufferAllocator allocator) {
            this.appender = new EventAppender(layout, allocator);
        }
    }

    SourceBuffer(EventJson json, BufferAllocator allocator, SourceArchive archive, String topic, int maxRowsPerFile) {
        this("a canonical event of source '" + json.source().name() + "'", json.source(), json::decode, allocator, archive, topic,
                maxRowsPerFile);
    }

    /** A buffer of records that {@code decoder} turns into events of {@code source}'s schema. */
    SourceBuffer(Source source, Function<byte[], Event> decoder, BufferAllocator allocator, SourceArchive archive, String topic,
                 int maxRowsPerFile) {
        this("a record of archive '" + source.name() + "'", source, decoder, allocator, archive, topic, maxRowsPerFile);
    }

    private SourceBuffer(String expected, Source source, Function<byte[], Event> decoder, BufferAllocator allocator, SourceArchive archive,
                         String topic, int maxRowsPerFile) {
        this.expected = expected;
        this.decoder = decoder;
        this.layout = ArchiveSchema.of(source);
        this.allocator = allocator;
        this.archive = archive;
        this.topic = topic;
        this.maxRowsPerFile = maxRowsPerFile;
        offsets.putAll(archive.manifest().offsets());
    }

    String topic() {
        return topic;
    }

    SourceArchive archive() {
        return archive;
    }

    /**
     * Buffers a record of the events topic.
     *
     * @return true when a date's batch has reached {@code maxRowsPerFile} rows: commit before adding more
     * @throws CorruptDataException when the record is not a canonical event of the source (a bug upstream:
     *                              the events topic holds only events the pipeline validated)
     */
    boolean add(ConsumerRecord<byte[], byte[]> r) {
        Event event;
        try {
            if (r.value() == null) {
                throw new CorruptDataException("it has no value");
            }
            event = decoder.apply(r.value());
        } catch (FreshetException | IllegalArgumentException e) {
            throw new CorruptDataException("record " + r.topic() + "-" + r.partition() + "@" + r.offset()
                    + " is not " + expected + ": " + e.getMessage()
                    + ". Only the Freshet pipeline may write " + r.topic() + "; the archiver stops rather than skip it", e);
        }
        LocalDate date = LocalDate.ofInstant(Instant.ofEpochMilli(event.timestamp()), ZoneOffset.UTC);
        Batch b = batches.computeIfAbsent(date, d -> new Batch(layout, allocator));
        b.appender.append(event, r.partition(), r.offset());
        b.min = Math.min(b.min, event.timestamp());
        b.max = Math.max(b.max, event.timestamp());
        rows++;
        offsets.merge(r.partition(), r.offset() + 1, Math::max);
        return b.appender.rowCount() >= maxRowsPerFile;
    }

    /**
     * Moves a partition's next offset to the consumer's position, past transaction markers and
     * aborted records that a read_committed consumer never returns; only with everything before it
     * buffered.
     */
    void position(int partition, long next) {
        offsets.merge(partition, next, Math::max);
    }

    /** Events buffered and not committed. */
    long rows() {
        return rows;
    }

    /** Whether a commit would change the archive: rows to write or offsets to move. */
    boolean dirty() {
        return rows > 0 || !offsets.equals(archive.manifest().offsets());
    }

    /**
     * Writes a file per date and commits them with the offsets. On failure nothing is committed, the
     * files it wrote are deleted and the buffer is kept, so that a retry writes the same rows.
     *
     * @return the rows committed
     * @throws java.io.UncheckedIOException when a file or the manifest cannot be written
     */
    long commit() {
        if (!dirty()) {
            return 0;
        }
        List<Manifest.Entry> written = new ArrayList<>();
        try {
            for (Map.Entry<LocalDate, Batch> e : batches.entrySet()) {
                Batch b = e.getValue();
                String path = archive.newFile(e.getKey());
                ParquetFiles.write(allocator, b.appender.root(), archive.dir().resolve(path));
                written.add(new Manifest.Entry(path, b.appender.rowCount(), b.min, b.max, false));
            }
            archive.commit(written, offsets);
        } catch (RuntimeException e) {
            archive.discard(written);
            throw e;
        }
        long committed = rows;
        clear();
        return committed;
    }

    /** How many files the last successful {@link #commit} could have written: one per buffered date. */
    int dates() {
        return batches.size();
    }

    private void clear() {
        batches.values().forEach(b -> b.appender.close());
        batches.clear();
        rows = 0;
    }

    /** Frees the buffered vectors; what was not committed is dropped (and read again after a restart). */
    @Override
    public void close() {
        clear();
    }
}
