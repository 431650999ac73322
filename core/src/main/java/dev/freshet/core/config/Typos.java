package dev.freshet.core.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Guesses which allowed word a misspelt key or name was meant to be, for "did you mean" hints (config keys, source names on the command line). */
public final class Typos {

    private Typos() {
    }

    /**
     * The word closest to {@code typo}, ignoring case and reading {@code -} as {@code _}, when it is
     * at most two edits away and those edits change fewer than half its letters; empty otherwise.
     */
    public static Optional<String> closest(String typo, java.util.Collection<String> words) {
        String t = typo.toLowerCase(Locale.ROOT).replace('-', '_');
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String w : words) {
            int d = distance(t, w.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = w;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= 2 && bestDistance * 2 < best.length() ? Optional.of(best) : Optional.empty();
    }

    /** {@code "; did you mean X?"} to append inside a rule's parentheses, or {@code ""} when no word is close. */
    public static String hint(String typo, java.util.Collection<String> words) {
        return closest(typo, words).map(w -> "; did you mean " + w + "?").orElse("");
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.length()];
    }
}
