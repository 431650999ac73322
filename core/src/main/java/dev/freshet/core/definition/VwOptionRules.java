package dev.freshet.core.definition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which Vowpal Wabbit command-line options a model may not use: those Freshet manages itself (data,
 * model files, predictions, the process), those that break learning from a stream (caches,
 * {@code --cache_file} included, passes, test-only), and any loss but logistic, since a model is a
 * binary classifier whose predictions are probabilities. Shared by the configuration (which cannot
 * call VW) and the VW learner.
 *
 * <p>Tokens are matched exactly after splitting on whitespace: long options as {@code --opt value} or
 * {@code --opt=value}, short options only as whole tokens ({@code -d}, not {@code -dfile}), so that
 * an option that merely starts like a refused one ({@code --database}) is left alone. Stateless and
 * thread-safe.
 */
public final class VwOptionRules {

    private static final String FILES = "Freshet loads and saves the model itself, under model_store";
    private static final String STREAM = "a model learns each example once, as it streams in";

    /** Option → why it is refused; short and long spellings of the same option share a reason. */
    private static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry("-d", "Freshet feeds the examples itself, from the model's examples topic"),
            Map.entry("--data", "Freshet feeds the examples itself, from the model's examples topic"),
            Map.entry("-i", FILES),
            Map.entry("--initial_regressor", FILES),
            Map.entry("-f", FILES),
            Map.entry("--final_regressor", FILES),
            Map.entry("--readable_model", FILES),
            Map.entry("--invert_hash", FILES),
            Map.entry("--daemon", "VW runs inside the learner worker, not as a server"),
            Map.entry("--port", "VW runs inside the learner worker, not as a server"),
            Map.entry("-p", "Freshet serves the predictions itself"),
            Map.entry("--predictions", "Freshet serves the predictions itself"),
            Map.entry("-c", STREAM),
            Map.entry("--cache", STREAM),
            Map.entry("--cache_file", STREAM),
            Map.entry("--passes", STREAM),
            Map.entry("-t", "the model would never learn"),
            Map.entry("--testonly", "the model would never learn"));

    private static final String LOSS = "--loss_function";

    private VwOptionRules() {
    }

    /**
     * What is wrong with a VW option string, one message per refused option, each starting with the
     * option as written in quotes ({@code "--daemon" is managed by Freshet (...); remove it}); empty
     * when the options are acceptable. Does not check that VW knows the options: only VW can.
     */
    public static List<String> problems(String arguments) {
        List<String> problems = new ArrayList<>();
        String[] tokens = arguments.trim().isEmpty() ? new String[0] : arguments.trim().split("\\s+");
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            int eq = token.startsWith("--") ? token.indexOf('=') : -1;
            String option = eq < 0 ? token : token.substring(0, eq);
            String reason = REFUSED.get(option);
            if (reason != null) {
                problems.add("\"" + option + "\" is managed by Freshet or breaks streaming (" + reason + "); remove it");
            } else if (option.equals(LOSS)) {
                String loss = eq >= 0 ? token.substring(eq + 1) : i + 1 < tokens.length ? tokens[++i] : "";
                if (loss.isEmpty()) {
                    problems.add("\"" + LOSS + "\" has no value (write " + LOSS + " logistic, or leave it out)");
                } else if (!loss.equals("logistic")) {
                    problems.add("\"" + LOSS + " " + loss + "\" is not allowed (a model is a binary classifier that predicts "
                            + "probabilities; write " + LOSS + " logistic, or leave it out)");
                }
            }
        }
        return List.copyOf(problems);
    }
}
