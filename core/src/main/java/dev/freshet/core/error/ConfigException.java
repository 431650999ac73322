package dev.freshet.core.error;

import java.util.List;

/**
 * A configuration or a set of definitions is invalid. Carries every problem found, not only the
 * first, so that one run shows everything to fix. Each problem is a full sentence naming the file
 * (when there is one), the field path, the bad value and the rule.
 */
public class ConfigException extends InvalidInputException {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    /** The problems, one line each, in the order they were found. */
    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        if (problems.size() == 1) {
            return problems.get(0);
        }
        StringBuilder sb = new StringBuilder().append(problems.size()).append(" configuration problems:");
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}
