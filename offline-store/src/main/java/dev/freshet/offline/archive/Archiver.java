package dev.freshet.offline.archive;

import dev.freshet.core.definition.Source;
import dev.freshet.core.error.TransientException;
import dev.freshet.core.event.EventJson;
import dev.freshet.offline.arrow.ArchiveSchema;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Archives the canonical events of sources ({@code freshet.events.<source>}) as Parquet under
 * {@code <root>/events/<source>/date=YYYY-MM-DD/}, one file per touched date at each commit; see
 * {@link EventArchive} for the layout and how to read it.
 *
 * <p><b>Exactly once.</b> The consumer reads with {@code isolation.level=read_committed}, so events
 * of aborted pipeline transactions are never archived. Where to resume is the archive's manifest,
 * not the consumer group: each partition is sought to the manifest's next offset (or the beginning),
 * and a commit lists the new files and moves the offsets in one atomic manifest write. Rows read
 * since the last commit are lost by a crash and read again after it; rows committed are never
 * read again. Group offsets are not used at all.
 *
 * <p><b>When it commits.</b> Every {@code flushInterval} on the injected clock, when a date's buffer
 * reaches {@code maxRowsPerFile} rows, on {@link #flush()}, and on {@link #close()}. After a commit,
 * date partitions that are due are compacted on the same thread (see {@code Compactor}), so that a
 * source's manifest has a single writer; one partition per poll, so that consuming goes on.
 *
 * <p><b>Failures.</b> Kafka and file-system errors that may pass are retried with backoff, the same
 * rows, until they succeed or the archiver is closed. A record that is not a canonical event stops
 * the archiver ({@link #failure()}), naming its topic, partition and offset: the events topic holds
 * only validated events, so it is a bug upstream, and skipping it would lose an event silently. A
 * compaction that fails otherwise is logged and not tried again until restart; archiving goes on.
 * A topic that does not exist yet is looked for again every second, and read from its beginning
 * once it exists; until then the others are archived (or, with none, the archiver waits).
 *
 * <p>Accessors are thread-safe; {@link #close()} is idempotent.
 */
public final class Archiver implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Archiver.class);
    /** The events topic of a source; the same name as {@code dev.freshet.ingest.topic.Topics.events}, which this module cannot see. */
    static final String EVENTS_TOPIC_PREFIX = "freshet.events.";
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long MAX_BACKOFF_MS = 5_000;
    /** How long a lag measurement may wait for the brokers while an action is retried. */
    private static final Duration STALLED_QUERY = Duration.ofSeconds(2);
    private static final long REDISCOVER_NANOS = TimeUnit.SECONDS.toNanos(30);

    private enum Request { FLUSH, COMPACT }

    private record Pending(Request what, CompletableFuture<Void> done) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final BufferAllocator allocator;
    private final Map<String, SourceBuffer> byTopic = new LinkedHashMap<>();
    private final Map<String, RowFiles> rowFiles = new LinkedHashMap<>();
    private final Compactor compactor;
    private final Clock clock;
    private final long flushMillis;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Pending> requests = new ConcurrentLinkedQueue<>();
    /** Requests taken from the queue and not answered yet: answered by shutDown when the thread fails. */
    private final List<Pending> taken = new ArrayList<>();
    private final Map<String, LongAdder> rowsArchived = new ConcurrentHashMap<>();
    private final LongAdder filesCommitted = new LongAdder();
    private final LongAdder compactions = new LongAdder();
    private final Map<TopicPartition, Long> lag = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Set<String> missingTopics = new HashSet<>();
    private final Set<String> compactionFailed = new HashSet<>();
    private volatile boolean closing;
    private volatile boolean finished;
    private volatile long lastCommitMillis;
    private volatile long buffered;
    /** What fails now while it is retried (a commit to a full disk, a poll with the brokers away); null when all goes well. */
    private volatile String retryingError;
    private long lastFlushMillis;
    private long discoveredNanos;
    private boolean compactionDue = true;

    private Archiver(ArchiverSettings s, List<SourceArchive> archives) {
        this.allocator = s.allocator == null ? new RootAllocator() : s.allocator.newChildAllocator("archiver", 0, Long.MAX_VALUE);
        this.clock = s.clock;
        this.flushMillis = s.flushInterval.toMillis();
        this.compactor = new Compactor(s.compactAfterFiles, s.maxRowsPerCompactedFile, s.maxRowsPerFile);
        for (SourceArchive a : archives) {
            ArchivedStream stream = s.streams.stream().filter(x -> x.source().name().equals(a.source())).findFirst().orElse(null);
            if (stream != null) {
                byTopic.put(stream.topic(), new SourceBuffer(stream.source(), stream.decoder(), allocator, a, stream.topic(),
                        s.maxRowsPerFile));
                rowFiles.put(stream.topic(), new RowFiles(allocator, ArchiveSchema.of(stream.source()), null));
                rowsArchived.put(stream.source().name(), new LongAdder());
                continue;
            }
            Source source = s.definitions.source(a.source()).orElseThrow();
            EventJson json = EventJson.of(s.definitions, source);
            String topic = EVENTS_TOPIC_PREFIX + source.name();
            byTopic.put(topic, new SourceBuffer(json, allocator, a, topic, s.maxRowsPerFile));
            rowFiles.put(topic, new RowFiles(allocator, ArchiveSchema.of(source), json.keyField().orElse(null)));
            rowsArchived.put(source.name(), new LongAdder());
        }
        this.consumer = new KafkaConsumer<>(consumerProperties(s), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.lastFlushMillis = clock.millis();
        this.thread = new Thread(this::run, "freshet-archiver");
        this.thread.setDaemon(true);
    }

    /** Settings for {@link ArchiverSettings#start}: the brokers, the definitions and the root are required. */
    public static ArchiverSettings settings() {
        return new ArchiverSettings();
    }

    static Archiver start(ArchiverSettings s, List<SourceArchive> archives) {
        Archiver archiver = new Archiver(s, archives);
        archiver.thread.start();
        return archiver;
    }

    private static Properties consumerProperties(ArchiverSettings s) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // the manifest, not the group, says where to resume; no group at all
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "freshet-archiver-" + Long.toHexString(System.nanoTime()));
        p.putAll(s.overrides);
        return p;
    }

    private void run() {
        try {
            try {
                while (!closing) {
                    step();
                }
            } catch (WakeupException e) {
                if (!closing) {
                    throw e;
                }
            }
            // close(): commit what was read, once; a failure now is logged, the rows are read again next time
            commitAll();
        } catch (RuntimeException | Error e) {
            failure.set(e);
            if (closing) {
                log.warn("the archiver's last commit on close failed; what it had read is read again at the next start: {}", e.toString());
            } else {
                log.error("the archiver stopped: {}", e.toString(), e);
            }
        } finally {
            shutDown();
        }
    }

    private void step() {
        discoverPartitions();
        ConsumerRecords<byte[], byte[]> records = assigned.isEmpty() ? idle()
                : retrying("polling " + byTopic.keySet(), () -> consumer.poll(POLL));
        for (ConsumerRecord<byte[], byte[]> r : records) {
            SourceBuffer b = byTopic.get(r.topic());
            if (b.add(r)) {
                commit(b);
            }
        }
        for (TopicPartition tp : records.partitions()) {
            long position = retrying("reading the position of " + tp, () -> consumer.position(tp));
            byTopic.get(tp.topic()).position(tp.partition(), position);
        }
        Pending request;
        boolean flushNow = clock.millis() - lastFlushMillis >= flushMillis;
        boolean compactAll = false;
        while ((request = requests.poll()) != null) {
            taken.add(request);
            flushNow |= request.what == Request.FLUSH;
            compactAll |= request.what == Request.COMPACT;
        }
        // positions of partitions without records move too (a transaction marker, aborted records)
        if (flushNow || compactAll) {
            for (TopicPartition tp : assigned) {
                byTopic.get(tp.topic()).position(tp.partition(), retrying("reading the position of " + tp, () -> consumer.position(tp)));
            }
            commitAll();
        }
        compact(compactAll);
        taken.forEach(p -> p.done.complete(null));
        taken.clear();
        updateLag();
    }

    /**
     * Waits a poll's time without polling, while none of the topics exists: a consumer with no partitions
     * assigned refuses to poll, and the archiver waits for the topics instead of failing.
     */
    private ConsumerRecords<byte[], byte[]> idle() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the topics " + byTopic.keySet() + " to exist", e);
        }
        return ConsumerRecords.empty();
    }

    private void commitAll() {
        for (SourceBuffer b : byTopic.values()) {
            commit(b);
        }
        lastFlushMillis = clock.millis();
    }

    private void commit(SourceBuffer b) {
        if (!b.dirty()) {
            return;
        }
        int files = b.dates();
        long rows = retrying("committing to the archive of source '" + b.archive().source() + "'", b::commit);
        rowsArchived.get(b.archive().source()).add(rows);
        filesCommitted.add(files);
        lastCommitMillis = clock.millis();
        compactionDue = true;
    }

    /** Compacts due partitions: all of them when asked, else at most one per poll after a commit. */
    private void compact(boolean all) {
        if (!all && !compactionDue) {
            return;
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        boolean more = false;
        for (Map.Entry<String, SourceBuffer> e : byTopic.entrySet()) {
            SourceArchive archive = e.getValue().archive();
            for (String partition : compactor.due(archive.manifest(), today)) {
                String what = "compacting " + partition + " of source '" + archive.source() + "'";
                if (compactionFailed.contains(what)) {
                    continue;
                }
                if (!all && more) {
                    return; // the next poll goes on
                }
                more = true;
                try {
                    retrying(what, () -> {
                        compactor.compact(archive, rowFiles.get(e.getKey()), partition, today);
                        return null;
                    });
                    compactions.increment();
                } catch (RuntimeException ex) {
                    if (closing) {
                        throw ex;
                    }
                    // the partition stays as it is, readable; archiving goes on, the next start tries again
                    compactionFailed.add(what);
                    log.error("{} failed; it is not tried again until the archiver restarts: {}", what, ex.toString(), ex);
                }
            }
        }
        compactionDue = false;
    }

    private void discoverPartitions() {
        boolean complete = assigned.stream().map(TopicPartition::topic).distinct().count() == byTopic.size();
        long wait = complete ? REDISCOVER_NANOS : TimeUnit.SECONDS.toNanos(1);
        if (discoveredNanos != 0 && System.nanoTime() - discoveredNanos < wait) {
            return;
        }
        discoveredNanos = System.nanoTime();
        Set<TopicPartition> found = new HashSet<>(assigned);
        for (String topic : byTopic.keySet()) {
            List<PartitionInfo> infos = retrying("listing the partitions of " + topic, () -> consumer.partitionsFor(topic, Duration.ofSeconds(5)));
            if (infos == null || infos.isEmpty()) {
                if (missingTopics.add(topic)) {
                    log.warn("topic {} does not exist yet; the archiver waits for it", topic);
                }
                continue;
            }
            missingTopics.remove(topic);
            infos.forEach(i -> found.add(new TopicPartition(i.topic(), i.partition())));
        }
        if (found.equals(assigned)) {
            return;
        }
        consumer.assign(found);
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition tp : found) {
            if (assigned.contains(tp)) {
                continue;
            }
            Long next = byTopic.get(tp.topic()).archive().manifest().offsets().get(tp.partition());
            if (next == null) {
                fromStart.add(tp);
            } else {
                consumer.seek(tp, next);
            }
        }
        if (!fromStart.isEmpty()) { // an empty collection would mean every assigned partition
            consumer.seekToBeginning(fromStart);
        }
        log.info("archiving {} ({} from the beginning, the others from the manifests)", found, fromStart.size());
        assigned.clear();
        assigned.addAll(found);
    }

    private void updateLag() {
        long rows = 0;
        for (SourceBuffer b : byTopic.values()) {
            rows += b.rows();
        }
        buffered = rows;
        for (TopicPartition tp : assigned) {
            consumer.currentLag(tp).ifPresent(l -> lag.put(tp, l));
        }
    }

    /**
     * The lag while an action is retried: the rows read and not committed, plus, per partition, the records between the
     * consumer's position and the end (the last stable offset: the archiver reads committed records only). Kept as it
     * was when Kafka cannot say (the brokers may be what fails).
     */
    private void updateLagWhileStalled() {
        long rows = 0;
        for (SourceBuffer b : byTopic.values()) {
            rows += b.rows();
        }
        buffered = rows;
        try {
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, STALLED_QUERY);
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                lag.put(end.getKey(), Math.max(0, end.getValue() - consumer.position(end.getKey(), STALLED_QUERY)));
            }
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            log.debug("the archiver's lag could not be measured while it retries: {}", e.toString());
        }
    }

    /** Runs an action, retrying with backoff while it fails in a way that may pass, until the archiver closes. */
    private <T> T retrying(String what, java.util.function.Supplier<T> action) {
        long backoff = 100;
        for (int attempt = 1; ; attempt++) {
            try {
                T result = action.get();
                if (attempt > 1) {
                    log.info("{} succeeded after {} failed attempts", what, attempt - 1);
                    retryingError = null;
                }
                return result;
            } catch (UncheckedIOException | TransientException | RetriableException e) {
                if (closing) {
                    throw e;
                }
                if (attempt == 1 || attempt % 20 == 0) {
                    log.warn("{} failed (attempt {}), retrying: {}", what, attempt, e.toString());
                }
                retryingError = what + " failed: " + e.getMessage();
                updateLagWhileStalled();
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while retrying " + what, ie);
                }
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    private void shutDown() {
        for (SourceBuffer b : byTopic.values()) {
            b.close();
            b.archive().close();
        }
        try {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
            log.debug("closing the archiver's consumer: {}", e.toString());
        }
        try {
            allocator.close();
        } catch (RuntimeException e) {
            log.error("the archiver leaked Arrow memory: {}", e.getMessage());
            failure.compareAndSet(null, e);
        }
        finished = true; // before draining: a request added after the drain sees it
        Throwable why = failure.get();
        for (Pending p; (p = taken.isEmpty() ? requests.poll() : taken.remove(0)) != null; ) {
            p.done.completeExceptionally(why != null ? why : new IllegalStateException("the archiver is closed"));
        }
        stopped.countDown();
    }

    /**
     * Commits what has been read so far (before the call returns), and waits until it is committed.
     *
     * @throws IllegalStateException when the archiver is closed or has stopped on an error (the cause)
     */
    public void flush() {
        await(Request.FLUSH);
    }

    /** Commits what has been read, then compacts every date partition that is due, and waits until done. */
    public void compact() {
        await(Request.COMPACT);
    }

    private void await(Request what) {
        if (closing || finished) {
            throw new IllegalStateException("the archiver is closed or stopped" + failure().map(f -> ": " + f).orElse(""), failure.get());
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        requests.add(new Pending(what, done));
        if (finished) { // stopped meanwhile: shutDown may have drained the requests before this one
            done.completeExceptionally(new IllegalStateException("the archiver stopped", failure.get()));
        }
        try {
            done.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the archiver stopped before " + what.name().toLowerCase() + " finished: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the archiver to " + what.name().toLowerCase(), e);
        }
    }

    /** Events committed to the archive since start, per source name. */
    public Map<String, Long> rowsArchived() {
        Map<String, Long> out = new java.util.TreeMap<>();
        rowsArchived.forEach((s, n) -> out.put(s, n.sum()));
        return out;
    }

    /** Parquet files committed since start (compaction's outputs not included). */
    public long filesCommitted() {
        return filesCommitted.sum();
    }

    /** Date partitions compacted since start (those whose sorted files only got their key runs included). */
    public long compactions() {
        return compactions.sum();
    }

    /** When the last commit happened, epoch ms on the archiver's clock (0 before the first). */
    public long lastCommitMillis() {
        return lastCommitMillis;
    }

    /** Events not yet archived: those on the topics not yet read, plus those read and not yet committed. */
    public long lag() {
        long sum = buffered;
        for (long l : lag.values()) {
            sum += l;
        }
        return sum;
    }

    /** What fails now and is being retried (e.g. a commit to a full disk), or null when nothing does. */
    public String retryingError() {
        return retryingError;
    }

    /** True while the archiving thread runs. */
    public boolean isRunning() {
        return thread.isAlive() && failure.get() == null;
    }

    /** Why the archiver stopped, if it stopped on an error. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Stops consuming, commits what was read (unless the archiver had failed), releases the archive and memory. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        consumer.wakeup();
        try {
            if (!stopped.await(30, TimeUnit.SECONDS)) {
                log.warn("the archiver did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
