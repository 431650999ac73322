package dev.freshet.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code freshet version}: the same line as {@code freshet --version}. */
@Command(name = "version", description = "Print the version of Freshet.")
public final class VersionCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().println(Version.line());
    }
}
