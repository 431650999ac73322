package dev.freshet.app.cli;

import dev.freshet.core.config.FreshetConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code freshet validate}: loads the configuration and says whether it is valid. */
@Command(name = "validate",
        description = "Check the configuration: print what it defines, or every problem (one per line, on stderr, exit 1).")
public final class ValidateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConfigFileOption config;

    @Mixin
    private HelpOption help;

    @Override
    public Integer call() {
        return Failures.guard(spec, () -> {
            FreshetConfig loaded = config.load();
            spec.commandLine().getOut().println(config.displayName() + " is valid: " + ConfigSummary.of(loaded));
            return 0;
        });
    }
}
