package dev.freshet.app.cli;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.Typos;
import dev.freshet.core.config.KafkaConfig;
import dev.freshet.core.definition.Source;
import dev.freshet.core.error.InvalidInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code freshet produce}: sends the lines of a file (or of stdin) to a source's raw topic, one
 * record per non-blank line, with a progress bar and a summary.
 */
@Command(name = "produce",
        description = {"Send events to the raw topic of a source: each non-blank line of the file (or of standard input) "
                + "becomes one record, the line its value, with no key.",
                "Lines should be JSON objects. They are not checked here: the pipeline of `freshet run` validates each "
                + "against the source's schema, and sends the invalid ones to freshet.dlq with the reason.",
                "Kafka is the configuration's: the embedded broker of a running `freshet run` (127.0.0.1:<kafka.embedded.port>), "
                + "or kafka.bootstrap_servers."})
public final class ProduceCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConfigFileOption config;

    @Mixin
    private HelpOption help;

    @Option(names = {"-s", "--source"}, required = true, paramLabel = "NAME",
            description = "The source whose raw topic receives the events.")
    private String source;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "UTF-8 text, one JSON event per line. Absent or -: standard input.")
    private String file;

    /** Standard input; tests replace it. */
    InputStream stdin = System.in;

    @Override
    public Integer call() {
        return Failures.guard(spec, this::produce);
    }

    private int produce() {
        FreshetConfig loaded = config.load();
        Source target = source(loaded);
        String bootstrap = BootstrapProbe.bootstrapServers(loaded.kafka());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (EventLines lines = EventLines.open(file, stdin);
             RawTopicProducer producer = RawTopicProducer.open(bootstrap, target.topic(), unreachableHint(loaded.kafka()), lines.name())) {
            lines.maxLineBytes(producer.maxMessageBytes());
            if (lines.isStdin() && Terminal.isTerminal(Terminal.STDIN)) {
                err.println("Reading events from standard input, one JSON object per line; end with Ctrl-D (or give --file FILE).");
                err.flush();
            }
            long start = System.nanoTime();
            Progress progress = Terminal.isTerminal(Terminal.STDERR)
                    ? Progress.bar(err, lines.size(), System::nanoTime)
                    : Progress.lines(err, lines.size(), System::nanoTime);
            try {
                byte[] value;
                while ((value = next(lines, producer)) != null) {
                    producer.send(value, lines.lineNumber());
                    progress.update(producer.sent(), lines.bytesRead());
                }
                producer.flush();
            } finally {
                progress.finish();
            }
            long elapsed = System.nanoTime() - start;
            out.println(String.format(Locale.ROOT, "Sent %s (%s bytes) from %s to topic %s in %.1f s: %s records/s; %s skipped.",
                    Counts.plural(producer.acknowledged(), "record"), Counts.grouped(producer.bytesSent()), lines.name(),
                    target.topic(), elapsed / 1e9, Progress.rate(producer.acknowledged(), elapsed),
                    Counts.plural(lines.blankLines(), "blank line")));
            return 0;
        }
    }

    /** The next line; a line that cannot be sent stops the run once the lines before it are acknowledged. */
    private static byte[] next(EventLines lines, RawTopicProducer producer) {
        String problem;
        InvalidInputException cause = null;
        try {
            return lines.next();
        } catch (EventLines.LineTooLong e) {
            problem = producer.tooLarge(e.lineNumber, e.bytes);
        } catch (InvalidInputException e) {
            problem = e.getMessage();
            cause = e;
        }
        producer.flush();
        long sent = producer.acknowledged();
        throw new InvalidInputException(problem + "; nothing from that line on was sent, the "
                + Counts.plural(sent, "record") + " before it " + (sent == 1 ? "was" : "were"), cause);
    }

    private Source source(FreshetConfig loaded) {
        return loaded.definitions().source(source).orElseThrow(() -> {
            List<String> names = loaded.definitions().sources().stream().map(Source::name).toList();
            String hint = Typos.closest(source, names).map(n -> "; did you mean " + n + "?").orElse("");
            return new InvalidInputException(config.displayName() + " has no source " + source + " (its sources: "
                    + String.join(", ", names) + ")" + hint);
        });
    }

    private String unreachableHint(KafkaConfig kafka) {
        return kafka.isEmbedded()
                ? "is `freshet run` running? freshet produce sends to the embedded broker it starts (kafka.embedded.port "
                        + kafka.embedded().port() + " in " + config.displayName() + ")"
                : "check kafka.bootstrap_servers in " + config.displayName();
    }
}
