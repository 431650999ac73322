package dev.freshet.core.definition;

import java.util.ArrayList;
import java.util.List;

/**
 * Which Vowpal Wabbit command-line options a model may not use: those Freshet manages itself (data,
 * model files, predictions, the process), those that break learning from a stream (caches, passes,
 * test-only), those that write files, and any loss or link but logistic, since a model is a binary
 * classifier whose predictions are probabilities ({@link #problems}). A {@code vw_cb} bandit gets the
 * same refusals but no loss or link rule, and must use {@code --cb_explore_adf} ({@link #cbProblems}).
 * Shared by the configuration (which cannot call VW) and the VW learner, so that what loads also starts.
 *
 * <p>Tokens are split on whitespace. A long option matches as {@code --opt} or {@code --opt=value}; a
 * short option as itself or with its value attached ({@code -dfile}), as VW reads them, except
 * {@code -c} and {@code -t}, which take no value. Stateless and thread-safe.
 */
public final class VwOptionRules {

    static final String LOGISTIC = "logistic";
    /** The reduction a {@code vw_cb} bandit needs: one example line per candidate action. */
    public static final String CB_EXPLORE_ADF = "--cb_explore_adf";

    /**
     * Options Freshet manages itself, or that would break a learner fed one example at a time:
     * each with its aliases and why it is refused.
     */
    private record Refused(List<String> names, String why) {
    }

    private static final List<Refused> REFUSED = List.of(
            new Refused(List.of("-d", "--data"), "Freshet feeds the examples itself"),
            new Refused(List.of("-i", "--initial_regressor"), "Freshet loads models from its snapshots"),
            new Refused(List.of("-f", "--final_regressor"), "Freshet saves models in its snapshots"),
            new Refused(List.of("--daemon", "--port"), "VW runs inside Freshet and must not listen on a port"),
            new Refused(List.of("-p", "--predictions", "-r", "--raw_predictions"),
                    "it writes predictions to a file; Freshet returns them"),
            new Refused(List.of("-c", "--cache", "--cache_file"), "a cache is for training on files in several passes"),
            new Refused(List.of("--passes"), "a streaming learner sees each example once"),
            new Refused(List.of("-t", "--testonly"), "the learner must learn"),
            new Refused(List.of("--readable_model", "--invert_hash", "--audit_regressor", "--save_per_pass",
                    "--output_feature_regularizer_binary", "--output_feature_regularizer_text"), "it writes files"),
            new Refused(List.of("--binary"), "it turns predictions into -1/1, and Freshet's learners give probabilities"),
            new Refused(List.of("--predict_only_model"),
                    "snapshots would lose the learning-rate state that learning after a restore needs"));

    private VwOptionRules() {
    }

    /**
     * What is wrong with a user's options, one message per problem, empty when they are fine. Only
     * checks what Freshet refuses; VW itself judges the rest when a learner is created.
     */
    public static List<String> problems(String arguments) {
        List<String> tokens = tokens(arguments);
        List<String> problems = refused(tokens);
        for (String loss : values(tokens, "--loss_function")) {
            if (!loss.equals(LOGISTIC)) {
                problems.add("VW option --loss_function " + loss + " is not allowed: Freshet's learners are binary "
                        + "classifiers giving probabilities, so the loss must be logistic (leave it out or write --loss_function logistic)");
            }
        }
        for (String link : values(tokens, "--link")) {
            if (!link.equals(LOGISTIC)) {
                problems.add("VW option --link " + link + " is not allowed: predictions must be probabilities, so the link "
                        + "must be logistic (leave it out or write --link logistic)");
            }
        }
        return List.copyOf(problems);
    }

    /**
     * What is wrong with the options of a {@code vw_cb} bandit, one message per problem, empty when
     * they are fine: the options Freshet manages (as for models, but any loss or link is VW's
     * business here), and {@value #CB_EXPLORE_ADF}, which must be present. VW judges the rest when
     * the policy is created.
     */
    public static List<String> cbProblems(String arguments) {
        List<String> tokens = tokens(arguments);
        List<String> problems = refused(tokens);
        if (!tokens.contains(CB_EXPLORE_ADF)) {
            problems.add("vw_cb needs " + CB_EXPLORE_ADF + ": Freshet gives VW one line per candidate action");
        }
        for (String t : tokens) {
            if (t.equals("--cb") || t.startsWith("--cb=") || t.equals("--cb_explore") || t.startsWith("--cb_explore=")) {
                problems.add("VW option " + t + " is not allowed: it reads one line per decision, but a vw_cb policy writes "
                        + "a line per candidate action for " + CB_EXPLORE_ADF);
            }
        }
        return List.copyOf(problems);
    }

    /** One message for each token that names a refused option. */
    private static List<String> refused(List<String> tokens) {
        List<String> problems = new ArrayList<>();
        for (String token : tokens) {
            for (Refused r : REFUSED) {
                for (String name : r.names()) {
                    if (names(token, name)) {
                        problems.add("VW option " + token + " is not allowed: " + r.why());
                    }
                }
            }
        }
        return problems;
    }

    /** The options as VW reads them: split on whitespace. */
    public static List<String> tokens(String arguments) {
        String trimmed = arguments.strip();
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
    }

    /**
     * Whether a token is the option {@code name}: exactly, as {@code --name=value}, or, for a short
     * option, with its value attached ({@code -dfile}), all of which VW accepts.
     */
    private static boolean names(String token, String name) {
        if (token.equals(name)) {
            return true;
        }
        if (name.startsWith("--")) {
            return token.startsWith(name + "=");
        }
        // -c and -t take no value, so only the bare token names them; a value such as -3 is no option
        boolean takesValue = !name.equals("-c") && !name.equals("-t");
        return takesValue && !token.startsWith("--") && token.startsWith(name);
    }

    /** The values of every {@code --name value} and {@code --name=value}, in order ({@code ""} for a name at the end). */
    public static List<String> values(List<String> tokens, String name) {
        List<String> found = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.equals(name)) {
                found.add(i + 1 < tokens.size() ? tokens.get(i + 1) : "");
            } else if (t.startsWith(name + "=")) {
                found.add(t.substring(name.length() + 1));
            }
        }
        return found;
    }
}
