package dev.freshet.app.api;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Collects samples and writes them in the Prometheus text exposition format 0.0.4: each metric
 * family once, with its {@code # HELP} and {@code # TYPE} lines, followed by all its samples in
 * the order written, whatever order they arrived in. Label values and help texts are escaped.
 * Not thread-safe: one writer per scrape.
 *
 * <p>Names must be valid Prometheus names ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}, label names without
 * {@code :} and not starting with {@code __}); by convention counters end in {@code _total} and
 * carry a unit in their name ({@code _seconds}, {@code _bytes}).
 */
public final class PrometheusWriter {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** One metric family: its type, help and sample lines. */
    private static final class Family {
        final String type;
        final String help;
        final StringBuilder samples = new StringBuilder();
        final Set<String> series = new HashSet<>();

        Family(String type, String help) {
            this.type = type;
            this.help = help;
        }
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    PrometheusWriter() {
    }

    /**
     * A counter sample without labels.
     *
     * @throws IllegalArgumentException for an invalid name, a name already written with another
     *         type, or a series already written
     */
    public PrometheusWriter counter(String name, String help, double value) {
        return counter(name, help, Map.of(), value);
    }

    /**
     * A counter sample (a value that only grows, restarting from 0 when the process does).
     *
     * @param labels label names to values, written in the map's iteration order
     * @throws IllegalArgumentException for an invalid name, a name already written with another
     *         type, or a series already written
     */
    public PrometheusWriter counter(String name, String help, Map<String, String> labels, double value) {
        return sample("counter", name, help, name, labels, null, value);
    }

    /** A gauge sample without labels; see {@link #gauge(String, String, Map, double)}. */
    public PrometheusWriter gauge(String name, String help, double value) {
        return gauge(name, help, Map.of(), value);
    }

    /**
     * A gauge sample (a value that goes up and down, such as consumer lag).
     *
     * @throws IllegalArgumentException for an invalid name, a name already written with another
     *         type, or a series already written
     */
    public PrometheusWriter gauge(String name, String help, Map<String, String> labels, double value) {
        return sample("gauge", name, help, name, labels, null, value);
    }

    /**
     * One histogram: its cumulative buckets, sum and count, as samples {@code name_bucket{..., le}},
     * {@code name_sum} and {@code name_count}.
     *
     * @param bounds     the buckets' upper bounds, ascending, without +Inf
     * @param cumulative per bound the count of observations at or below it; one more element for +Inf
     */
    PrometheusWriter histogram(String name, String help, Map<String, String> labels, double[] bounds, long[] cumulative,
                               double sum) {
        for (int i = 0; i <= bounds.length; i++) {
            String le = i < bounds.length ? format(bounds[i]) : "+Inf";
            sample("histogram", name, help, name + "_bucket", labels, le, cumulative[i]);
        }
        sample("histogram", name, help, name + "_sum", labels, null, sum);
        return sample("histogram", name, help, name + "_count", labels, null, cumulative[bounds.length]);
    }

    /** Two labels in this order (a two-entry {@code Map.of} iterates in an order that changes from one JVM to the next). */
    public static Map<String, String> labels(String name1, String value1, String name2, String value2) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(name1, value1);
        labels.put(name2, value2);
        return labels;
    }

    private PrometheusWriter sample(String type, String family, String help, String sampleName, Map<String, String> labels,
                                    String le, double value) {
        Objects.requireNonNull(help, "help");
        Objects.requireNonNull(labels, "labels");
        if (!METRIC_NAME.matcher(family).matches()) {
            throw new IllegalArgumentException("metric name " + Json.quote(family)
                    + " is not a Prometheus name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
        }
        Family f = families.computeIfAbsent(family, k -> new Family(type, help));
        if (!f.type.equals(type)) {
            throw new IllegalArgumentException("metric " + family + " was written as a " + f.type + " and now as a " + type
                    + " (one name, one type)");
        }
        StringBuilder line = new StringBuilder(64).append(sampleName);
        if (!labels.isEmpty() || le != null) {
            line.append('{');
            boolean first = true;
            for (Map.Entry<String, String> l : labels.entrySet()) {
                String label = l.getKey();
                if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__") || (le != null && label.equals("le"))) {
                    throw new IllegalArgumentException("label name " + Json.quote(label) + " of metric " + family
                            + " is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)");
                }
                if (!first) {
                    line.append(',');
                }
                first = false;
                line.append(label).append("=\"");
                escapeLabel(line, Objects.requireNonNull(l.getValue(), () -> "label " + label + " of " + family + " is null"));
                line.append('"');
            }
            if (le != null) {
                line.append(first ? "" : ",").append("le=\"").append(le).append('"');
            }
            line.append('}');
        }
        if (!f.series.add(line.toString())) {
            throw new IllegalArgumentException("sample " + line + " was already written (each series once per scrape)");
        }
        f.samples.append(line).append(' ').append(format(value)).append('\n');
        return this;
    }

    /** Adds every family and sample of {@code other}; checks everything before changing anything. */
    void addAll(PrometheusWriter other) {
        for (Map.Entry<String, Family> e : other.families.entrySet()) {
            Family mine = families.get(e.getKey());
            if (mine != null && !mine.type.equals(e.getValue().type)) {
                throw new IllegalArgumentException("metric " + e.getKey() + " was written as a " + mine.type + " and now as a "
                        + e.getValue().type + " (one name, one type)");
            }
            if (mine != null && e.getValue().series.stream().anyMatch(mine.series::contains)) {
                throw new IllegalArgumentException("a sample of " + e.getKey() + " was already written (each series once per scrape)");
            }
        }
        for (Map.Entry<String, Family> e : other.families.entrySet()) {
            Family from = e.getValue();
            Family into = families.computeIfAbsent(e.getKey(), k -> new Family(from.type, from.help));
            into.samples.append(from.samples);
            into.series.addAll(from.series);
        }
    }

    /** The exposition text. */
    String text() {
        StringBuilder out = new StringBuilder(4096);
        for (Map.Entry<String, Family> e : families.entrySet()) {
            Family f = e.getValue();
            out.append("# HELP ").append(e.getKey()).append(' ');
            escapeHelp(out, f.help);
            out.append('\n').append("# TYPE ").append(e.getKey()).append(' ').append(f.type).append('\n').append(f.samples);
        }
        return out.toString();
    }

    /** Integers without a fraction (counters read best that way), other values in Java's round-trip form. */
    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static void escapeLabel(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    private static void escapeHelp(StringBuilder out, String help) {
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }
}
