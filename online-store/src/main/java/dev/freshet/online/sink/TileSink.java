package dev.freshet.online.sink;

import dev.freshet.core.aggregate.TileKey;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.error.FreshetException;
import dev.freshet.online.OnlineStore;
import dev.freshet.online.TileBatch;
import dev.freshet.online.TilePartition;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Fills an {@link OnlineStore} from the tile topics: a consumer with {@code isolation.level=read_committed}
 * (so only tiles of committed pipeline transactions are served) writes each poll as one
 * {@link TileBatch}, tombstones as removals, and records the offsets in the store with the tiles.
 *
 * <p><b>Where it resumes.</b> The store's own offsets decide: on every assignment each partition is
 * sought to the offset the store recorded, or to the beginning when the store has none (a new or
 * wiped RocksDB directory refills itself from the compacted topics). The offsets are also committed
 * to the consumer group after each write, so that {@code kafka-consumer-groups} and the lag metrics
 * show how far behind the store is. Writes are idempotent (highest version wins), so a batch applied
 * twice after a crash changes nothing.
 *
 * <p><b>A store that loses its data</b> while the sink runs (a Redis restarted without persistence,
 * or flushed) no longer holds the offsets the sink wrote: before each write the sink
 * compares them, and when the store's offset of a partition is missing or behind what the sink wrote,
 * it logs a warning and seeks every partition back to the store's offsets (the beginning, for most),
 * so that the store refills from the compacted topics as a wiped one does at start.
 *
 * <p><b>Failures.</b> A store write that fails (Redis unreachable, say) is retried with backoff, the
 * same batch, until it succeeds or the sink is closed; nothing is skipped. A record whose key is not
 * a tile key is counted and skipped with a warning. Expired tiles are swept on a separate thread
 * every {@code sweepInterval}.
 *
 * <p>Thread-safe accessors; {@link #close()} is idempotent.
 */
public final class TileSink implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TileSink.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long MAX_BACKOFF_MS = 5_000;
    /** How long a lag measurement may wait for the brokers while a write is retried. */
    private static final Duration STALLED_QUERY = Duration.ofSeconds(2);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final OnlineStore store;
    private final List<String> topics;
    private final Thread thread;
    private final ScheduledExecutorService sweeper;
    private final Clock clock;
    private final LongAdder tilesWritten = new LongAdder();
    private final LongAdder tilesRemoved = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder swept = new LongAdder();
    private final Map<TopicPartition, Long> lag = new ConcurrentHashMap<>();
    /** Per assigned partition, the next offset the store holds by this sink's writes (or had at assignment); the sink's thread only. */
    private final Map<TopicPartition, Long> written = new HashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closing;
    private volatile long lastWriteMillis;
    private volatile String lastStoreError;

    private TileSink(Settings s) {
        this.store = s.store;
        this.topics = List.copyOf(s.topics);
        this.clock = s.clock;
        this.consumer = new KafkaConsumer<>(consumerProperties(s), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "freshet-online-sink");
        this.thread.setDaemon(true);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "freshet-online-sweeper");
            t.setDaemon(true);
            return t;
        });
        long every = s.sweepInterval.toMillis();
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /** Settings for {@link #start}: the brokers, the consumer group, the tile topics and the store are required. */
    public static Settings settings() {
        return new Settings();
    }

    /** The consumer group of a project's online-store sink. */
    public static String groupId(String project) {
        return project + "-online-store";
    }

    private static Properties consumerProperties(Settings s) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, s.groupId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, s.groupId + "-" + Long.toHexString(System.nanoTime()));
        p.putAll(s.overrides);
        return p;
    }

    private void run() {
        try {
            consumer.subscribe(topics, new SeekToStoreOffsets());
            while (!closing) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (!records.isEmpty()) {
                    TileBatch batch = toBatch(records);
                    if (write(batch, records)) {
                        commit(batch);
                    }
                }
                updateLag();
            }
        } catch (WakeupException e) {
            if (!closing) {
                failure.set(e);
            }
        } catch (RuntimeException | Error e) {
            failure.set(e);
            log.error("the online-store sink stopped: {}", e.toString(), e);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.debug("closing the sink's consumer: {}", e.toString());
            }
            stopped.countDown();
        }
    }

    private TileBatch toBatch(ConsumerRecords<byte[], byte[]> records) {
        TileBatch.Builder b = TileBatch.builder();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            b.offset(new TilePartition(r.topic(), r.partition()), r.offset() + 1);
            if (r.key() == null) {
                skip(r, "it has no key");
                continue;
            }
            TileKey key;
            try {
                key = TileKey.parse(r.key());
            } catch (CorruptDataException e) {
                skip(r, e.getMessage());
                continue;
            }
            if (r.value() == null) {
                b.remove(key);
            } else {
                b.put(key, r.value());
            }
        }
        return b.build();
    }

    private void skip(ConsumerRecord<byte[], byte[]> r, String why) {
        skipped.increment();
        log.warn("skipping record {}-{}@{}: {} (tile topics are written by the features pipeline only)",
                r.topic(), r.partition(), r.offset(), why);
    }

    /**
     * Writes the batch (of {@code records}), retrying with backoff until it is written or the sink closes; meanwhile
     * the lag counts the batch's records and those after it, so that a store that refuses writes shows as a growing lag.
     * False, with nothing written, when the store turns out to have lost earlier writes: every partition is then
     * sought back to the store's offsets, and the batch will be read again.
     */
    private boolean write(TileBatch batch, ConsumerRecords<byte[], byte[]> records) {
        long backoff = 100;
        int attempt = 0;
        while (true) {
            try {
                if (lostWrites(batch)) {
                    seekToStore(consumer.assignment());
                    return false;
                }
                store.putTiles(batch);
                if (attempt > 0) {
                    log.info("the online store accepts writes again after {} failed attempts", attempt);
                }
                lastStoreError = null;
                break;
            } catch (FreshetException e) {
                attempt++;
                lastStoreError = e.getMessage();
                if (attempt == 1 || attempt % 20 == 0) {
                    log.warn("writing {} to the online store failed (attempt {}), retrying: {}", batch, attempt, e.getMessage());
                }
                if (closing) {
                    throw e;
                }
                updateLagWhileStalled(records);
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
        for (TileBatch.Write w : batch.writes()) {
            if (w.isRemoval()) {
                tilesRemoved.increment();
            } else {
                tilesWritten.increment();
            }
        }
        batches.increment();
        lastWriteMillis = clock.millis();
        batch.offsets().forEach((p, next) -> written.put(new TopicPartition(p.topic(), p.partition()), next));
        return true;
    }

    /** Whether the store no longer holds, for a partition of the batch, the offset this sink wrote (or found) there. */
    private boolean lostWrites(TileBatch batch) {
        Map<TilePartition, Long> stored = null;
        for (TilePartition p : batch.offsets().keySet()) {
            Long mine = written.get(new TopicPartition(p.topic(), p.partition()));
            if (mine == null) {
                continue;
            }
            if (stored == null) {
                stored = store.offsets();
            }
            Long theirs = stored.get(p);
            if (theirs == null || theirs < mine) {
                log.warn("the online store has lost tiles this sink wrote: it {} for {}, where the sink wrote up to offset {}; "
                        + "refilling it from its offsets (from the beginning of the tile topics where it has none)",
                        theirs == null ? "has no offset" : "is at offset " + theirs, p, mine);
                return true;
            }
        }
        return false;
    }

    /** Seeks each partition to the offset the store recorded, or to the beginning when it has none. */
    private void seekToStore(Collection<TopicPartition> partitions) {
        Map<TilePartition, Long> stored = store.offsets();
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Long next = stored.get(new TilePartition(tp.topic(), tp.partition()));
            if (next == null) {
                fromStart.add(tp);
                written.remove(tp);
            } else {
                consumer.seek(tp, next);
                written.put(tp, next);
            }
        }
        if (!fromStart.isEmpty()) {
            consumer.seekToBeginning(fromStart);
        }
        log.debug("online-store sink at the store's offsets for {} ({} from the beginning)", partitions, fromStart.size());
    }

    private void commit(TileBatch batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        batch.offsets().forEach((p, next) -> offsets.put(new TopicPartition(p.topic(), p.partition()), new OffsetAndMetadata(next)));
        // for monitoring only (the store's offsets decide where to resume), so asynchronously
        consumer.commitAsync(offsets, (o, e) -> {
            if (e != null) {
                log.debug("committing the sink's offsets failed: {}", e.toString());
            }
        });
    }

    private void updateLag() {
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong l = consumer.currentLag(tp);
            if (l.isPresent()) {
                lag.put(tp, l.getAsLong());
            }
        }
        lag.keySet().retainAll(consumer.assignment());
    }

    /**
     * The lag while a batch waits: per partition, its records in the batch plus those after the consumer's position,
     * up to the end of the partition (the last stable offset: the sink reads committed records only). Kept as it was
     * when Kafka cannot say.
     */
    private void updateLagWhileStalled(ConsumerRecords<byte[], byte[]> pending) {
        try {
            Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), STALLED_QUERY);
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                TopicPartition tp = end.getKey();
                long after = Math.max(0, end.getValue() - consumer.position(tp, STALLED_QUERY));
                lag.put(tp, after + pending.records(tp).size());
            }
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            log.debug("the sink's lag could not be measured while a write waits: {}", e.toString());
        }
    }

    private void sweep() {
        try {
            long removed = store.sweep(clock.millis());
            swept.add(removed);
            if (removed > 0) {
                log.debug("swept {} expired tiles from the online store", removed);
            }
        } catch (RuntimeException e) {
            if (!closing) {
                log.warn("sweeping expired tiles failed (will try again): {}", e.getMessage());
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a write to the online store", e);
        }
    }

    /** On assignment, each partition resumes where the store says it is. */
    private final class SeekToStoreOffsets implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            seekToStore(partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // nothing buffered: every poll is written before the next
            partitions.forEach(written::remove);
        }
    }

    /** Tiles written (puts, including those the store ignored as older versions). */
    public long tilesWritten() {
        return tilesWritten.sum();
    }

    /** Tiles removed (tombstones applied). */
    public long tilesRemoved() {
        return tilesRemoved.sum();
    }

    /** Records skipped because their key is not a tile key. */
    public long skippedRecords() {
        return skipped.sum();
    }

    /** Tiles removed by the sweeper. */
    public long tilesSwept() {
        return swept.sum();
    }

    public long batches() {
        return batches.sum();
    }

    /** Records on the tile topics not yet written to the store, summed over the assigned partitions. */
    public long lag() {
        long sum = 0;
        for (long l : lag.values()) {
            sum += l;
        }
        return sum;
    }

    /** Per assigned partition, the records not yet written. */
    public Map<String, Long> lagByPartition() {
        Map<String, Long> out = new java.util.TreeMap<>();
        lag.forEach((tp, l) -> out.put(tp.toString(), l));
        return out;
    }

    /** When the last batch was written, epoch ms (0 before the first). */
    public long lastWriteMillis() {
        return lastWriteMillis;
    }

    /** The last store error while a write is being retried, or null when writes succeed. */
    public String storeError() {
        return lastStoreError;
    }

    /** True while the consuming thread runs. */
    public boolean isRunning() {
        return thread.isAlive() && failure.get() == null;
    }

    /** Why the sink stopped, if it stopped on an error. */
    public java.util.Optional<Throwable> failure() {
        return java.util.Optional.ofNullable(failure.get());
    }

    /** The tile topics it consumes. */
    public Set<String> topics() {
        return Set.copyOf(topics);
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        sweeper.shutdownNow();
        consumer.wakeup();
        try {
            if (!stopped.await(15, TimeUnit.SECONDS)) {
                log.warn("the online-store sink did not stop within 15 s");
            }
            sweeper.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Builder-style settings of a sink. */
    public static final class Settings {
        private String bootstrapServers;
        private String groupId;
        private List<String> topics;
        private OnlineStore store;
        private Clock clock = Clock.systemUTC();
        private Duration sweepInterval = Duration.ofMinutes(1);
        private final Map<String, Object> overrides = new HashMap<>();

        private Settings() {
        }

        public Settings bootstrapServers(String servers) {
            this.bootstrapServers = Objects.requireNonNull(servers, "bootstrapServers");
            return this;
        }

        public Settings groupId(String group) {
            this.groupId = Objects.requireNonNull(group, "groupId");
            return this;
        }

        public Settings topics(List<String> tileTopics) {
            this.topics = List.copyOf(tileTopics);
            return this;
        }

        public Settings store(OnlineStore onlineStore) {
            this.store = Objects.requireNonNull(onlineStore, "store");
            return this;
        }

        /** The clock of the sweeper (expiry is decided against it). */
        public Settings clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        public Settings sweepInterval(Duration every) {
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("sweep interval must be positive, got " + every);
            }
            this.sweepInterval = every;
            return this;
        }

        /** Extra consumer settings (tests shorten timeouts). */
        public Settings consumerOverride(String key, Object value) {
            overrides.put(key, value);
            return this;
        }

        /** Starts consuming on its own thread. */
        public TileSink start() {
            if (bootstrapServers == null || groupId == null || topics == null || store == null) {
                throw new IllegalStateException("a tile sink needs bootstrapServers, groupId, topics and store (missing: "
                        + (bootstrapServers == null ? "bootstrapServers " : "") + (groupId == null ? "groupId " : "")
                        + (topics == null ? "topics " : "") + (store == null ? "store" : "").trim() + ")");
            }
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("a tile sink needs at least one tile topic (does the configuration define feature views?)");
            }
            TileSink sink = new TileSink(this);
            sink.thread.start();
            return sink;
        }
    }
}
