package dev.freshet.bandits.vw;

import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.vw.VwText;

import java.math.BigDecimal;
import java.util.List;

/**
 * Writes a decision as a multiline example of VW's {@code --cb_explore_adf} text format: a shared line
 * with the context, then one line per candidate action.
 *
 * <p>The shared line is {@code shared} followed by the context as the VW learner writes it
 * ({@link VwText}): a namespace per feature view, named by the view, and {@code context} for the
 * request fields. Each action line is {@code |Action a=<name>}, the name escaped as VW's format needs
 * (whitespace, {@code |} and {@code :} become {@code _}, so names differing only there are one action
 * to VW). VW's {@code -q} crosses namespaces by their first letter, case-sensitively: {@code -q uA}
 * crosses a view {@code user_activity} with the actions, {@code -q cA} the request context with them.
 * The action namespace is capitalised so that it cannot share a letter with a (lower-case) view name.
 *
 * <p>When learning, the chosen action's line is prefixed by VW's contextual-bandit label
 * {@code 0:cost:probability} (VW ignores the action index of an ADF label: the labelled line is the
 * action). Reuses one buffer; not thread-safe.
 */
final class AdfText {

    /** The namespace of the action lines. */
    static final String ACTION_NAMESPACE = "Action";
    private static final String ACTION_PREFIX = "|" + ACTION_NAMESPACE + " a=";

    private final VwText context;
    private final StringBuilder line = new StringBuilder(128);

    AdfText(ExampleLayout layout) {
        this.context = new VwText(layout);
    }

    /** The example VW predicts: the shared line, then each candidate's line in candidate order. */
    String[] unlabelled(Example example, List<String> candidates) {
        String[] lines = new String[candidates.size() + 1];
        lines[0] = shared(example);
        for (int i = 0; i < candidates.size(); i++) {
            lines[i + 1] = ACTION_PREFIX + VwText.escape(candidates.get(i));
        }
        return lines;
    }

    /**
     * The example VW learns: the shared line and the chosen action's line, labelled with its cost and
     * the probability it was chosen with.
     */
    String[] labelled(Example example, String action, double cost, double probability) {
        line.setLength(0);
        line.append("0:").append(plain(cost)).append(':').append(plain(probability)).append(' ')
                .append(ACTION_PREFIX).append(VwText.escape(action));
        return new String[] {shared(example), line.toString()};
    }

    private String shared(Example example) {
        return "shared " + context.unlabelled(example);
    }

    /** A number without an exponent ({@code 0.00001}, not {@code 1.0E-5}), which any reader of the label takes. */
    private static String plain(double x) {
        return x == 0 ? "0" : BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
    }
}
