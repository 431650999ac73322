package dev.freshet.app.cli;

import dev.freshet.bandits.ope.LoggedDecision;
import dev.freshet.bandits.stream.DecisionJson;
import dev.freshet.bandits.stream.Outcome;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.offline.arrow.ParquetFiles;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.Text;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A log of decisions with their rewards, read for off-policy evaluation:
 * <ul>
 *   <li>the directory where {@code freshet run} archives a bandit's outcomes,
 *       {@code <offline_store.path>/events/outcomes.<bandit>/} (every Parquet file under it, the context as a JSON
 *       column);</li>
 *   <li>JSON Lines, one outcome per line as the reward join writes them to {@code freshet.outcomes.<bandit>}
 *       (dump the topic with kcat);</li>
 *   <li>Parquet with a row per decision: the context inputs in columns (named {@code view:feature},
 *       {@code view__feature} or {@code feature}, context fields by name), {@code candidates} (a list of
 *       strings, or one string of comma-separated names), {@code action}, {@code probability} and {@code reward}.</li>
 * </ul>
 */
final class DecisionLogFile {

    private DecisionLogFile() {
    }

    /**
     * Reads the whole log.
     *
     * @throws InvalidInputException naming the line or row when a record cannot be used
     */
    static List<LoggedDecision> read(Path file, String bandit, ExampleLayout layout, BufferAllocator allocator) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.notExists(file)) {
            throw new InvalidInputException("--log: " + file + ": no such file");
        }
        if (Files.isDirectory(file)) {
            List<LoggedDecision> all = new ArrayList<>();
            for (Path part : parquetFiles(file)) {
                all.addAll(parquet(part, layout, allocator));
            }
            return all;
        }
        if (name.endsWith(".parquet")) {
            return parquet(file, layout, allocator);
        }
        if (name.endsWith(".jsonl") || name.endsWith(".json")) {
            return jsonLines(file, bandit, layout);
        }
        throw new InvalidInputException("--log: " + file + " is neither .jsonl nor .parquet");
    }

    private static List<LoggedDecision> jsonLines(Path file, String bandit, ExampleLayout layout) {
        List<LoggedDecision> log = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    Outcome o = DecisionJson.decodeOutcome(line.getBytes(StandardCharsets.UTF_8));
                    if (!o.decision().bandit().equals(bandit)) {
                        throw new InvalidInputException("an outcome of bandit " + o.decision().bandit() + ", not of " + bandit
                                + " (its context would not be " + bandit + "'s; pass --bandit " + o.decision().bandit() + ")");
                    }
                    Example context = layout.newExample();
                    for (int i = 0; i < layout.size(); i++) {
                        context.set(i, o.decision().inputs().get(layout.slots().get(i).name()));
                    }
                    log.add(checked(new LoggedDecision(context, o.decision().candidates(), o.decision().action(),
                            o.decision().probability(), o.reward())));
                } catch (InvalidInputException e) {
                    throw new InvalidInputException(file + ":" + n + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + file + ": " + e.getMessage());
        }
        return log;
    }

    /** The Parquet files under an archive directory, in path order (dates, then file sequence), hidden ones left out. */
    private static List<Path> parquetFiles(Path dir) {
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            List<Path> files = walk.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .filter(p -> !hidden(dir.relativize(p))).sorted().toList();
            if (files.isEmpty()) {
                throw new InvalidInputException("--log: " + dir + " holds no .parquet files");
            }
            return files;
        } catch (IOException e) {
            throw new InvalidInputException("cannot list " + dir + ": " + e.getMessage());
        }
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static List<LoggedDecision> parquet(Path file, ExampleLayout layout, BufferAllocator allocator) {
        Set<String> names = ParquetFiles.schema(allocator, file).getFields().stream().map(Field::getName).collect(Collectors.toSet());
        for (String required : List.of("candidates", "action", "probability", "reward")) {
            if (!names.contains(required)) {
                throw new InvalidInputException(file + " has no column '" + required + "' (columns: " + String.join(", ", names)
                        + "; a decision log needs candidates, action, probability and reward)");
            }
        }
        String[] columns = new String[layout.size()];
        for (int i = 0; i < layout.size(); i++) {
            for (String candidate : ExampleRows.candidates(layout, i)) {
                if (names.contains(candidate)) {
                    columns[i] = candidate;
                    break;
                }
            }
        }
        // an archive of outcomes holds the context as one JSON column (see OutcomeRows)
        boolean jsonContext = names.contains("context") && Arrays.stream(columns).allMatch(c -> c == null);
        List<LoggedDecision> log = new ArrayList<>();
        try (ParquetFiles.Scan scan = ParquetFiles.scan(allocator, List.of(file), Optional.empty(), ParquetFiles.DEFAULT_BATCH_ROWS)) {
            long row = 0;
            while (scan.next()) {
                VectorSchemaRoot root = scan.root();
                for (int r = 0; r < root.getRowCount(); r++) {
                    row++;
                    String where = file + " row " + row;
                    Example context = layout.newExample();
                    if (jsonContext) {
                        Object text = plain(root.getVector("context").getObject(r));
                        contextFromJson(text == null ? "{}" : text.toString(), layout, context, where);
                    }
                    for (int i = 0; i < columns.length; i++) {
                        if (columns[i] != null) {
                            try {
                                context.set(i, plain(root.getVector(columns[i]).getObject(r)));
                            } catch (InvalidInputException e) {
                                throw new InvalidInputException(where + ": " + e.getMessage());
                            }
                        }
                    }
                    try {
                        log.add(checked(new LoggedDecision(context, candidates(root.getVector("candidates"), r, where),
                                String.valueOf(plain(root.getVector("action").getObject(r))),
                                number(root.getVector("probability"), r, "probability", where),
                                number(root.getVector("reward"), r, "reward", where))));
                    } catch (InvalidInputException e) {
                        throw e.getMessage().startsWith(where) ? e : new InvalidInputException(where + ": " + e.getMessage());
                    }
                }
            }
        }
        return log;
    }

    /**
     * The decision, when the evaluation can use it. Checked here, where its line or row is known: the
     * evaluation would name only its index in the log, which blank lines and row groups make hard to find.
     */
    private static LoggedDecision checked(LoggedDecision d) {
        if (d.candidates().isEmpty()) {
            throw new InvalidInputException("the decision has no candidates");
        }
        if (!d.candidates().contains(d.action())) {
            throw new InvalidInputException("action " + d.action() + " is not among the candidates " + d.candidates());
        }
        if (!(d.propensity() > 0 && d.propensity() <= 1)) {
            throw new InvalidInputException("probability " + d.propensity() + " is not in (0, 1]");
        }
        if (!Double.isFinite(d.reward())) {
            throw new InvalidInputException("reward " + d.reward() + " is not finite");
        }
        return d;
    }

    private static List<String> candidates(FieldVector v, int row, String where) {
        Object value = v.getObject(row);
        if (value instanceof List<?> list) {
            return list.stream().map(x -> String.valueOf(plain(x))).toList();
        }
        if (value == null) {
            throw new InvalidInputException(where + ": candidates is null");
        }
        String text = plain(value).toString().trim();
        if (text.startsWith("[")) {
            return jsonStrings(text, where);
        }
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static final com.fasterxml.jackson.core.JsonFactory JSON = new com.fasterxml.jackson.core.JsonFactory();

    private static List<String> jsonStrings(String text, String where) {
        List<String> out = new ArrayList<>();
        try (com.fasterxml.jackson.core.JsonParser p = JSON.createParser(text)) {
            p.nextToken();
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                out.add(p.getText());
            }
        } catch (IOException e) {
            throw new InvalidInputException(where + ": candidates is not a JSON array of names: " + e.getMessage());
        }
        return out;
    }

    /** Fills the context from a JSON object of inputs by name, as {@code OutcomeRows} writes it. */
    private static void contextFromJson(String text, ExampleLayout layout, Example into, String where) {
        java.util.Map<String, Object> inputs = new java.util.HashMap<>();
        try (com.fasterxml.jackson.core.JsonParser p = JSON.createParser(text)) {
            dev.freshet.learners.stream.RecordJson.readInputs(p, p.nextToken(), "context", inputs);
        } catch (IOException | InvalidInputException e) {
            throw new InvalidInputException(where + ": context is not a JSON object of inputs: " + e.getMessage());
        }
        for (int i = 0; i < layout.size(); i++) {
            into.set(i, inputs.get(layout.slots().get(i).name()));
        }
    }

    private static double number(FieldVector v, int row, String column, String where) {
        Object value = plain(v.getObject(row));
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof Boolean b) {
            return b ? 1 : 0;
        }
        throw new InvalidInputException(where + ": " + column + " is " + value + ", not a number");
    }

    private static Object plain(Object arrow) {
        return arrow instanceof Text t ? t.toString() : arrow;
    }
}
