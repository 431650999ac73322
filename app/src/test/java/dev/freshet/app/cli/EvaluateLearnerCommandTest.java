package dev.freshet.app.cli;

import dev.freshet.offline.arrow.ParquetFiles;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class EvaluateLearnerCommandTest {

    private static final int N = 20_000;

    @TempDir
    Path dir;

    private String config() {
        return Examples.write(dir, "freshet.yaml", """
                project: shop
                entities:
                  - {name: user, join_key: user_id}
                sources:
                  - name: clicks
                    timestamp_field: ts
                    schema: {user_id: string, item_id: string, ts: timestamp}
                  - name: purchases
                    timestamp_field: ts
                    schema: {prediction_id: string, purchased: boolean, ts: timestamp}
                feature_views:
                  - name: user_activity
                    entity: user
                    source: clicks
                    tile: 1m
                    features:
                      - {name: clicks_5m, function: count, window: 5m}
                      - {name: last_item, function: last, field: item_id}
                models:
                  - name: ctr
                    learner: ftrl
                    features: [user_activity:clicks_5m, user_activity:last_item]
                    context: [item_id]
                    interactions: [[last_item, item_id]]
                    label: {source: purchases, join_key: prediction_id, field: purchased, window: 30m}
                    options: {alpha: 0.1, l1: 0, l2: 0, hash_bits: 18}
                """);
    }

    /** Clicks make a purchase likelier, and an item bought again after viewing it most of all. */
    private static boolean label(SplittableRandom r, long clicks, String last, String item) {
        double margin = -2 + 0.3 * clicks + (last.equals(item) ? 2.5 : 0);
        return r.nextDouble() < 1 / (1 + Math.exp(-margin));
    }

    private Path jsonl() throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < N; i++) {
            long clicks = r.nextInt(8);
            String last = "i" + r.nextInt(5);
            String item = "i" + r.nextInt(5);
            boolean bought = label(r, clicks, last, item);
            if (i % 2 == 0) { // a training example as the label join writes it
                lines.append("{\"prediction_id\": \"p").append(i).append("\", \"model\": \"ctr\", \"model_version\": \"ctr-v1\", \"ts\": 1,")
                        .append(" \"entities\": {\"user_id\": \"u1\"}, \"inputs\": {\"user_activity:clicks_5m\": ").append(clicks)
                        .append(", \"user_activity:last_item\": \"").append(last).append("\", \"item_id\": \"").append(item)
                        .append("\"}, \"score\": 0.5, \"label\": ").append(bought ? 1.0 : 0.0).append(", \"labelled\": true, \"label_ts\": 2}\n");
            } else { // a flat row, features by short name
                lines.append("{\"clicks_5m\": ").append(clicks).append(", \"last_item\": \"").append(last).append("\", \"item_id\": \"")
                        .append(item).append("\", \"label\": ").append(bought).append("}\n");
            }
        }
        return Files.writeString(dir.resolve("examples.jsonl"), lines);
    }

    private static double number(String out, String name) {
        Matcher m = Pattern.compile(Pattern.quote(name) + "\\s+([0-9.]+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void replaysJsonLinesAndWritesTheLearningCurve() throws Exception {
        Path curve = dir.resolve("curve.csv");
        Cli cli = Cli.run("evaluate-learner", "--config", config(), "--model", "ctr", "--examples", jsonl().toString(),
                "--curve", curve.toString(), "--every", "5000");
        assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
        assertThat(cli.out()).contains("Evaluating model ctr with ftrl (alpha=0.1").contains("20,000 examples in");
        // the base rate's log loss on this stream is about 0.69; learning the clicks and the crossed item must beat it clearly
        assertThat(number(cli.out(), "progressive log loss")).isLessThan(0.6);
        assertThat(number(cli.out(), "AUC")).isGreaterThan(0.7);
        List<String> rows = Files.readAllLines(curve);
        assertThat(rows).hasSize(5).first().isEqualTo("examples,cumulative_log_loss,log_loss,accuracy,auc,calibration,drifts");
        assertThat(rows.get(4)).startsWith("20000,");
        assertThat(cli.err()).contains("5,000 examples: log loss");
    }

    @Test
    void comparesAnotherLearnerAndOtherOptions() throws Exception {
        Path examples = jsonl();
        Cli vw = Cli.run("evaluate-learner", "--config", config(), "--model", "ctr", "--examples", examples.toString(),
                "--learner", "vw", "--options", "--loss_function logistic -b 18 -q uc");
        assertThat(vw.exitCode()).as(vw.out() + vw.err()).isZero();
        assertThat(vw.out()).contains("with vw (--loss_function logistic -b 18 -q uc)");
        assertThat(number(vw.out(), "progressive log loss")).isLessThan(0.6);

        Cli slow = Cli.run("evaluate-learner", "--config", config(), "--model", "ctr", "--examples", examples.toString(),
                "--options", "alpha=0.001");
        assertThat(slow.exitCode()).as(slow.out() + slow.err()).isZero();
        assertThat(slow.out()).contains("alpha=0.001");
        Cli logScaled = Cli.run("evaluate-learner", "--config", config(), "--model", "ctr", "--examples", examples.toString(),
                "--options", "numbers=log");
        assertThat(logScaled.exitCode()).as(logScaled.out() + logScaled.err()).isZero();
        assertThat(logScaled.out()).contains("numbers=log");
        assertThat(number(slow.out(), "progressive log loss")).as("a learning rate 100 times smaller learns less in one pass")
                .isGreaterThan(number(Cli.run("evaluate-learner", "--config", config(), "--model", "ctr", "--examples",
                        examples.toString()).out(), "progressive log loss"));
    }

    @Test
    void replaysATrainingSetInParquet() throws Exception {
        Path file = dir.resolve("training.parquet");
        SplittableRandom r = new SplittableRandom(5);
        try (BufferAllocator allocator = new RootAllocator();
             BigIntVector clicks = new BigIntVector("clicks_5m", allocator);
             VarCharVector last = new VarCharVector("last_item", allocator);
             VarCharVector item = new VarCharVector("item_id", allocator);
             BitVector purchased = new BitVector("purchased", allocator)) {
            for (int i = 0; i < N; i++) {
                long c = r.nextInt(8);
                String l = "i" + r.nextInt(5);
                String it = "i" + r.nextInt(5);
                clicks.setSafe(i, c);
                last.setSafe(i, l.getBytes(StandardCharsets.UTF_8));
                item.setSafe(i, it.getBytes(StandardCharsets.UTF_8));
                purchased.setSafe(i, label(r, c, l, it) ? 1 : 0);
            }
            VectorSchemaRoot root = VectorSchemaRoot.of(clicks, last, item, purchased);
            root.setRowCount(N);
            ParquetFiles.write(allocator, root, file);
        }
        Cli cli = Cli.run("evaluate-learner", "--config", config(), "--model", "ctr", "--examples", file.toString());
        assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
        assertThat(cli.out()).contains("20,000 examples in");
        assertThat(number(cli.out(), "progressive log loss")).isLessThan(0.6);
    }

    @Test
    void badInputNamesWhatToFix() throws Exception {
        String config = config();
        Path examples = jsonl();
        Cli unknown = Cli.run("evaluate-learner", "--config", config, "--model", "ctrr", "--examples", examples.toString());
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("has no model 'ctrr' (models: ctr; did you mean ctr?)");

        Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"clicks_5m\": 1, \"label\": 1}\n{\"clicks_5m\": 2, \"label\": 3}\n");
        Cli label = Cli.run("evaluate-learner", "--config", config, "--model", "ctr", "--examples", bad.toString());
        assertThat(label.exitCode()).isEqualTo(1);
        assertThat(label.err()).contains("bad.jsonl:2: the label (label) is 3.0, but a label is from 0 to 1");

        Cli options = Cli.run("evaluate-learner", "--config", config, "--model", "ctr", "--examples", examples.toString(),
                "--options", "alpah=0.1");
        assertThat(options.exitCode()).isEqualTo(1);
        assertThat(options.err()).contains("'alpah' is not an ftrl option").contains("did you mean alpha?");
        Cli numbers = Cli.run("evaluate-learner", "--config", config, "--model", "ctr", "--examples", examples.toString(),
                "--options", "numbers=logs");
        assertThat(numbers.exitCode()).isEqualTo(1);
        assertThat(numbers.err()).contains("--options: numbers=logs is not raw or log");

        Cli vwOptions = Cli.run("evaluate-learner", "--config", config, "--model", "ctr", "--examples", examples.toString(),
                "--learner", "vw", "--options", "-d data.txt");
        assertThat(vwOptions.exitCode()).isEqualTo(1);
        assertThat(vwOptions.err()).contains("--options:");

        Cli missing = Cli.run("evaluate-learner", "--config", config, "--model", "ctr", "--examples", dir.resolve("none.jsonl").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("none.jsonl: no such file");
    }
}
