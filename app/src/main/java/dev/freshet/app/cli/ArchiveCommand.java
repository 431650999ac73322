package dev.freshet.app.cli;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.KafkaConfig;
import dev.freshet.core.definition.Durations;
import dev.freshet.core.definition.Source;
import dev.freshet.core.error.FreshetException;
import dev.freshet.core.error.TransientException;
import dev.freshet.offline.archive.Archiver;
import dev.freshet.offline.archive.EventArchive;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code freshet archive}: the archiver of the offline store on its own, for a deployment where the
 * pipeline runs elsewhere, or to catch the archive up once ({@code --once}) before a training set.
 */
@Command(name = "archive",
        description = {"Archive the canonical events (freshet.events.<source>, read_committed) as Parquet under "
                + "offline_store.path/events/<source>/date=YYYY-MM-DD/, committing files and offsets together every "
                + "offline_store.flush_interval, and compacting date partitions into files sorted by entity and time.",
                "`freshet run` already does this; run it on its own where the pipeline runs elsewhere. Only one archiver "
                + "may write an archive at a time (a second one fails with exit code 75).",
                "Runs until Ctrl-C (then commits what it read); with --once it stops when it has caught up."})
public final class ArchiveCommand implements Callable<Integer> {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration STALL = Duration.ofSeconds(60);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConfigFileOption config;

    @Mixin
    private HelpOption help;

    @Option(names = "--once", description = "Archive what the topics hold now, commit, compact, and exit.")
    private boolean once;

    @Option(names = "--status-interval", hidden = true, paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class, description = "How often to print the status line when it changed.")
    private Duration statusInterval;

    private final StopSignal stop = new StopSignal();

    @Override
    public Integer call() {
        int code = Failures.guard(spec, this::archive);
        stop.finished(code);
        return code;
    }

    /** Asks a running archive to stop as Ctrl-C does; for tests. */
    void stop() {
        stop.request();
    }

    private int archive() throws InterruptedException {
        FreshetConfig loaded = config.load();
        PrintWriter out = spec.commandLine().getOut();
        KafkaConfig kafka = loaded.kafka();
        String bootstrap = BootstrapProbe.bootstrapServers(kafka);
        BootstrapProbe.requireListening(bootstrap, BootstrapProbe.DEFAULT_TIMEOUT, kafka.isEmbedded()
                ? "is `freshet run` running? Without kafka.bootstrap_servers, freshet archive reads from the embedded broker it starts"
                : "check kafka.bootstrap_servers in " + config.displayName());
        String topics = loaded.definitions().sources().stream().map(EventArchive::topic).collect(Collectors.joining(", "));
        out.println("Archiving " + topics + " from " + bootstrap + " as Parquet under " + loaded.offlineStore().path().toAbsolutePath()
                + " (committed every " + Durations.format(loaded.offlineStore().flushInterval()) + ")");
        out.flush();
        if (!once) {
            stop.installHook(out);
        }
        try (BufferAllocator allocator = new RootAllocator();
             Archiver archiver = Archiver.settings().bootstrapServers(bootstrap).definitions(loaded.definitions())
                     .root(loaded.offlineStore().path()).flushInterval(loaded.offlineStore().flushInterval())
                     .allocator(allocator).start()) {
            if (once) {
                catchUp(archiver, loaded, bootstrap, out);
            } else {
                watch(archiver, loaded, out);
            }
        }
        out.println(once ? "Archive up to date: " + status(loaded) : "Stopped. " + status(loaded));
        out.flush();
        return 0;
    }

    /**
     * Archives up to the end the events topics have now (their last stable offsets, as a read_committed
     * consumer sees them), then compacts.
     */
    private void catchUp(Archiver archiver, FreshetConfig loaded, String bootstrap, PrintWriter out) throws InterruptedException {
        Map<TopicPartition, Long> ends = endOffsets(bootstrap, loaded);
        long total = ends.values().stream().mapToLong(Long::longValue).sum();
        out.println("Catching up to " + Counts.grouped(total) + " offsets over " + Counts.plural(ends.size(), "partition") + " ...");
        out.flush();
        long lastProgress = System.nanoTime();
        long behind = Long.MAX_VALUE;
        while (true) {
            failed(archiver);
            archiver.flush();
            long now = behind(ends, loaded);
            if (now == 0) {
                break;
            }
            if (now < behind) {
                behind = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                throw new TransientException("the archiver made no progress for " + STALL.toSeconds() + " s with "
                        + Counts.plural(now, "offset") + " still to archive; is Kafka reachable?", null);
            }
            Thread.sleep(POLL.toMillis());
        }
        archiver.compact();
        failed(archiver);
    }

    /** Offsets still to archive: how far each partition's committed offset is behind its end. */
    private static long behind(Map<TopicPartition, Long> ends, FreshetConfig loaded) {
        long behind = 0;
        for (Source source : loaded.definitions().sources()) {
            Map<Integer, Long> committed = EventArchive.offsets(loaded.offlineStore().path(), source);
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                if (end.getKey().topic().equals(EventArchive.topic(source))) {
                    behind += Math.max(0, end.getValue() - committed.getOrDefault(end.getKey().partition(), 0L));
                }
            }
        }
        return behind;
    }

    private static Map<TopicPartition, Long> endOffsets(String bootstrap, FreshetConfig loaded) {
        Map<String, Object> settings = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, loaded.project() + "-archive-once");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (Source source : loaded.definitions().sources()) {
                for (PartitionInfo p : consumer.partitionsFor(EventArchive.topic(source), Duration.ofSeconds(10))) {
                    partitions.add(new TopicPartition(p.topic(), p.partition()));
                }
            }
            return consumer.endOffsets(partitions, Duration.ofSeconds(10));
        }
    }

    private void watch(Archiver archiver, FreshetConfig loaded, PrintWriter out) throws InterruptedException {
        String shown = "";
        long next = System.nanoTime() + statusInterval.toNanos();
        while (!stop.awaitRequest(POLL)) {
            failed(archiver);
            if (System.nanoTime() - next >= 0) {
                next = System.nanoTime() + statusInterval.toNanos();
                String now = rows(archiver.rowsArchived()) + ", lag " + Counts.grouped(archiver.lag());
                if (!now.equals(shown)) {
                    out.println(LocalTime.now().format(TIME) + "  archived " + now);
                    out.flush();
                    shown = now;
                }
            }
        }
    }

    private static void failed(Archiver archiver) {
        if (archiver.failure().isPresent()) {
            Throwable f = archiver.failure().get();
            throw new FreshetException("the archiver stopped: " + f.getMessage(), f);
        }
    }

    private static String rows(Map<String, Long> bySource) {
        return bySource.entrySet().stream().map(e -> e.getKey() + " " + Counts.grouped(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static String status(FreshetConfig loaded) {
        return loaded.definitions().sources().stream()
                .map((Source s) -> s.name() + ": " + Counts.plural(EventArchive.rows(loaded.offlineStore().path(), s), "event")
                        + " in " + Counts.plural(EventArchive.files(loaded.offlineStore().path(), s).size(), "file"))
                .collect(Collectors.joining("; "));
    }
}
