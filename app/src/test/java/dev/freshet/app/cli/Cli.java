package dev.freshet.app.cli;

import dev.freshet.app.Main;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** One in-process run of the freshet command: its exit code and what it printed. */
record Cli(int exitCode, String out, String err) {

    static Cli run(String... args) {
        return run(new CommandLine(new Main()), args);
    }

    static Cli run(CommandLine commandLine, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = commandLine.setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Cli(exitCode, out.toString(), err.toString());
    }

    List<String> outLines() {
        return out.lines().toList();
    }

    List<String> errLines() {
        return err.lines().toList();
    }
}
