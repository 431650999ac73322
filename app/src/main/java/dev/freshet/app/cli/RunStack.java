package dev.freshet.app.cli;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.KafkaConfig;
import dev.freshet.core.definition.Durations;
import dev.freshet.core.error.TransientException;
import dev.freshet.features.Pipeline;
import dev.freshet.ingest.broker.EmbeddedKafka;
import dev.freshet.ingest.topic.TopicAdmin;
import dev.freshet.ingest.topic.TopicSpec;
import dev.freshet.ingest.topic.Topics;
import dev.freshet.app.api.ApiServer;
import dev.freshet.app.api.KafkaEventLog;
import dev.freshet.bandits.stream.BanditService;
import dev.freshet.bandits.stream.RewardJoin;
import dev.freshet.app.api.KafkaPushTarget;
import dev.freshet.learners.stream.Training;
import dev.freshet.offline.archive.Archiver;
import dev.freshet.offline.archive.EventArchive;
import dev.freshet.offline.flight.TrainingSetFlightServer;
import dev.freshet.offline.join.PointInTimeJoin;
import dev.freshet.online.OnlineStore;
import dev.freshet.online.sink.TileSink;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@code freshet run} starts, in order: the embedded Kafka broker (unless the configuration
 * names an external cluster), Freshet's topics, the streaming pipeline, the online store and the
 * sink that fills it from the tile topics, the archiver of the offline store, the learners (when
 * models are configured: the label join, a learner worker and a serving version per model; and likewise for
 * bandits: the reward join, a policy worker and a serving policy each), the HTTP API, the Arrow
 * Flight server of training sets, and with {@code --demo} a synthetic workload. {@link #close()}
 * stops them in the reverse order: the servers, the archiver (which commits what it read) and the
 * sink first, then the pipeline, so that it commits what it processed while the broker is still
 * there, then the broker.
 * Not thread-safe; {@code close} is idempotent.
 */
final class RunStack implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(RunStack.class);

    private static final Duration SLOW_START = Duration.ofSeconds(5);
    private static final Duration START_POLL = Duration.ofMillis(100);

    /** What runs, in start order; closed in the reverse order. */
    private final Deque<AutoCloseable> started;
    private final Pipeline pipeline;
    private final TileSink sink;
    private final Archiver archiver;
    private final Training training;
    private final BanditService bandits;
    private final ApiServer api;
    private final TrainingSetFlightServer flight;
    private final DemoWorkload demo;
    private final String bootstrapServers;
    private boolean closed;

    private RunStack(Deque<AutoCloseable> started, Pipeline pipeline, TileSink sink, Archiver archiver, Training training,
                     BanditService bandits, ApiServer api, TrainingSetFlightServer flight, DemoWorkload demo, String bootstrapServers) {
        this.started = started;
        this.pipeline = pipeline;
        this.sink = sink;
        this.archiver = archiver;
        this.training = training;
        this.bandits = bandits;
        this.api = api;
        this.flight = flight;
        this.demo = demo;
        this.bootstrapServers = bootstrapServers;
    }

    /** What a run starts besides the configuration: tests inject a clock and shorter Kafka timeouts. */
    record Options(Map<String, ?> pipelineSettings, Clock clock, boolean demo) {
        static Options defaults() {
            return new Options(Map.of(), Clock.systemUTC(), false);
        }
    }

    /**
     * Starts everything and prints a line per step on {@code out}. When a step fails, what was
     * started is closed before the exception leaves.
     *
     * @param configFile       the configuration file as the user named it, for messages
     * @param options          a clock, --demo, and Kafka Streams settings over Freshet's (tests shorten timeouts)
     * @param stop             a stop requested while the pipeline starts ends the wait for it: the
     *                         caller then finds the request and closes the stack
     * @throws dev.freshet.core.error.TransientException when the port or data directory is in use,
     *         Kafka is unreachable, or the pipeline does not start within {@link #START_TIMEOUT}
     * @throws dev.freshet.core.error.InvalidInputException when the data directory cannot be used or
     *         Kafka refuses a topic
     */
    static RunStack start(FreshetConfig config, String configFile, Options options, StopSignal stop,
                          PrintWriter out) throws InterruptedException {
        KafkaConfig kafka = config.kafka();
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            String bootstrap;
            if (kafka.isEmbedded()) {
                EmbeddedKafka broker = EmbeddedKafka.start(kafka.embedded());
                started.push(broker);
                bootstrap = broker.bootstrapServers();
                out.println("Kafka broker listening on " + bootstrap + " (data in " + kafka.embedded().dataDir() + ")");
            } else {
                bootstrap = kafka.bootstrapServers();
                BootstrapProbe.requireListening(bootstrap, BootstrapProbe.DEFAULT_TIMEOUT,
                        "check kafka.bootstrap_servers in " + configFile + " (or remove it to run the embedded broker)");
                out.println("Using the Kafka cluster at " + bootstrap);
            }
            out.flush();
            ensureTopics(config, bootstrap, out);
            Pipeline pipeline = Pipeline.start(config, bootstrap, options.pipelineSettings());
            started.push(pipeline);
            if (!awaitRunning(pipeline, stop, out)) {
                return new RunStack(started, pipeline, null, null, null, null, null, null, null, bootstrap);
            }
            out.println("Streaming pipeline " + Pipeline.applicationId(config) + " started (state in "
                    + config.streams().stateDir() + ")");
            out.flush();

            OnlineStore store = OnlineStore.open(config);
            started.push(store);
            String storeDescription = RunPlan.onlineStore(config.onlineStore());
            List<String> tileTopics = config.definitions().featureViews().stream().map(v -> Topics.tiles(v.name())).toList();
            TileSink sink = TileSink.settings().bootstrapServers(bootstrap).groupId(TileSink.groupId(config.project()))
                    .topics(tileTopics).store(store).clock(options.clock()).start();
            started.push(sink);
            out.println("Online store: " + storeDescription + ", filled from " + String.join(", ", tileTopics));
            out.flush();

            BufferAllocator allocator = new RootAllocator();
            started.push(() -> closeAllocator(allocator));
            // the archiver's flushes and compactions follow the wall clock, whatever clock lookups read
            // with bandits, their decisions and rewards too (freshet.outcomes.<bandit>), for off-policy evaluation
            Archiver archiver = BanditArchives.addTo(Archiver.settings(), config).bootstrapServers(bootstrap)
                    .definitions(config.definitions()).root(config.offlineStore().path())
                    .flushInterval(config.offlineStore().flushInterval()).allocator(allocator).start();
            started.push(archiver);
            out.println("Offline store: archiving " + java.util.stream.Stream.concat(config.definitions().sources().stream()
                    .map(s -> EventArchive.topic(s)), config.bandits().stream().map(b -> b.outcomesTopic()))
                    .collect(Collectors.joining(", ")) + " as Parquet under "
                    + config.offlineStore().path() + " (committed every " + Durations.format(config.offlineStore().flushInterval()) + ")");
            out.flush();

            Training training = null;
            BanditService bandits = null;
            KafkaEventLog served = null;
            if (!config.models().isEmpty() || !config.bandits().isEmpty()) {
                served = KafkaEventLog.connect(bootstrap, config.project());
                started.push(served);
            }
            if (!config.models().isEmpty()) {
                training = Training.start(config, bootstrap, Topics::events, Version.current(), options.pipelineSettings());
                started.push(training);
                out.println("Learners: training " + config.models().stream().map(m -> m.name() + " (" + m.learner().yamlName()
                        + ", publishes every " + Durations.format(m.publishInterval()) + ")").collect(Collectors.joining(", "))
                        + " from predictions joined with labels; checkpoints under " + config.modelStore().path());
                List<String> pinned = training.serving().keySet().stream().filter(name -> config.model(name).isEmpty()).toList();
                if (!pinned.isEmpty()) {
                    out.println("Pinned versions (bandits' actions): serving " + String.join(", ", pinned) + " as published");
                }
                out.flush();
            }
            if (!config.bandits().isEmpty()) {
                bandits = BanditService.start(config, bootstrap, Topics::events, Version.current(), options.pipelineSettings());
                started.push(bandits);
                out.println("Bandits: " + config.bandits().stream().map(b -> b.name() + " (" + b.policy().yamlName() + ")")
                        .collect(Collectors.joining(", ")) + " learning from decisions joined with rewards (" + RewardJoin.applicationId(config)
                        + "); checkpoints under " + config.modelStore().path());
                out.flush();
            }

            KafkaPushTarget push = KafkaPushTarget.connect(bootstrap, config.project());
            started.push(push);
            RunMonitoring monitoring = new RunMonitoring(pipeline, sink, archiver, training, bandits, config.definitions(), storeDescription);
            ApiServer.Builder apiBuilder = ApiServer.builder().config(config).store(store).clock(options.clock()).push(push)
                    .health(monitoring.health()).metrics(monitoring.metrics());
            if (training != null) {
                apiBuilder.models(training.serving(), served);
            }
            if (bandits != null) {
                apiBuilder.bandits(bandits.serving(), served);
            }
            ApiServer api = apiBuilder.build().start();
            started.push(api);
            out.println("HTTP API listening on " + api.url());
            out.flush();

            Path offlineRoot = config.offlineStore().path();
            PointInTimeJoin join = PointInTimeJoin.builder().definitions(config.definitions())
                    .archive(source -> EventArchive.files(offlineRoot, source)).allocator(allocator)
                    .spillDirectory(offlineRoot.resolve("spill")).freshetVersion(Version.current()).build();
            TrainingSetFlightServer flight = TrainingSetFlightServer.builder().join(join).allocator(allocator)
                    .host(config.offlineStore().flightHost()).port(config.offlineStore().flightPort())
                    .spineDirectories(config.offlineStore().flightSpineDirs()).start();
            started.push(flight);
            out.println("Arrow Flight server listening on " + flight.uri() + " (training sets: DoGet with the request as JSON in the ticket)");
            out.flush();

            DemoWorkload demo = null;
            if (options.demo()) {
                demo = DemoWorkload.start(bootstrap, config, api.url(), options.clock());
                started.push(demo);
                out.println("Demo workload: " + DemoWorkload.describe(config));
                out.flush();
            }
            return new RunStack(started, pipeline, sink, archiver, training, bandits, api, flight, demo, bootstrap);
        } catch (RuntimeException | Error | InterruptedException e) {
            RuntimeException closing = closeAll(started);
            if (closing != null) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * Waits until the pipeline runs, saying so when that takes a while; false when a stop was
     * requested first.
     *
     * @throws TransientException when the pipeline fails, or does not run within {@link #START_TIMEOUT}
     */
    private static boolean awaitRunning(Pipeline pipeline, StopSignal stop, PrintWriter out) throws InterruptedException {
        long start = System.nanoTime();
        boolean noted = false;
        while (true) {
            KafkaStreams.State state = pipeline.state();
            if (state == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (state != KafkaStreams.State.CREATED && state != KafkaStreams.State.REBALANCING) {
                // Failed or stopped: this throws what happened (or returns if it runs after all).
                pipeline.awaitRunning(START_TIMEOUT);
                return true;
            }
            long waited = System.nanoTime() - start;
            if (waited > START_TIMEOUT.toNanos()) {
                throw new TransientException("the streaming pipeline did not start within " + START_TIMEOUT.toSeconds()
                        + " s (state " + state + "); is Kafka reachable?", null);
            }
            if (!noted && waited > SLOW_START.toNanos()) {
                out.println("Still starting the streaming pipeline (state " + state + "). Right after a run of this "
                        + "project that was killed (so it could not leave its consumer group), this waits until that "
                        + "membership expires (consumer session.timeout.ms, 45 s by default).");
                out.flush();
                noted = true;
            }
            if (stop.awaitRequest(START_POLL)) {
                return false;
            }
        }
    }

    private static void ensureTopics(FreshetConfig config, String bootstrap, PrintWriter out) {
        List<TopicSpec> plan = Topics.plan(config);
        List<TopicSpec> created;
        try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
            created = admin.ensure(plan);
        }
        if (created.isEmpty()) {
            out.println("Topics: all " + plan.size() + " exist already");
        } else {
            String names = created.stream().map(TopicSpec::name).collect(Collectors.joining(", "));
            out.println("Created " + created.size() + " of " + plan.size() + " topics: " + names);
        }
        out.flush();
    }

    Pipeline pipeline() {
        return pipeline;
    }

    /** The online-store sink; null when a stop was requested before it started. */
    TileSink sink() {
        return sink;
    }

    /** The archiver of the offline store; null when a stop was requested before it started. */
    Archiver archiver() {
        return archiver;
    }

    /** The learners (label join, workers, serving models); null without models or when a stop came first. */
    Training training() {
        return training;
    }

    /** The bandits (reward join, policy workers, serving policies); null without bandits or when a stop came first. */
    BanditService bandits() {
        return bandits;
    }

    /** The Arrow Flight server; null when a stop was requested before it started. */
    TrainingSetFlightServer flight() {
        return flight;
    }

    /** The HTTP API; null when a stop was requested before it started. */
    ApiServer api() {
        return api;
    }

    /** The demo workload, when {@code --demo} asked for one. */
    DemoWorkload demo() {
        return demo;
    }

    /** Where clients reach Kafka: the embedded broker's address or the configured bootstrap servers. */
    String bootstrapServers() {
        return bootstrapServers;
    }

    /** Closes everything in the reverse order of start. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = closeAll(started);
        if (failure != null) {
            throw failure;
        }
    }

    /** Arrow memory still held at the end is a leak to report, not a reason to fail the stop. */
    private static void closeAllocator(BufferAllocator allocator) {
        try {
            allocator.close();
        } catch (IllegalStateException leaked) {
            LOG.warn("Arrow memory not released at stop: {}", leaked.getMessage());
        }
    }

    /** Closes what was started, last first; returns what the first close threw, with the later ones suppressed, or null. */
    private static RuntimeException closeAll(Deque<AutoCloseable> started) {
        RuntimeException failure = null;
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                RuntimeException r = e instanceof RuntimeException re ? re : new IllegalStateException("closing " + c + " failed", e);
                if (failure == null) {
                    failure = r;
                } else {
                    failure.addSuppressed(r);
                }
            }
        }
        return failure;
    }
}
