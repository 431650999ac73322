package dev.freshet.bench.bandits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A multiclass data set read from one or more ARFF files of the same header (e.g. Weka's
 * {@code segment-challenge.arff} and {@code segment-test.arff}): numeric and nominal attributes, the
 * last one the class. Dense rows only (no sparse {@code {i v}} rows), and no quoted value holding a comma (Weka's
 * example files have none); {@code ?} is missing. Values are
 * kept as read: numbers as {@code Double}, nominal values as {@code String}, missing as null.
 *
 * @param name       the file names, for the report
 * @param attributes the input attributes' names, made safe for VW's text format ({@code [A-Za-z0-9_]})
 * @param nominal    which inputs are nominal
 * @param classes    the class values, in header order (the bandit's actions)
 * @param rows       each row's inputs
 * @param labels     each row's class, an index into {@code classes}
 */
record ArffData(String name, List<String> attributes, boolean[] nominal, List<String> classes, List<Object[]> rows, int[] labels) {

    static ArffData read(List<Path> files) throws IOException {
        List<String> names = null;
        List<Boolean> isNominal = null;
        List<String> classes = null;
        List<Object[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path file : files) {
            List<String> fileNames = new ArrayList<>();
            List<Boolean> fileNominal = new ArrayList<>();
            List<String> classValues = null;
            boolean data = false;
            int lineNo = 0;
            for (String raw : Files.readAllLines(file)) {
                lineNo++;
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("%")) {
                    continue;
                }
                String lower = line.toLowerCase(Locale.ROOT);
                if (!data && lower.startsWith("@attribute")) {
                    String rest = line.substring("@attribute".length()).strip();
                    int split = rest.startsWith("'") ? rest.indexOf('\'', 1) + 1 : firstSpace(rest);
                    String attr = unquote(rest.substring(0, split));
                    String type = rest.substring(split).strip();
                    fileNames.add(attr);
                    boolean nom = type.startsWith("{");
                    fileNominal.add(nom);
                    if (nom) {
                        classValues = splitValues(type.substring(1, type.lastIndexOf('}')));
                    } else if (!type.toLowerCase(Locale.ROOT).matches("numeric|real|integer")) {
                        throw new IllegalArgumentException(file + ":" + lineNo + ": attribute " + attr + " has type " + type
                                + ", but only numeric and nominal attributes are read");
                    }
                } else if (lower.startsWith("@data")) {
                    data = true;
                    if (!fileNominal.getLast()) {
                        throw new IllegalArgumentException(file + ": the last attribute " + fileNames.getLast() + " is the class, and must be nominal");
                    }
                    if (names == null) {
                        names = fileNames;
                        isNominal = fileNominal;
                        classes = classValues;
                    } else if (!names.equals(fileNames) || !classes.equals(classValues)) {
                        throw new IllegalArgumentException(file + " has another header than " + files.getFirst());
                    }
                } else if (data) {
                    if (line.startsWith("{")) {
                        throw new IllegalArgumentException(file + ":" + lineNo + ": sparse rows are not read");
                    }
                    List<String> values = splitValues(line);
                    if (values.size() != names.size()) {
                        throw new IllegalArgumentException(file + ":" + lineNo + ": " + values.size() + " values, but " + names.size() + " attributes");
                    }
                    int label = classes.indexOf(values.getLast());
                    if (label < 0) {
                        throw new IllegalArgumentException(file + ":" + lineNo + ": class " + values.getLast() + " is not one of " + classes);
                    }
                    Object[] row = new Object[names.size() - 1];
                    for (int a = 0; a < row.length; a++) {
                        String v = values.get(a);
                        row[a] = v.equals("?") ? null : isNominal.get(a) ? v : (Object) Double.parseDouble(v);
                    }
                    rows.add(row);
                    labels.add(label);
                }
            }
        }
        if (names == null || rows.isEmpty()) {
            throw new IllegalArgumentException(files + " hold no @data rows");
        }
        List<String> attributes = new ArrayList<>();
        boolean[] nominal = new boolean[names.size() - 1];
        for (int a = 0; a < nominal.length; a++) {
            attributes.add(names.get(a).replaceAll("[^A-Za-z0-9_]", "_"));
            nominal[a] = isNominal.get(a);
        }
        String name = String.join("+", files.stream().map(f -> f.getFileName().toString()).toList());
        return new ArffData(name, attributes, nominal, classes, rows, labels.stream().mapToInt(Integer::intValue).toArray());
    }

    int numericCount() {
        int n = 0;
        for (boolean b : nominal) {
            n += b ? 0 : 1;
        }
        return n;
    }

    /** The share of rows of the most frequent class: the reward rate of the best constant action in hindsight. */
    double majorityRate() {
        int[] counts = new int[classes.size()];
        for (int l : labels) {
            counts[l]++;
        }
        int best = 0;
        for (int c : counts) {
            best = Math.max(best, c);
        }
        return (double) best / labels.length;
    }

    private static int firstSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return s.length();
    }

    private static String unquote(String s) {
        s = s.strip();
        return s.length() >= 2 && (s.startsWith("'") && s.endsWith("'") || s.startsWith("\"") && s.endsWith("\""))
                ? s.substring(1, s.length() - 1) : s;
    }

    private static List<String> splitValues(String s) {
        List<String> out = new ArrayList<>();
        for (String v : s.split(",", -1)) {
            out.add(unquote(v));
        }
        return out;
    }
}
