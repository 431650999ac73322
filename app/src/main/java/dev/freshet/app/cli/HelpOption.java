package dev.freshet.app.cli;

import picocli.CommandLine.Option;

/** {@code -h, --help} on a subcommand, so that {@code freshet produce --help} works as well as {@code freshet help produce}. */
final class HelpOption {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;
}
