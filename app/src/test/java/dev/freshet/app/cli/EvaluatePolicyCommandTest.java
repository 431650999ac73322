package dev.freshet.app.cli;

import dev.freshet.bandits.stream.DecisionJson;
import dev.freshet.bandits.stream.DecisionRecord;
import dev.freshet.bandits.stream.Outcome;
import dev.freshet.offline.arrow.ParquetFiles;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/**
 * {@code freshet evaluate-policy} on a synthetic log: a uniform logging policy over three actions
 * whose rewards are Bernoulli with a mean per action and device, so the best policy (b on iOS, a on
 * Android) earns 0.75 while the log earns about 0.42.
 */
class EvaluatePolicyCommandTest {

    private static final int N = 3_000;
    private static final List<String> ACTIONS = List.of("a", "b", "c");
    private static final double LOGGED_MEAN = (0.2 + 0.8 + 0.3 + 0.7 + 0.2 + 0.3) / 6;
    private static final String LIN_UCB = "{\"policy\": \"lin_ucb\", \"options\": {\"alpha\": 0.5}}";

    @TempDir
    Path dir;

    private String config(boolean bandit) {
        return Examples.write(dir, "freshet.yaml", """
                project: deciding
                entities:
                  - {name: user, join_key: user_id}
                sources:
                  - name: rewards
                    timestamp_field: ts
                    schema: {decision_id: string, reward: double, ts: timestamp}
                """ + (bandit ? """
                bandits:
                  - name: homepage
                    policy: lin_ucb
                    actions: [a, b, c]
                    context: [device, x]
                    reward: {source: rewards, join_key: decision_id, field: reward, window: 30s, default: 0}
                """ : ""));
    }

    private static double mean(String action, String device) {
        return switch (action) {
            case "a" -> device.equals("ios") ? 0.2 : 0.7;
            case "b" -> device.equals("ios") ? 0.8 : 0.2;
            default -> 0.3;
        };
    }

    /** One logged decision of the uniform policy: device, noise x, action and reward. */
    private record Row(String device, double x, String action, double reward) {
    }

    private static List<Row> rows(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return IntStream.range(0, N).mapToObj(i -> {
            String device = r.nextBoolean() ? "ios" : "android";
            double x = r.nextDouble();
            String action = ACTIONS.get(r.nextInt(ACTIONS.size()));
            return new Row(device, x, action, r.nextDouble() < mean(action, device) ? 1 : 0);
        }).toList();
    }

    private static String outcomeLine(int i, Row row) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("device", row.device());
        inputs.put("x", row.x());
        DecisionRecord d = new DecisionRecord("d" + i, "homepage", "homepage-v0", 1_700_000_000_000L + i, Map.of("user_id", "u" + i % 50),
                inputs, ACTIONS, List.of(1 / 3.0, 1 / 3.0, 1 / 3.0), row.action(), 1 / 3.0);
        return new String(DecisionJson.encode(new Outcome(d, row.reward(), 1, d.timestamp() + 1_000)), StandardCharsets.UTF_8);
    }

    private Path jsonl() throws Exception {
        List<Row> rows = rows(3);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            lines.append(outcomeLine(i, rows.get(i))).append('\n');
        }
        return Files.writeString(dir.resolve("outcomes.jsonl"), lines);
    }

    private static double number(String out, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\s+(-?[0-9.]+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static final Pattern ROW = Pattern.compile(
            "(?m)^(IPS|SNIPS|DM|DR)\\s+(-?[0-9.]+)\\s+\\[\\s*(-?[0-9.]+),\\s*(-?[0-9.]+)]\\s+\\[\\s*(-?[0-9.]+),\\s*(-?[0-9.]+)]$");

    /** Each estimator's line: the estimate, then the normal and the bootstrap intervals, each around it. */
    private static Map<String, double[]> estimates(String out) {
        Map<String, double[]> found = new LinkedHashMap<>();
        Matcher m = ROW.matcher(out);
        while (m.find()) {
            double[] v = new double[5];
            for (int g = 0; g < 5; g++) {
                v[g] = Double.parseDouble(m.group(g + 2));
            }
            found.put(m.group(1), v);
        }
        assertThat(found).as(out).containsOnlyKeys("IPS", "SNIPS", "DM", "DR");
        found.forEach((name, v) -> {
            assertThat(v[1]).as(name + " normal interval\n" + out).isLessThanOrEqualTo(v[0]);
            assertThat(v[2]).as(name + " normal interval\n" + out).isGreaterThanOrEqualTo(v[0]);
            assertThat(v[3]).as(name + " bootstrap interval\n" + out).isLessThan(v[4]);
        });
        return found;
    }

    @Test
    void estimatesALearningPolicyFromJsonLines() throws Exception {
        Cli cli = Cli.run("evaluate-policy", "--config", config(true), "--log", jsonl().toString(), "--policy", LIN_UCB,
                "--bootstrap", "100");
        assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
        String out = cli.out();
        assertThat(out).contains("Policy lin_ucb (").contains("on 3,000 logged decisions of bandit homepage");
        assertThat(out).containsPattern("effective sample size\\s+[0-9,]+ of 3,000 \\(largest weight [0-9.]+\\)");
        assertThat(out).containsPattern("95 % normal\\s+95 % bootstrap");
        double logged = number(out, "logged policy's mean reward");
        assertThat(logged).isCloseTo(LOGGED_MEAN, offset(0.03));
        Map<String, double[]> estimates = estimates(out);
        // a policy that learns the device's best action earns up to 0.75; the log's uniform choices earn about 0.42
        assertThat(estimates.get("IPS")[0]).as(out).isGreaterThan(logged + 0.1);
        assertThat(estimates.get("DR")[0]).as(out).isGreaterThan(logged + 0.1);
        assertThat(estimates.get("IPS")[1]).as("the IPS interval's lower end is above the logged mean\n" + out).isGreaterThan(logged);
    }

    @Test
    void theLogsPolicyIsEstimatedAtTheLoggedMean() throws Exception {
        // epsilon 1: uniform over the candidates, the logging policy itself; IPS must then agree with the logged mean
        Cli cli = Cli.run("evaluate-policy", "--config", config(true), "--log", jsonl().toString(), "--policy",
                "{\"policy\": \"epsilon_greedy\", \"options\": {\"epsilon\": 1}}", "--bootstrap", "100");
        assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
        double logged = number(cli.out(), "logged policy's mean reward");
        assertThat(estimates(cli.out()).get("IPS")[0]).isCloseTo(logged, offset(1e-3));
        assertThat(cli.out()).contains("effective sample size        3,000 of 3,000 (largest weight 1.00)");
    }

    @Test
    void readsALogInParquet() throws Exception {
        Path file = dir.resolve("outcomes.parquet");
        List<Row> rows = rows(5);
        try (BufferAllocator allocator = new RootAllocator();
             VarCharVector device = new VarCharVector("device", allocator);
             Float8Vector x = new Float8Vector("x", allocator);
             VarCharVector candidates = new VarCharVector("candidates", allocator);
             VarCharVector action = new VarCharVector("action", allocator);
             Float8Vector probability = new Float8Vector("probability", allocator);
             Float8Vector reward = new Float8Vector("reward", allocator)) {
            for (int i = 0; i < rows.size(); i++) {
                Row row = rows.get(i);
                device.setSafe(i, row.device().getBytes(StandardCharsets.UTF_8));
                x.setSafe(i, row.x());
                candidates.setSafe(i, "a, b,c".getBytes(StandardCharsets.UTF_8));
                action.setSafe(i, row.action().getBytes(StandardCharsets.UTF_8));
                probability.setSafe(i, 1 / 3.0);
                reward.setSafe(i, row.reward());
            }
            VectorSchemaRoot root = VectorSchemaRoot.of(device, x, candidates, action, probability, reward);
            root.setRowCount(rows.size());
            ParquetFiles.write(allocator, root, file);
        }
        Cli cli = Cli.run("evaluate-policy", "--config", config(true), "--log", file.toString(), "--policy", LIN_UCB, "--bootstrap", "100");
        assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
        assertThat(cli.out()).contains("on 3,000 logged decisions of bandit homepage");
        double logged = number(cli.out(), "logged policy's mean reward");
        assertThat(estimates(cli.out()).get("IPS")[0]).as(cli.out()).isGreaterThan(logged + 0.1);
    }

    @Test
    void aParquetRowThatCannotBeUsedIsNamed() throws Exception {
        Path file = dir.resolve("bad.parquet");
        try (BufferAllocator allocator = new RootAllocator();
             VarCharVector candidates = new VarCharVector("candidates", allocator);
             VarCharVector action = new VarCharVector("action", allocator);
             Float8Vector probability = new Float8Vector("probability", allocator);
             Float8Vector reward = new Float8Vector("reward", allocator)) {
            for (int i = 0; i < 2; i++) {
                candidates.setSafe(i, "a,b,c".getBytes(StandardCharsets.UTF_8));
                action.setSafe(i, "b".getBytes(StandardCharsets.UTF_8));
                probability.setSafe(i, i == 0 ? 1 / 3.0 : 0);
                reward.setSafe(i, 1);
            }
            VectorSchemaRoot root = VectorSchemaRoot.of(candidates, action, probability, reward);
            root.setRowCount(2);
            ParquetFiles.write(allocator, root, file);
        }
        Cli cli = Cli.run("evaluate-policy", "--config", config(true), "--log", file.toString(), "--policy", LIN_UCB);
        assertThat(cli.exitCode()).isEqualTo(1);
        assertThat(cli.err()).contains("bad.parquet row 2: probability 0.0 is not in (0, 1]");
    }

    @Test
    void badInputNamesWhatToFix() throws Exception {
        String config = config(true);
        String log = jsonl().toString();

        Cli unknown = Cli.run("evaluate-policy", "--config", config, "--log", log, "--policy", "{\"policy\": \"lin_ucbb\"}");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("--policy \"policy\": \"lin_ucbb\" is not a policy (policies: epsilon_greedy, ucb1, thompson, "
                + "lin_ucb, lin_ts, vw_cb; did you mean lin_ucb?)");

        Cli option = Cli.run("evaluate-policy", "--config", config, "--log", log, "--policy", "{\"policy\": \"lin_ucb\", \"options\": {\"alpah\": 1}}");
        assertThat(option.exitCode()).isEqualTo(1);
        assertThat(option.err()).contains("--policy \"alpah\" is not a policy option").contains("did you mean alpha?");

        Cli value = Cli.run("evaluate-policy", "--config", config, "--log", log, "--policy", "{\"policy\": \"lin_ucb\", \"options\": {\"alpha\": -1}}");
        assertThat(value.exitCode()).isEqualTo(1);
        assertThat(value.err()).contains("--policy alpha must be non-negative");

        Cli notNumber = Cli.run("evaluate-policy", "--config", config, "--log", log, "--policy",
                "{\"policy\": \"epsilon_greedy\", \"options\": {\"epsilon\": \"much\"}}");
        assertThat(notNumber.exitCode()).isEqualTo(1);
        assertThat(notNumber.err()).contains("--policy option epsilon is not a number");

        Cli fraction = Cli.run("evaluate-policy", "--config", config, "--log", log, "--policy",
                "{\"policy\": \"lin_ucb\", \"options\": {\"hash_buckets\": 8.5}}");
        assertThat(fraction.exitCode()).as("a fraction of a bucket is not truncated").isEqualTo(1);
        assertThat(fraction.err()).contains("--policy option hash_buckets is 8.5, not an integer");

        Cli form = Cli.run("evaluate-policy", "--config", config, "--log", log, "--policy",
                "{\"policy\": \"lin_ucb\", \"options\": {\"form\": {\"shared\": true}}}");
        assertThat(form.exitCode()).isEqualTo(1);
        assertThat(form.err()).contains("--policy option form is not a string");

        Cli fewRefits = Cli.run("evaluate-policy", "--config", config, "--log", log, "--policy", LIN_UCB, "--refits", "10");
        assertThat(fewRefits.exitCode()).isEqualTo(1);
        assertThat(fewRefits.err()).contains("--refits must be at least 40, not 10");

        Cli missing = Cli.run("evaluate-policy", "--config", config, "--log", dir.resolve("none.jsonl").toString(), "--policy", LIN_UCB);
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("none.jsonl: no such file");

        List<Row> rows = rows(7);
        Map<String, Object> inputs = Map.of("device", "ios", "x", 0.5);
        String decision = new String(DecisionJson.encode(new DecisionRecord("d9", "homepage", "homepage-v0", 1, Map.of(), inputs, ACTIONS,
                List.of(1 / 3.0, 1 / 3.0, 1 / 3.0), "a", 1 / 3.0)), StandardCharsets.UTF_8);
        Path bad = Files.writeString(dir.resolve("bad.jsonl"), outcomeLine(0, rows.get(0)) + "\n\n" + decision + "\n");
        Cli notAnOutcome = Cli.run("evaluate-policy", "--config", config, "--log", bad.toString(), "--policy", LIN_UCB);
        assertThat(notAnOutcome.exitCode()).isEqualTo(1);
        assertThat(notAnOutcome.err()).contains("bad.jsonl:3: an outcome has no \"reward\" (a logged decision is not an outcome)");

        String stray = outcomeLine(1, rows.get(1)).replace("\"action\":\"" + rows.get(1).action() + "\"", "\"action\":\"z\"");
        assertThat(stray).contains("\"action\":\"z\"");
        Path strayLog = Files.writeString(dir.resolve("stray.jsonl"), outcomeLine(0, rows.get(0)) + "\n\n" + stray + "\n");
        Cli notACandidate = Cli.run("evaluate-policy", "--config", config, "--log", strayLog.toString(), "--policy", LIN_UCB);
        assertThat(notACandidate.exitCode()).isEqualTo(1);
        assertThat(notACandidate.err()).as("the line, not the decision's index among the decisions").contains("stray.jsonl:3: action z is not among the candidates [a, b, c]");

        String other = outcomeLine(0, rows.get(0)).replace("\"bandit\":\"homepage\"", "\"bandit\":\"checkout\"");
        Path otherLog = Files.writeString(dir.resolve("other.jsonl"), other + "\n");
        Cli otherBandit = Cli.run("evaluate-policy", "--config", config, "--log", otherLog.toString(), "--policy", LIN_UCB);
        assertThat(otherBandit.exitCode()).isEqualTo(1);
        assertThat(otherBandit.err()).contains("other.jsonl:1: an outcome of bandit checkout, not of homepage");

        Cli vwMapping = Cli.run("evaluate-policy", "--config", config, "--log", log, "--policy", "{\"policy\": \"vw_cb\", \"options\": {\"alpha\": 1}}");
        assertThat(vwMapping.exitCode()).isEqualTo(1);
        assertThat(vwMapping.err()).contains("\"options\" of vw_cb is VW's option string");
        Cli stringForLinUcb = Cli.run("evaluate-policy", "--config", config, "--log", log, "--policy", "{\"policy\": \"lin_ucb\", \"options\": \"-b 18\"}");
        assertThat(stringForLinUcb.exitCode()).isEqualTo(1);
        assertThat(stringForLinUcb.err()).contains("\"options\" of lin_ucb is an object");

        Cli noBandits = Cli.run("evaluate-policy", "--config", config(false), "--log", log, "--policy", LIN_UCB);
        assertThat(noBandits.exitCode()).isEqualTo(1);
        assertThat(noBandits.err()).contains("defines no bandits: add a bandits: section");
    }
}
