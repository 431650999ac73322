package dev.freshet.app.cli;

import dev.freshet.core.config.FreshetConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code freshet run}: validates the configuration and prints what running it means. The broker,
 * the pipeline, the stores and the API do not exist yet, so this version says so instead of
 * pretending to start them.
 */
@Command(name = "run",
        description = {"Run Freshet on the configuration: the Kafka broker (embedded unless the configuration names "
                + "bootstrap servers), the streaming pipeline, the online and offline stores and the HTTP API.",
                "This version validates the configuration and prints that plan; it does not start anything yet."})
public final class RunCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConfigFileOption config;

    @Option(names = "--demo", description = "Add a synthetic demo workload (comes with the streaming pipeline, in a later version).")
    private boolean demo;

    @Override
    public Integer call() {
        return Failures.guard(spec, () -> {
            FreshetConfig loaded = config.load();
            PrintWriter out = spec.commandLine().getOut();
            out.println(config.displayName() + " is valid: " + ConfigSummary.of(loaded.definitions()));
            out.println();
            RunPlan.print(loaded, out);
            out.println();
            if (demo) {
                out.println("--demo: the demo workload comes with the streaming pipeline; this version has nothing to generate.");
            }
            out.println("Nothing was started. This build only validates the configuration and shows the plan above:");
            out.println("the Kafka broker, the streaming pipeline, the online and offline stores and the HTTP API");
            out.println("are not started by this version.");
            return 0;
        });
    }
}
