package dev.freshet.core.config;

import dev.freshet.core.definition.Durations;
import dev.freshet.core.definition.Problem;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoublePredicate;
import java.util.regex.Pattern;

/**
 * Reads typed values out of composed YAML nodes. Records the line of every path it visits
 * ({@code feature_views[0].features[1].window}) and collects every structural problem instead of
 * stopping at the first, so that a broken value yields null (or a default) and the walk goes on.
 * Not thread-safe; one instance per file.
 */
final class NodeReader {

    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    /** A list item: its path ({@code sources[2]}) and node. */
    record Item(String path, Node node) {
    }

    /**
     * A mapping whose keys were checked against the allowed ones; a repeated key keeps its first value.
     *
     * @param path   where the mapping is ({@code ""} for the top level)
     * @param values value node by key, in the order written
     */
    record Entries(String path, Map<String, Node> values) {

        boolean has(String key) {
            Node n = values.get(key);
            return n != null && !isNull(n);
        }

        String pathOf(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }
    }

    private record Located(int line, String text) {
    }

    private final String fileName;
    private final Map<String, Integer> lines = new HashMap<>();
    private final List<Located> problems = new ArrayList<>();
    private final Set<String> explained = new HashSet<>();

    NodeReader(String fileName) {
        this.fileName = fileName;
    }

    // ---- collections ----

    /**
     * The node as a mapping whose keys must be among {@code allowed} (any key when null); reports
     * unknown and repeated keys. Returns null, having reported it, when the node is not a mapping.
     */
    Entries mapping(String path, Node node, List<String> allowed) {
        recordLine(path, node);
        if (!(node instanceof MappingNode m)) {
            wrongKind(path, node, "a mapping (key: value pairs)");
            return null;
        }
        Map<String, Node> values = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        for (NodeTuple t : m.getValue()) {
            Node keyNode = t.getKeyNode();
            int line = lineOf(keyNode);
            if (!(keyNode instanceof ScalarNode k) || isNull(keyNode)) {
                problem(line, path.isEmpty() ? "(top level)" : path, null, "has a key that is not a plain name");
                continue;
            }
            String key = k.getValue();
            String keyPath = path.isEmpty() ? key : path + "." + key;
            if (allowed != null && !allowed.contains(key)) {
                problem(line, keyPath, null, unknownKeyRule(key, allowed));
                continue;
            }
            Integer first = firstLine.putIfAbsent(key, line);
            if (first != null) {
                problem(line, keyPath, null, "is given twice in the same mapping (first on line " + first + "); keep one");
                continue;
            }
            lines.put(keyPath, line);
            values.put(key, t.getValueNode());
        }
        return new Entries(path, values);
    }

    /** The value of {@code key} as a mapping; null when absent (not reported) or not a mapping (reported). */
    Entries mapping(Entries in, String key, List<String> allowed) {
        return in.has(key) ? mapping(in.pathOf(key), in.values().get(key), allowed) : null;
    }

    /** The items of a list, each with its path; empty when absent, or when not a list (reported). */
    List<Item> list(Entries in, String key) {
        if (!in.has(key)) {
            return List.of();
        }
        List<Item> items = list(new Item(in.pathOf(key), in.values().get(key)));
        return items == null ? List.of() : items;
    }

    /** The items of a list that is itself a list item ({@code [[a, b]]}); null when it is not a list (reported). */
    List<Item> list(Item list) {
        String path = list.path();
        Node node = list.node();
        if (!(node instanceof SequenceNode s)) {
            wrongKind(path, node, "a list");
            return null;
        }
        List<Item> items = new ArrayList<>();
        for (Node item : s.getValue()) {
            String itemPath = path + "[" + items.size() + "]";
            recordLine(itemPath, item);
            items.add(new Item(itemPath, item));
        }
        return items;
    }

    // ---- scalars ----

    /**
     * The text of a scalar value; null when absent (not reported), or when written with no value or
     * not a single value (both reported: a key written without a value is more likely a slip than a
     * wish for the default).
     */
    String string(Entries in, String key) {
        Node node = in.values().get(key);
        if (node == null) {
            return null;
        }
        if (isNull(node)) {
            problem(in.pathOf(key), null, "has no value (write one, or leave the key out for the default)");
            return null;
        }
        if (!(node instanceof ScalarNode s)) {
            wrongKind(in.pathOf(key), node, "a single value");
            return null;
        }
        return s.getValue();
    }

    /** The text of a list item that must be a single value; null when it has no value or is not one (both reported). */
    String string(Item item) {
        if (isNull(item.node())) {
            problem(item.path(), null, "has no value (write one, or remove the item)");
            return null;
        }
        if (!(item.node() instanceof ScalarNode s)) {
            wrongKind(item.path(), item.node(), "a single value");
            return null;
        }
        return s.getValue();
    }

    /** Like {@link #string}, but reports {@code is missing} (followed by {@code hint}) when absent. */
    String required(Entries in, String key, String hint) {
        if (!in.has(key)) {
            problem(in.pathOf(key), null, "is missing" + hint);
            return null;
        }
        return string(in, key);
    }

    /** A duration ({@code 5m}); null when absent or not a duration (reported with {@link Durations#RULE}). */
    Duration duration(Entries in, String key) {
        String text = string(in, key);
        if (text == null) {
            return null;
        }
        Optional<Duration> d = Durations.parse(text);
        if (d.isEmpty()) {
            problem(in.pathOf(key), text, Durations.RULE);
            return null;
        }
        return d.get();
    }

    /** A TCP port in 1..65535; {@code otherwise} when absent, or when invalid (reported). */
    int port(Entries in, String key, int otherwise) {
        String text = string(in, key);
        if (text == null) {
            return otherwise;
        }
        if (!INTEGER.matcher(text.trim()).matches()) {
            problem(in.pathOf(key), text, "is not an integer");
            return otherwise;
        }
        long port = Long.parseLong(text.trim());
        if (port < 1 || port > 65_535) {
            problem(in.pathOf(key), text, "is not a valid port (1 to 65535)");
            return otherwise;
        }
        return (int) port;
    }

    /** An integer in 1..max; {@code otherwise} when absent, or when invalid (reported). */
    int positiveInt(Entries in, String key, int otherwise, int max) {
        String text = string(in, key);
        if (text == null) {
            return otherwise;
        }
        if (!INTEGER.matcher(text.trim()).matches()) {
            problem(in.pathOf(key), text, "is not an integer");
            return otherwise;
        }
        long value = Long.parseLong(text.trim());
        if (value < 1 || value > max) {
            problem(in.pathOf(key), text, "is out of range (1 to " + max + ")");
            return otherwise;
        }
        return (int) value;
    }

    /** A decimal number; NaN when absent, or when not a number (reported). */
    double number(Entries in, String key) {
        String text = string(in, key);
        if (text == null) {
            return Double.NaN;
        }
        if (!DECIMAL.matcher(text.trim()).matches()) {
            problem(in.pathOf(key), text, "is not a number");
            return Double.NaN;
        }
        return Double.parseDouble(text.trim());
    }

    /**
     * A finite number that {@code valid} accepts; {@code otherwise} when absent, or when invalid
     * (reported as {@code is too large} or {@code rule}, each followed by {@code (what; the default is otherwise)}).
     */
    double number(Entries in, String key, double otherwise, DoublePredicate valid, String rule, String what) {
        double value = number(in, key);
        if (Double.isNaN(value)) {
            return otherwise;
        }
        String text = ((ScalarNode) in.values().get(key)).getValue();
        if (!Double.isFinite(value) || !valid.test(value)) {
            problem(in.pathOf(key), text, (Double.isFinite(value) ? rule : "is too large") + " (" + what + "; the default is " + otherwise + ")");
            return otherwise;
        }
        return value;
    }

    /** Any integer that fits 18 digits; {@code otherwise} when absent, or when not an integer (reported). */
    long integer(Entries in, String key, long otherwise) {
        String text = string(in, key);
        if (text == null) {
            return otherwise;
        }
        if (!INTEGER.matcher(text.trim()).matches()) {
            problem(in.pathOf(key), text, "is not an integer");
            return otherwise;
        }
        return Long.parseLong(text.trim());
    }

    /**
     * One of {@code allowed} (compared trimmed and in lower case); null when absent, or when not one
     * of them (reported as {@code is not <what> (<kinds>: a, b; did you mean a?)}).
     */
    String choice(Entries in, String key, List<String> allowed, String what, String kinds) {
        String text = string(in, key);
        if (text == null) {
            return null;
        }
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            problem(in.pathOf(key), text, "is not " + what + " (" + kinds + ": " + String.join(", ", allowed)
                    + Typos.hint(text, allowed) + ")");
            return null;
        }
        return value;
    }

    /** A file system path, kept as written; {@code otherwise} when absent, or when blank or invalid (reported). */
    Path path(Entries in, String key, Path otherwise) {
        String text = string(in, key);
        if (text == null) {
            return otherwise;
        }
        if (text.isBlank()) {
            problem(in.pathOf(key), text, "is empty (give a directory, e.g. ./data)");
            return otherwise;
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            problem(in.pathOf(key), text, "is not a valid path (" + e.getReason() + ")");
            return otherwise;
        }
    }

    // ---- problems ----

    /** Reports a structural problem at the line recorded for {@code path} (or its closest recorded parent). */
    void problem(String path, String value, String rule) {
        problem(lineOf(path), path, value, rule);
    }

    private void problem(int line, String path, String value, String rule) {
        explained.add(path);
        problems.add(new Located(line, new Problem(path, value, rule).describe()));
    }

    /**
     * Marks a path whose semantic problems would only follow from a structural problem reported
     * elsewhere (a view naming a source whose schema is broken), so that {@link #semantic} drops them.
     */
    void explained(String path) {
        explained.add(path);
    }

    /**
     * Reports a problem of the semantic validation unless it restates or follows from a structural
     * problem: one at the same path, at a path inside it, or at a path around it.
     */
    void semantic(Problem p) {
        for (String e : explained) {
            if (e.equals(p.path()) || within(p.path(), e) || within(e, p.path())) {
                return;
            }
        }
        problems.add(new Located(lineOf(p.path()), p.describe()));
    }

    /** How many problems were reported so far; a reader compares counts to see whether a part was broken. */
    int count() {
        return problems.size();
    }

    boolean hasProblems() {
        return !problems.isEmpty();
    }

    /** Every problem, ordered by line, as {@code file:line: path: "value" rule}. */
    List<String> messages() {
        return problems.stream()
                .sorted(Comparator.comparingInt(Located::line))
                .map(p -> p.line() > 0 ? fileName + ":" + p.line() + ": " + p.text() : fileName + ": " + p.text())
                .toList();
    }

    // ---- lines ----

    void recordLine(String path, Node node) {
        lines.putIfAbsent(path, lineOf(node));
    }

    /** The line recorded for the path, or for its closest recorded parent; 0 when none is known. */
    int lineOf(String path) {
        String p = path;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            if (p.isEmpty()) {
                return 0;
            }
            p = parent(p);
        }
    }

    static int lineOf(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    /** {@code a.b[2].c} → {@code a.b[2]} → {@code a.b} → {@code a} → {@code ""}. */
    static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }

    private static boolean within(String path, String ancestor) {
        return path.startsWith(ancestor + ".") || path.startsWith(ancestor + "[");
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
    }

    private void wrongKind(String path, Node node, String expected) {
        String found = switch (node) {
            case MappingNode m -> "is a mapping";
            case SequenceNode s -> "is a list";
            default -> "is a single value";
        };
        String value = node instanceof ScalarNode s ? s.getValue() : null;
        problem(lineOf(node) > 0 ? lineOf(node) : lineOf(path), path, value, found + ", but must be " + expected);
    }

    private static String unknownKeyRule(String key, List<String> allowed) {
        return "unknown key (allowed: " + String.join(", ", allowed) + Typos.hint(key, allowed) + ")";
    }
}
