package dev.freshet.app.cli;

import java.util.Locale;

/** Counts as the commands print them: {@code 12,345}, {@code 1 record}, {@code 2 records}. */
final class Counts {

    private Counts() {
    }

    /** With thousands separators, the same in every locale. */
    static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code n} and the noun, which takes an s unless n is 1. */
    static String plural(long n, String noun) {
        return grouped(n) + " " + noun + (n == 1 ? "" : "s");
    }
}
