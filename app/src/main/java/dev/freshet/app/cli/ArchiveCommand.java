package dev.freshet.app.cli;

import dev.freshet.bandits.stream.OutcomeRows;
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
                "With bandits, also their outcomes (freshet.outcomes.<bandit>: decisions with their rewards) under "
                + "offline_store.path/events/outcomes.<bandit>/, for freshet evaluate-policy.",
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

    /**
     * A topic the archiver keeps: a source's events or a bandit's outcomes.
     *
     * @param label   how the status line names it ({@code clicks}, {@code homepage outcomes})
     * @param topic   the topic read
     * @param archive the archive's name and schema, whose manifest holds the topic's committed offsets
     * @param noun    what one archived row is, for the status line
     */
    private record Archived(String label, String topic, Source archive, String noun) {
    }

    private static List<Archived> archived(FreshetConfig loaded) {
        List<Archived> out = new ArrayList<>();
        for (Source s : loaded.definitions().sources()) {
            out.add(new Archived(s.name(), EventArchive.topic(s), s, "event"));
        }
        loaded.bandits().forEach(b -> out.add(new Archived(b.name() + " outcomes", b.outcomesTopic(), OutcomeRows.source(b), "outcome")));
        return List.copyOf(out);
    }

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
        List<Archived> archived = archived(loaded);
        String topics = archived.stream().map(Archived::topic).collect(Collectors.joining(", "));
        out.println("Archiving " + topics + " from " + bootstrap + " as Parquet under " + loaded.offlineStore().path().toAbsolutePath()
                + " (committed every " + Durations.format(loaded.offlineStore().flushInterval()) + ")");
        out.flush();
        if (!once) {
            stop.installHook(out);
        }
        try (BufferAllocator allocator = new RootAllocator();
             Archiver archiver = BanditArchives.addTo(Archiver.settings(), loaded).bootstrapServers(bootstrap).definitions(loaded.definitions())
                     .root(loaded.offlineStore().path()).flushInterval(loaded.offlineStore().flushInterval())
                     .allocator(allocator).start()) {
            if (once) {
                catchUp(archiver, loaded, archived, bootstrap, out);
            } else {
                watch(archiver, loaded, out);
            }
        }
        out.println((once ? "Archive up to date: " : "Stopped. ") + status(loaded, archived));
        out.flush();
        return 0;
    }

    /**
     * Archives up to the end the topics have now (their last stable offsets, as a read_committed
     * consumer sees them), then compacts. A topic that does not exist yet has nothing to archive: it is
     * named and left out (the archiver reads it from the beginning once it exists).
     */
    private void catchUp(Archiver archiver, FreshetConfig loaded, List<Archived> archived, String bootstrap, PrintWriter out)
            throws InterruptedException {
        Map<TopicPartition, Long> ends = endOffsets(bootstrap, loaded, archived, out);
        long total = ends.values().stream().mapToLong(Long::longValue).sum();
        out.println("Catching up to " + Counts.grouped(total) + " offsets over " + Counts.plural(ends.size(), "partition") + " ...");
        out.flush();
        long lastProgress = System.nanoTime();
        long behind = Long.MAX_VALUE;
        while (true) {
            failed(archiver);
            archiver.flush();
            long now = behind(ends, loaded, archived);
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
    private static long behind(Map<TopicPartition, Long> ends, FreshetConfig loaded, List<Archived> archived) {
        long behind = 0;
        for (Archived a : archived) {
            // the archiver commits each topic's next offsets to the manifest of the archive it writes, by partition
            Map<Integer, Long> committed = EventArchive.offsets(loaded.offlineStore().path(), a.archive());
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                if (end.getKey().topic().equals(a.topic())) {
                    behind += Math.max(0, end.getValue() - committed.getOrDefault(end.getKey().partition(), 0L));
                }
            }
        }
        return behind;
    }

    /** The end offset of each partition of the topics that exist; the others are named on {@code out}. */
    private static Map<TopicPartition, Long> endOffsets(String bootstrap, FreshetConfig loaded, List<Archived> archived, PrintWriter out) {
        Map<String, Object> settings = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG, loaded.project() + "-archive-once");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (Archived a : archived) {
                // an unknown topic is an empty list, not an error (older clients answered null)
                List<PartitionInfo> infos = consumer.partitionsFor(a.topic(), Duration.ofSeconds(10));
                if (infos == null || infos.isEmpty()) {
                    out.println(a.topic() + " does not exist yet: nothing to archive from it");
                    continue;
                }
                for (PartitionInfo p : infos) {
                    partitions.add(new TopicPartition(p.topic(), p.partition()));
                }
            }
            return partitions.isEmpty() ? Map.of() : consumer.endOffsets(partitions, Duration.ofSeconds(10));
        }
    }

    private void watch(Archiver archiver, FreshetConfig loaded, PrintWriter out) throws InterruptedException {
        String shown = "";
        long next = System.nanoTime() + statusInterval.toNanos();
        while (!stop.awaitRequest(POLL)) {
            failed(archiver);
            if (System.nanoTime() - next >= 0) {
                next = System.nanoTime() + statusInterval.toNanos();
                String retrying = archiver.retryingError();
                String now = rows(archiver.rowsArchived()) + ", lag " + Counts.grouped(archiver.lag())
                        + (retrying == null ? "" : ", retrying: " + retrying);
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

    private static String status(FreshetConfig loaded, List<Archived> archived) {
        return archived.stream()
                .map(a -> a.label() + ": " + Counts.plural(EventArchive.rows(loaded.offlineStore().path(), a.archive()), a.noun())
                        + " in " + Counts.plural(EventArchive.files(loaded.offlineStore().path(), a.archive()).size(), "file"))
                .collect(Collectors.joining("; "));
    }
}
