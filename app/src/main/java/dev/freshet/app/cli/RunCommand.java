package dev.freshet.app.cli;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Durations;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.Source;
import dev.freshet.core.error.FreshetException;
import dev.freshet.features.Pipeline;
import dev.freshet.ingest.topic.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code freshet run}: prints the plan, starts the embedded broker (unless the configuration names
 * an external cluster), creates the missing topics, runs the streaming pipeline and prints a status
 * line while it runs; on Ctrl-C stops the pipeline, then the broker. The online and offline stores
 * and the HTTP API do not exist yet, and it says so.
 */
@Command(name = "run",
        description = {"Run Freshet on the configuration: the Kafka broker (embedded unless the configuration names "
                + "bootstrap servers), Freshet's topics and the streaming pipeline, which validates the sources' events "
                + "(invalid ones go to freshet.dlq with the reason) and keeps the tiles of the feature views on "
                + "freshet.tiles.<view>. Runs until Ctrl-C, then stops the pipeline and the broker cleanly.",
                "The online and offline stores and the HTTP API come in the next release; this version does not start them."})
public final class RunCommand implements Callable<Integer> {

    /** How often the run checks for a stop request or a failed pipeline. */
    private static final Duration POLL = Duration.ofMillis(200);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConfigFileOption config;

    @Mixin
    private HelpOption help;

    @Option(names = "--demo", description = "Add a synthetic demo workload (comes in a later version).")
    private boolean demo;

    // Hidden: for tests, which should not wait 10 s for a status line.
    @Option(names = "--status-interval", hidden = true, paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class, description = "How often to print the status line when it changed.")
    private Duration statusInterval;

    /** Kafka Streams settings over Freshet's; tests shorten the consumer group's session timeout. */
    Map<String, Object> pipelineSettings = Map.of();

    private final StopSignal stop = new StopSignal();
    private final CountDownLatch running = new CountDownLatch(1);

    @Override
    public Integer call() {
        int code = Failures.guard(spec, this::run);
        stop.finished(code);
        return code;
    }

    /** Asks a running (or starting) run to stop as Ctrl-C does; for tests. */
    void stop() {
        stop.request();
    }

    /** Waits until the run has started everything and printed that it runs; for tests. */
    boolean awaitRunning(Duration timeout) throws InterruptedException {
        return running.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private int run() throws InterruptedException {
        FreshetConfig loaded = config.load();
        PrintWriter out = spec.commandLine().getOut();
        out.println(config.displayName() + " is valid: " + ConfigSummary.of(loaded.definitions()));
        out.println();
        RunPlan.print(loaded, out);
        out.println();
        if (demo) {
            out.println("--demo: the demo workload comes in a later version; running without it.");
        }
        out.flush();
        stop.installHook(out);
        Optional<Throwable> failure;
        try (RunStack stack = RunStack.start(loaded, config.displayName(), pipelineSettings, stop, out)) {
            if (!stop.isRequested()) {
                printRunning(loaded, stack.bootstrapServers(), out);
                running.countDown();
            }
            failure = watch(stack.pipeline(), loaded.definitions(), out);
        }
        out.println("Stopped.");
        out.flush();
        if (failure.isPresent()) {
            throw new FreshetException("the streaming pipeline stopped on an error: " + describe(failure.get())
                    + " (the log above has the details)", failure.get());
        }
        return 0;
    }

    private void printRunning(FreshetConfig loaded, String bootstrap, PrintWriter out) {
        Definitions definitions = loaded.definitions();
        out.println();
        out.println("Freshet is running on Kafka at " + bootstrap + ": events of " + names(definitions.sources().stream().map(Source::name))
                + " become tiles of " + names(definitions.featureViews().stream().map(FeatureView::name)) + " as they arrive.");
        String configArg = config.displayName().equals(ConfigFileOption.DEFAULT_FILE) ? "" : "--config " + config.displayName() + " ";
        definitions.sources().stream().findFirst().ifPresent(source ->
                out.println("  send events:  freshet produce " + configArg + "--source " + source.name() + " --file events.jsonl"));
        definitions.featureViews().stream().findFirst().ifPresent(view ->
                out.println("  watch tiles:  kcat -b " + bootstrap + " -t " + Topics.tiles(view.name()) + " -C -f '%k\\n'"
                        + "   (keys view|tile start|entity; values are binary tiles)"));
        out.println("  dead letters: kcat -b " + bootstrap + " -t " + Topics.DLQ + " -C -J   (the reason is in the headers)");
        out.println("Not in this version: the online store, the HTTP API and the offline store come in the next release;");
        out.println("until then the features exist only as tiles on the freshet.tiles.* topics.");
        out.println("A status line every " + Durations.format(statusInterval) + " when something changed. Ctrl-C to stop.");
        out.flush();
    }

    private static String names(Stream<String> names) {
        return names.collect(Collectors.joining(", "));
    }

    /**
     * Prints the status line when it changed, until a stop is requested (empty) or the pipeline
     * stops by itself (its failure).
     */
    private Optional<Throwable> watch(Pipeline pipeline, Definitions definitions, PrintWriter out) throws InterruptedException {
        PipelineStatus shown = PipelineStatus.none(definitions);
        long nextStatus = System.nanoTime() + statusInterval.toNanos();
        while (!stop.awaitRequest(POLL)) {
            if (!pipeline.state().isRunningOrRebalancing()) {
                return Optional.of(pipeline.failure().orElseGet(() ->
                        new IllegalStateException("the pipeline went to state " + pipeline.state())));
            }
            if (System.nanoTime() - nextStatus >= 0) {
                nextStatus = System.nanoTime() + statusInterval.toNanos();
                PipelineStatus now = PipelineStatus.of(pipeline, definitions);
                if (!now.equals(shown)) {
                    out.println(LocalTime.now().format(TIME) + "  " + now.line());
                    out.flush();
                    shown = now;
                }
            }
        }
        return Optional.empty();
    }

    /** The first line of the failure's message and of its root cause's: Kafka Streams' messages can hold a whole stack trace. */
    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String outer = firstLine(failure);
        return root == failure ? outer : outer + " (caused by " + firstLine(root) + ")";
    }

    private static String firstLine(Throwable t) {
        String message = t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse("");
        return message.isEmpty() ? t.getClass().getName() : t.getClass().getSimpleName() + ": " + message;
    }
}
