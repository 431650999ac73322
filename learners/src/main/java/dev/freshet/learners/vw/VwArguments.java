package dev.freshet.learners.vw;

import dev.freshet.core.definition.VwOptionRules;

import java.util.List;

/**
 * Vowpal Wabbit's option string as Freshet uses it: which options a user may not give, and the
 * options Freshet adds. Pure text handling; creates no VW instance.
 */
final class VwArguments {

    static final String LOGISTIC = "logistic";

    private VwArguments() {
    }

    /** What Freshet refuses in a user's options: see {@link VwOptionRules#problems}. */
    static List<String> problems(String arguments) {
        return VwOptionRules.problems(arguments);
    }

    /**
     * The options VW is created with: the user's, then {@code --quiet}, {@code --loss_function logistic}
     * and {@code --link logistic} where the user gave none.
     */
    static String effective(String arguments) {
        List<String> tokens = tokens(arguments);
        StringBuilder b = new StringBuilder(String.join(" ", tokens));
        if (tokens.stream().noneMatch(t -> names(t, "--quiet"))) {
            append(b, "--quiet");
        }
        if (values(tokens, "--loss_function").isEmpty()) {
            append(b, "--loss_function " + LOGISTIC);
        }
        if (values(tokens, "--link").isEmpty()) {
            append(b, "--link " + LOGISTIC);
        }
        return b.toString();
    }

    private static void append(StringBuilder b, String option) {
        b.append(b.isEmpty() ? "" : " ").append(option);
    }

    static List<String> tokens(String arguments) {
        return VwOptionRules.tokens(arguments);
    }

    private static boolean names(String token, String name) {
        return token.equals(name) || token.startsWith(name + "=");
    }

    private static List<String> values(List<String> tokens, String name) {
        return VwOptionRules.values(tokens, name);
    }
}
