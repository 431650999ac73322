package dev.freshet.app.cli;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.Typos;
import dev.freshet.core.definition.LearnerKind;
import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.definition.VwOptionRules;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.Learners;
import dev.freshet.learners.OnlineLearner;
import dev.freshet.learners.validation.Metrics;
import dev.freshet.learners.validation.PageHinkley;
import dev.freshet.learners.validation.ProgressiveValidation;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code freshet evaluate-learner}: replays a file of labelled examples through a model's learner,
 * each example scored before it is learnt, and prints the progressive metrics: how users compare
 * learners and options before deploying them.
 */
@Command(name = "evaluate-learner",
        description = {"Replay labelled examples through a model's learner offline, each example predicted before it is learnt "
                + "(progressive validation), and print log loss, accuracy, AUC and calibration.",
                "Examples: a .jsonl file (training examples as on freshet.examples.<model>, or flat rows) or a .parquet file "
                + "(e.g. from `freshet training-set`); inputs are read from columns named view:feature, view__feature or feature, "
                + "context fields by name, the label from --label-column.",
                "--learner and --options try other learners and options than the configured ones."})
public final class EvaluateLearnerCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConfigFileOption config;

    @Mixin
    private HelpOption help;

    @Option(names = "--model", required = true, paramLabel = "NAME", description = "The model (of models: in the configuration).")
    private String model;

    @Option(names = "--examples", required = true, paramLabel = "FILE", description = "The examples: FILE.jsonl or FILE.parquet.")
    private Path examples;

    @Option(names = "--label-column", paramLabel = "NAME",
            description = "The column (or JSON member) with the label: true/false or 0..1. Default: label, or else the model's label field.")
    private String labelColumn;

    @Option(names = "--learner", paramLabel = "ftrl|vw", description = "Another learner than the configured one.")
    private String learner;

    @Option(names = "--options", paramLabel = "OPTIONS",
            description = "Other learner options: for ftrl \"alpha=0.1 beta=1 l1=0 l2=1 hash_bits=20 numbers=log\" (unnamed ones keep "
                    + "their defaults), for vw VW's own option string.")
    private String options;

    @Option(names = "--curve", paramLabel = "FILE.csv",
            description = "Also write the learning curve: the metrics every --every examples, as CSV.")
    private Path curve;

    @Option(names = "--every", paramLabel = "N", defaultValue = "10000",
            description = "How many examples between curve points and progress lines (default: ${DEFAULT-VALUE}).")
    private long every;

    @Option(names = "--window", paramLabel = "N", defaultValue = "10000",
            description = "How many recent examples the rolling metrics cover (default: ${DEFAULT-VALUE}).")
    private int window;

    @Override
    public Integer call() {
        return Failures.guard(spec, this::evaluate);
    }

    private int evaluate() throws IOException {
        FreshetConfig loaded = config.load();
        ModelDefinition m = loaded.model(model).orElseThrow(() -> {
            List<String> names = loaded.models().stream().map(ModelDefinition::name).toList();
            return new InvalidInputException("--model: " + config.displayName() + " has no model '" + model + "' (models: "
                    + (names.isEmpty() ? "none; add a models: section" : String.join(", ", names)) + Typos.hint(model, names) + ")");
        });
        if (every < 1 || window < 1) {
            throw new InvalidInputException("--every and --window must be at least 1");
        }
        LearnerOptions chosen = LearnerOptionsText.parse(learner, options, m.options());
        ExampleLayout layout = ExampleLayout.of(m);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String file = examples.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!file.endsWith(".jsonl") && !file.endsWith(".json") && !file.endsWith(".parquet")) {
            throw new InvalidInputException("--examples: " + examples + " is neither .jsonl nor .parquet");
        }
        if (Files.notExists(examples)) {
            throw new InvalidInputException("--examples: " + examples + ": no such file");
        }
        ProgressiveValidation validation = ProgressiveValidation.builder().window(window)
                .driftDetector(new PageHinkley(0.05, 100, 30, 1.0))
                .onDrift(e -> err.printf(Locale.ROOT, "drift: the log loss rose after %,d examples (rolling %.4f, about %.4f before)%n",
                        e.examplesSeen(), e.rollingLogLoss(), e.meanLossBefore()))
                .build();
        out.printf(Locale.ROOT, "Evaluating model %s with %s (%s) on %s%n", m.name(), chosen.kind().yamlName(),
                Learners.describe(chosen), examples);
        out.flush();
        long correct = 0;
        long start = System.nanoTime();
        try (BufferAllocator allocator = new RootAllocator();
             ExampleRows rows = open(allocator, layout, m, err);
             OnlineLearner l = Learners.create(chosen, layout);
             Writer curveOut = curve == null ? null : Files.newBufferedWriter(curve, StandardCharsets.UTF_8)) {
            if (curveOut != null) {
                curveOut.write("examples,cumulative_log_loss,log_loss,accuracy,auc,calibration,drifts\n");
            }
            Example example = layout.newExample();
            while (rows.next(example)) {
                double label = rows.label();
                double score = l.learn(example, label, 1);
                validation.record(score, label);
                if ((score >= 0.5) == (label >= 0.5)) {
                    correct++;
                }
                long n = l.examplesSeen();
                if (n % every == 0) {
                    Metrics now = validation.metrics();
                    if (curveOut != null) {
                        curveOut.write(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%d%n", n, now.cumulativeLogLoss(),
                                now.logLoss(), now.accuracy(), now.auc(), now.calibration(), now.drifts()));
                    }
                    err.printf(Locale.ROOT, "  %,d examples: log loss %.4f (last %,d: %.4f), AUC %.4f%n", n, now.cumulativeLogLoss(),
                            now.windowSize(), now.logLoss(), now.auc());
                    err.flush();
                }
            }
        } catch (UncheckedIOException e) {
            throw new InvalidInputException(e.getMessage());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Metrics end = validation.metrics();
        if (end.count() == 0) {
            throw new InvalidInputException("--examples: " + examples + " holds no examples");
        }
        out.printf(Locale.ROOT, "%,d examples in %.1f s (%,.0f examples/s)%n", end.count(), seconds, end.count() / seconds);
        out.printf(Locale.ROOT, "progressive log loss  %.4f (all examples)   %.4f (last %,d)%n", end.cumulativeLogLoss(), end.logLoss(),
                end.windowSize());
        out.printf(Locale.ROOT, "progressive accuracy  %.4f (all examples)   %.4f (last %,d)%n", (double) correct / end.count(),
                end.accuracy(), end.windowSize());
        out.printf(Locale.ROOT, "AUC                   %.4f (last %,d)%n", end.auc(), end.windowSize());
        out.printf(Locale.ROOT, "calibration           %.4f (mean score %.4f / mean label %.4f, last %,d)%n", end.calibration(),
                end.meanScore(), end.meanLabel(), end.windowSize());
        out.printf(Locale.ROOT, "drifts detected       %d%n", end.drifts());
        if (curve != null) {
            out.println("Learning curve written to " + curve);
        }
        out.flush();
        return 0;
    }

    private ExampleRows open(BufferAllocator allocator, ExampleLayout layout, ModelDefinition m, PrintWriter err) {
        String name = examples.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".parquet")) {
            String column = labelColumn;
            if (column == null) {
                boolean hasLabel = dev.freshet.offline.arrow.ParquetFiles.schema(allocator, examples).getFields().stream()
                        .anyMatch(f -> f.getName().equals("label"));
                column = hasLabel ? "label" : m.label().field();
            }
            ParquetExampleRows rows = new ParquetExampleRows(allocator, examples, layout, column);
            List<String> missing = rows.missingInputs(layout);
            if (!missing.isEmpty()) {
                err.println("note: " + examples + " has no column for " + String.join(", ", missing) + ": missing in every example");
            }
            return rows;
        }
        return new JsonlExampleRows(examples, layout, labelColumn != null ? labelColumn : "label");
    }

    /** Reads {@code --learner} and {@code --options} into learner options. */
    static final class LearnerOptionsText {

        private LearnerOptionsText() {
        }

        static LearnerOptions parse(String learnerName, String text, LearnerOptions configured) {
            LearnerKind kind = configured.kind();
            if (learnerName != null) {
                kind = LearnerKind.parse(learnerName).orElseThrow(() -> new InvalidInputException("--learner: '" + learnerName
                        + "' is not a learner (learners: ftrl, vw)"));
            }
            if (kind == LearnerKind.VW) {
                String args = text != null ? text : configured instanceof LearnerOptions.Vw v ? v.arguments() : LearnerOptions.Vw.DEFAULT_ARGUMENTS;
                List<String> problems = VwOptionRules.problems(args);
                if (!problems.isEmpty()) {
                    throw new InvalidInputException("--options: " + String.join("; ", problems));
                }
                return new LearnerOptions.Vw(args);
            }
            LearnerOptions.Ftrl base = configured instanceof LearnerOptions.Ftrl f ? f : LearnerOptions.Ftrl.defaults();
            if (text == null) {
                return base;
            }
            double alpha = base.alpha();
            double beta = base.beta();
            double l1 = base.l1();
            double l2 = base.l2();
            int bits = base.hashBits();
            LearnerOptions.Ftrl.Numbers numbers = base.numbers();
            for (String token : text.trim().split("[\\s,]+")) {
                if (token.isEmpty()) {
                    continue;
                }
                int eq = token.indexOf('=');
                String key = eq < 0 ? token : token.substring(0, eq);
                String value = eq < 0 ? "" : token.substring(eq + 1);
                try {
                    switch (key) {
                        case "alpha" -> alpha = Double.parseDouble(value);
                        case "beta" -> beta = Double.parseDouble(value);
                        case "l1" -> l1 = Double.parseDouble(value);
                        case "l2" -> l2 = Double.parseDouble(value);
                        case "hash_bits" -> bits = Integer.parseInt(value);
                        case "numbers" -> numbers = numbers(value);
                        default -> throw new InvalidInputException("--options: '" + key + "' is not an ftrl option (options: alpha, beta, "
                                + "l1, l2, hash_bits, numbers"
                                + Typos.hint(key, List.of("alpha", "beta", "l1", "l2", "hash_bits", "numbers")) + ")");
                    }
                } catch (NumberFormatException e) {
                    throw new InvalidInputException("--options: " + key + "=" + value + " is not a number");
                }
            }
            try {
                return new LearnerOptions.Ftrl(alpha, beta, l1, l2, bits, numbers);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("--options: " + e.getMessage());
            }
        }

        private static LearnerOptions.Ftrl.Numbers numbers(String value) {
            for (LearnerOptions.Ftrl.Numbers n : LearnerOptions.Ftrl.Numbers.values()) {
                if (n.yamlName().equals(value)) {
                    return n;
                }
            }
            throw new InvalidInputException("--options: numbers=" + value + " is not raw or log");
        }
    }
}
