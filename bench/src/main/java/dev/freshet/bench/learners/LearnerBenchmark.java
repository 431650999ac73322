package dev.freshet.bench.learners;

import dev.freshet.core.definition.LearnerOptions;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Accuracy and speed of Freshet's online learners (FTRL, Vowpal Wabbit) against MOA's Hoeffding
 * tree and SGD on the same binary streams, test-then-train: each example is scored, then learnt.
 *
 * <pre>
 * java -Xmx6g -cp bench/target/benchmarks.jar dev.freshet.bench.learners.LearnerBenchmark \
 *     [MOA-stream examples, 1000000] [CTR examples, 1000000] [CTR examples for MOA's Hoeffding tree, 0] \
 *     [streams, hyperplane,sea,agrawal,ctr]
 * </pre>
 *
 * Each stream is generated into memory once (as MOA instances and as our examples), then every
 * learner runs over the same examples in the same order, one after another on one thread. Per
 * (stream, learner) it reports the rate of the whole score-and-learn loop (examples/s, timed with
 * {@link System#nanoTime}; a throw-away learner first runs the first tenth of the stream, at most
 * 100,000 examples, to warm up the JIT), the whole-stream progressive accuracy (score &ge; 0.5 taken
 * as 1) and log loss (scores clipped to [1e-15, 1 - 1e-15]), and the accuracy's distance in points
 * from the best learner on that stream. The anchor row is the running positive rate, a model that knows no
 * input: on the skewed CTR stream every learner's accuracy is near it, and the log loss tells them apart.
 *
 * <p>MOA's Hoeffding tree is not run on the CTR stream by default: each split attempt evaluates a binary
 * split for every nominal value, at a cost that grows with the square of the number of values (100,000
 * users), so it did not get through 20,000 examples in ten minutes. Give a positive third argument to
 * run it on that many of the stream's first examples. MOA's SGD runs on all of it, but takes a nominal
 * attribute's value index as a number (it has no one-hot encoding), so its CTR figures are a floor, not
 * a fair comparison.
 */
public final class LearnerBenchmark {

    private static final double CLIP = 1e-15;

    /** One learner's figures on one stream. */
    private record Result(String stream, String learner, int examples, double examplesPerSecond, double accuracy, double logLoss) {
    }

    private LearnerBenchmark() {
    }

    public static void main(String[] args) {
        int moaExamples = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int ctrExamples = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int ctrTreeExamples = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        List<String> streams = Arrays.asList((args.length > 3 ? args[3] : "hyperplane,sea,agrawal,ctr").split(","));

        LearnerOptions.Ftrl ftrl = new LearnerOptions.Ftrl(0.1, 1.0, 0.0, 1.0, 20);
        LearnerOptions.Vw vw = new LearnerOptions.Vw("--loss_function logistic --adaptive --normalized --invariant -b 20");
        List<Contender.Kind> kinds = List.of(Contender.ours("Freshet FTRL", ftrl), Contender.ours("Freshet VW", vw),
                Contender.hoeffdingTree(), Contender.sgd(), Contender.baseRate());

        printSettings(moaExamples, ctrExamples, ctrTreeExamples, kinds);
        List<Result> results = new ArrayList<>();
        for (String name : streams) {
            LabelledStream stream = switch (name) {
                case "hyperplane" -> MoaStreams.hyperplane(moaExamples, 1);
                case "sea" -> MoaStreams.sea(moaExamples, 1);
                case "agrawal" -> MoaStreams.agrawal(moaExamples, 1);
                case "ctr" -> CtrStream.generate(ctrExamples, 1);
                default -> throw new IllegalArgumentException("unknown stream " + name + " (hyperplane, sea, agrawal, ctr)");
            };
            System.out.printf(Locale.ROOT, "%n%s: %,d examples, %.1f %% positive; %s%n", stream.name(), stream.size(),
                    100 * stream.positiveRate(), stream.description());
            for (Contender.Kind kind : kinds) {
                int n = kind.name().contains("HoeffdingTree") && name.equals("ctr") ? Math.min(ctrTreeExamples, stream.size()) : stream.size();
                if (n == 0) {
                    System.out.printf(Locale.ROOT, "  %-20s not run (see the class comment)%n", kind.name());
                    continue;
                }
                Result r = run(stream, kind, n);
                System.out.printf(Locale.ROOT, "  %-20s %,10d examples  %,12.0f examples/s  accuracy %.4f  log loss %.4f%n",
                        r.learner(), r.examples(), r.examplesPerSecond(), r.accuracy(), r.logLoss());
                results.add(r);
            }
        }
        printTable(results);
    }

    private static Result run(LabelledStream stream, Contender.Kind kind, int n) {
        int warmUp = Math.min(n / 10, 100_000);
        try (Contender c = kind.create().apply(stream)) {
            for (int k = 0; k < warmUp; k++) {
                c.learn(k);
            }
        }
        int[] labels = stream.labels();
        long correct = 0;
        double logLoss = 0;
        try (Contender c = kind.create().apply(stream)) {
            long start = System.nanoTime();
            for (int k = 0; k < n; k++) {
                double p = c.learn(k);
                int y = labels[k];
                correct += (p >= 0.5 ? 1 : 0) == y ? 1 : 0;
                double clipped = Math.min(1 - CLIP, Math.max(CLIP, p));
                logLoss -= y == 1 ? Math.log(clipped) : Math.log(1 - clipped);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(stream.name(), kind.name(), n, n / seconds, (double) correct / n, logLoss / n);
        }
    }

    private static void printSettings(int moaExamples, int ctrExamples, int ctrTreeExamples, List<Contender.Kind> kinds) {
        System.out.printf(Locale.ROOT, "LearnerBenchmark, %s%n", Instant.now());
        System.out.printf(Locale.ROOT, "machine: %s, %d processors, %s %s; JDK %s; JVM args %s; max heap %,d MiB%n", cpuModel(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), ManagementFactory.getRuntimeMXBean().getInputArguments(),
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "examples: %,d per MOA stream, %,d CTR (MOA's Hoeffding tree: the first %,d)%n", moaExamples,
                ctrExamples, ctrTreeExamples);
        for (Contender.Kind k : kinds) {
            System.out.printf(Locale.ROOT, "learner %s: %s%n", k.name(), k.settings());
        }
    }

    private static void printTable(List<Result> results) {
        System.out.println();
        System.out.println("| stream | learner | examples | examples/s | accuracy | Δ accuracy from best (points) | log loss |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            double best = results.stream().filter(o -> o.stream().equals(r.stream()) && !o.learner().startsWith("anchor"))
                    .mapToDouble(Result::accuracy).max().orElseThrow();
            System.out.printf(Locale.ROOT, "| %s | %s | %,d | %,.0f | %.4f | %+.2f | %.4f |%n", r.stream(), r.learner(), r.examples(),
                    r.examplesPerSecond(), r.accuracy(), 100 * (r.accuracy() - best), r.logLoss());
        }
    }

    private static String cpuModel() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse("unknown CPU");
        } catch (IOException | RuntimeException e) {
            return "unknown CPU";
        }
    }
}
