package dev.freshet.learners.vw;

import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes examples of one layout as lines of VW's text input format.
 *
 * <p>Each feature view is a namespace named for the view, and the request context is the
 * {@value ExampleLayout#CONTEXT_NAMESPACE} namespace; a feature is named by its slot's short name.
 * A number is written {@code name:value}, a category {@code name=value}, and a missing input is left
 * out. The layout's interactions are written as crossed features in the {@value #CROSSED_NAMESPACE}
 * namespace, named {@code a*b} from the two inputs' full names: the product of two numbers, a number
 * valued {@code a*b=category}, or the indicator {@code a*b=category^category}. Characters the format
 * cannot hold in a name (whitespace, {@code |} and {@code :}) become {@code _}.
 *
 * <p>A label y is written {@code 1} when y &ge; 0.5 and {@code -1} otherwise, as VW's logistic loss
 * wants, followed by the importance weight when it is not 1.
 *
 * <p>Reuses one buffer, so one text is made per line; not thread-safe.
 */
public final class VwText {

    /** The namespace of the layout's crossed inputs. */
    static final String CROSSED_NAMESPACE = "interactions";

    /** The slots of one namespace, with each slot's escaped feature name. */
    private record Namespace(String header, int[] slots, String[] names) {
    }

    private final ExampleLayout layout;
    private final List<Namespace> namespaces;
    private final String[] crossedNames;
    private final StringBuilder line = new StringBuilder(256);

    /** A writer of examples of this layout. */
    public VwText(ExampleLayout layout) {
        this.layout = layout;
        Map<String, List<Integer>> byNamespace = new LinkedHashMap<>();
        for (int i = 0; i < layout.size(); i++) {
            byNamespace.computeIfAbsent(layout.slots().get(i).namespace(), n -> new ArrayList<>()).add(i);
        }
        List<Namespace> spaces = new ArrayList<>();
        byNamespace.forEach((name, slots) -> {
            int[] indices = slots.stream().mapToInt(Integer::intValue).toArray();
            String[] names = new String[indices.length];
            for (int k = 0; k < indices.length; k++) {
                names[k] = escape(layout.slots().get(indices[k]).shortName());
            }
            spaces.add(new Namespace("|" + escape(name), indices, names));
        });
        this.namespaces = List.copyOf(spaces);
        List<ExampleLayout.Interaction> crossed = layout.interactions();
        this.crossedNames = new String[crossed.size()];
        for (int k = 0; k < crossed.size(); k++) {
            crossedNames[k] = escape(layout.slots().get(crossed.get(k).first()).name()) + "*"
                    + escape(layout.slots().get(crossed.get(k).second()).name());
        }
    }

    /** The line that predicts an example: its features, no label. */
    public String unlabelled(Example example) {
        line.setLength(0);
        appendFeatures(example);
        return line.toString();
    }

    /** The line that learns an example with a label in [0, 1] and a positive importance weight. */
    String labelled(Example example, double label, double weight) {
        line.setLength(0);
        line.append(label >= 0.5 ? "1" : "-1");
        if (weight != 1) {
            line.append(' ').append(weight);
        }
        line.append(' ');
        appendFeatures(example);
        return line.toString();
    }

    private void appendFeatures(Example example) {
        int start = line.length();
        for (Namespace ns : namespaces) {
            int header = line.length();
            separate(start).append(ns.header());
            boolean any = false;
            for (int k = 0; k < ns.slots().length; k++) {
                any |= appendInput(example, ns.slots()[k], ns.names()[k]);
            }
            if (!any) {
                line.setLength(header);
            }
        }
        appendCrossed(example, start);
        if (line.length() == start) {
            // VW reads a line without '|' as a label alone and learns nothing from it, so an example
            // with every input missing still gets an (empty) namespace and learns its constant
            line.append('|');
        }
    }

    private boolean appendInput(Example example, int slot, String name) {
        if (!example.isPresent(slot)) {
            return false;
        }
        line.append(' ').append(name);
        if (example.isCategory(slot)) {
            appendEscaped(line.append('='), example.category(slot));
        } else {
            line.append(':').append(example.number(slot));
        }
        return true;
    }

    /** A space before every namespace but the first. */
    private StringBuilder separate(int start) {
        return line.length() > start ? line.append(' ') : line;
    }

    private void appendCrossed(Example example, int start) {
        int header = line.length();
        separate(start).append('|').append(CROSSED_NAMESPACE);
        boolean any = false;
        for (int k = 0; k < crossedNames.length; k++) {
            ExampleLayout.Interaction x = layout.interactions().get(k);
            int a = x.first();
            int b = x.second();
            if (!example.isPresent(a) || !example.isPresent(b)) {
                continue;
            }
            any = true;
            line.append(' ').append(crossedNames[k]);
            if (example.isCategory(a) && example.isCategory(b)) {
                appendEscaped(line.append('='), example.category(a));
                appendEscaped(line.append('^'), example.category(b));
            } else if (example.isCategory(a)) {
                appendEscaped(line.append('='), example.category(a)).append(':').append(example.number(b));
            } else if (example.isCategory(b)) {
                appendEscaped(line.append('='), example.category(b)).append(':').append(example.number(a));
            } else {
                line.append(':').append(example.number(a) * example.number(b));
            }
        }
        if (!any) {
            line.setLength(header);
        }
    }

    /** A name as VW's format can hold it: whitespace, {@code |} and {@code :} become {@code _}. */
    public static String escape(String name) {
        return appendEscaped(new StringBuilder(name.length()), name).toString();
    }

    private static StringBuilder appendEscaped(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(Character.isWhitespace(c) || c == '|' || c == ':' ? '_' : c);
        }
        return out;
    }
}
