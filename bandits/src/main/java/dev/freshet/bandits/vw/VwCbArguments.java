package dev.freshet.bandits.vw;

import dev.freshet.core.definition.VwOptionRules;

import java.util.List;

/**
 * The option string of a {@code vw_cb} policy: what Freshet refuses in it, and what it adds. Pure text
 * handling; creates no VW instance.
 *
 * <p>The refusals are the configuration's ({@link VwOptionRules#cbProblems}: no data, model, cache or
 * prediction files, no daemon or port, no passes, no test-only mode; {@code --cb_explore_adf} required,
 * the single-line {@code --cb} and {@code --cb_explore} refused), so what loads also starts.
 */
final class VwCbArguments {

    static final String CB_EXPLORE_ADF = "--cb_explore_adf";
    private static final String QUIET = "--quiet";
    private static final String RANDOM_SEED = "--random_seed";

    private VwCbArguments() {
    }

    /** What Freshet refuses in a {@code vw_cb} policy's options: {@link VwOptionRules#cbProblems}. */
    static List<String> problems(String arguments) {
        return VwOptionRules.cbProblems(arguments);
    }

    /**
     * The options VW is created with: the user's, then {@code --quiet}, and {@code --random_seed seed}
     * unless the user gave a seed of their own.
     *
     * @throws IllegalArgumentException when {@link #problems} finds any, naming them and the options
     */
    static String effective(String arguments, long seed) {
        List<String> problems = problems(arguments);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems) + " (vw_cb options \"" + arguments + "\")");
        }
        List<String> tokens = VwOptionRules.tokens(arguments);
        StringBuilder b = new StringBuilder(String.join(" ", tokens));
        if (!tokens.contains(QUIET)) {
            b.append(' ').append(QUIET);
        }
        if (VwOptionRules.values(tokens, RANDOM_SEED).isEmpty()) {
            // VW reads the seed as an unsigned 64-bit number, and "-5" would look like an option
            b.append(' ').append(RANDOM_SEED).append(' ').append(Long.toUnsignedString(seed));
        }
        return b.toString();
    }

    /** The options with whitespace normalised, as provenances compare them. */
    static String normalised(String arguments) {
        return String.join(" ", VwOptionRules.tokens(arguments));
    }
}
