package dev.freshet.app.cli;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Durations;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.ModelDefinition;
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
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code freshet run}: prints the plan, starts the embedded broker (unless the configuration names
 * an external cluster), creates the missing topics, runs the streaming pipeline, the online store
 * with its sink and the HTTP API (and with {@code --demo} a synthetic workload), and prints a status
 * line while it runs; on Ctrl-C or SIGTERM stops them in the reverse order. The offline store does
 * not exist yet, and it says so.
 */
@Command(name = "run",
        description = {"Run Freshet on the configuration: the Kafka broker (embedded unless the configuration names "
                + "bootstrap servers), Freshet's topics, the streaming pipeline, which validates the sources' events "
                + "(invalid ones go to freshet.dlq with the reason) and keeps the tiles of the feature views, the online "
                + "store filled from those tiles, the HTTP API that serves feature values (POST /get-online-features), "
                + "the archiver that keeps every valid event as Parquet for training sets, and the Arrow Flight server "
                + "that streams them. Runs until Ctrl-C, then stops everything cleanly; a restart resumes from the data directories.",
                "Without --config and without ./freshet.yaml it runs the bundled example configuration."})
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

    @Option(names = "--demo", description = "Also run a synthetic workload (about " + DemoWorkload.EVENTS_PER_SECOND
            + " events/s of " + DemoWorkload.ENTITIES + " users to every source's topic; with models and bandits, as many predictions "
            + "and decisions a second, some answered with a label or a reward), so that features move and models learn within seconds.")
    private boolean demo;

    // Hidden: for tests, which should not wait 10 s for a status line.
    @Option(names = "--status-interval", hidden = true, paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class, description = "How often to print the status line when it changed.")
    private Duration statusInterval;

    /** Kafka Streams settings over Freshet's; tests shorten the consumer group's session timeout. */
    Map<String, Object> pipelineSettings = Map.of();

    /** The clock of lookups and of the demo's event times; tests move it. */
    Clock clock = Clock.systemUTC();

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
        if (config.usesBundledExample()) {
            out.println(ConfigFileOption.bundledNotice());
        }
        out.println(config.displayName() + " is valid: " + ConfigSummary.of(loaded));
        out.println();
        RunPlan.print(loaded, out);
        out.println();
        out.flush();
        stop.installHook(out);
        Optional<Throwable> failure;
        RunStack.Options options = new RunStack.Options(pipelineSettings, clock, demo);
        try (RunStack stack = RunStack.start(loaded, config.displayName(), options, stop, out)) {
            if (!stop.isRequested()) {
                printRunning(loaded, stack, out);
                running.countDown();
            }
            failure = watch(stack, loaded.definitions(), out);
        }
        out.println("Stopped.");
        out.flush();
        if (failure.isPresent()) {
            throw new FreshetException("Freshet stopped on an error: " + describe(failure.get())
                    + " (the log above has the details)", failure.get());
        }
        return 0;
    }

    private void printRunning(FreshetConfig loaded, RunStack stack, PrintWriter out) {
        Definitions definitions = loaded.definitions();
        String bootstrap = stack.bootstrapServers();
        String url = stack.api().url();
        out.println();
        out.println("Freshet is running. Kafka: " + bootstrap + "   API: " + url);
        for (Source source : definitions.sources()) {
            List<String> uses = new ArrayList<>();
            List<FeatureView> views = definitions.viewsOf(source);
            if (!views.isEmpty()) {
                uses.add("become features of " + names(views.stream().map(FeatureView::name)));
            }
            List<String> models = loaded.models().stream().filter(m -> m.label().source().equals(source.name()))
                    .map(ModelDefinition::name).toList();
            if (!models.isEmpty()) {
                uses.add("label the predictions of " + names(models.stream()));
            }
            List<String> bandits = loaded.bandits().stream().filter(b -> b.reward().source().equals(source.name()))
                    .map(BanditDefinition::name).toList();
            if (!bandits.isEmpty()) {
                uses.add("reward the decisions of " + names(bandits.stream()));
            }
            out.println("Events of " + source.name() + " " + (uses.isEmpty() ? "are validated and archived" : String.join(", and ", uses))
                    + " as they arrive.");
        }
        String configArg = config.usesBundledExample() || config.displayName().equals(ConfigFileOption.DEFAULT_FILE)
                ? "" : "--config " + config.displayName() + " ";
        definitions.sources().stream().findFirst().ifPresent(source ->
                out.println("  send events:   freshet produce " + configArg + "--source " + source.name() + " --file events.jsonl"));
        definitions.featureViews().stream().findFirst().ifPresent(view -> {
            String features = view.features().stream().limit(3).map(f -> view.name() + ":" + f.name()).collect(Collectors.joining(","));
            String joinKey = definitions.entityOf(view).joinKey();
            String entity = demo ? DemoWorkload.sampleEntity() : "u1";
            out.println("  look up:       freshet lookup " + configArg + "--features " + features + " --entity " + joinKey + "=" + entity);
            out.println("  over HTTP:     curl -s " + url + "/get-online-features -d '{\"features\": [\""
                    + view.name() + ":" + view.features().get(0).name() + "\"], \"entities\": {\"" + joinKey + "\": [\"" + entity + "\"]}}'");
        });
        out.println("  health, metrics, registry: " + url + "/health, /metrics, /registry");
        out.println("  dead letters:  kcat -b " + bootstrap + " -t " + Topics.DLQ + " -C -J   (the reason is in the headers)");
        definitions.featureViews().stream().findFirst().ifPresent(view -> out.println("  training set:  freshet training-set "
                + configArg + "--spine labels.csv --features " + view.name() + ":" + view.features().get(0).name()
                + " --out training.parquet   (or pull it through Arrow Flight at " + stack.flight().uri() + ")"));
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
    private Optional<Throwable> watch(RunStack stack, Definitions definitions, PrintWriter out) throws InterruptedException {
        Pipeline pipeline = stack.pipeline();
        PipelineStatus shown = PipelineStatus.none(definitions);
        long nextStatus = System.nanoTime() + statusInterval.toNanos();
        while (!stop.awaitRequest(POLL)) {
            if (!pipeline.state().isRunningOrRebalancing()) {
                return Optional.of(pipeline.failure().orElseGet(() ->
                        new IllegalStateException("the pipeline went to state " + pipeline.state())));
            }
            if (stack.sink() != null && stack.sink().failure().isPresent()) {
                return Optional.of(new IllegalStateException("the online-store sink stopped: " + stack.sink().failure().get().getMessage(),
                        stack.sink().failure().get()));
            }
            if (stack.archiver() != null && stack.archiver().failure().isPresent()) {
                return Optional.of(new IllegalStateException("the offline-store archiver stopped: "
                        + stack.archiver().failure().get().getMessage(), stack.archiver().failure().get()));
            }
            if (System.nanoTime() - nextStatus >= 0) {
                nextStatus = System.nanoTime() + statusInterval.toNanos();
                PipelineStatus now = PipelineStatus.of(pipeline, stack.sink(), stack.archiver(), definitions)
                        .learning(stack.training(), stack.bandits());
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
