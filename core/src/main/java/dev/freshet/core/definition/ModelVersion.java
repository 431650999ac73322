package dev.freshet.core.definition;

import java.util.Collection;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A published version of a model, named as {@code /predict} reports it: {@code <model>-v<number>}
 * ({@code ctr-v12}). A bandit's action that names one pins that version: it serves as it was
 * published while the model goes on learning.
 *
 * @param model   the model's name
 * @param version the version's number; 0 is the untrained model, never published
 */
public record ModelVersion(String model, long version) {

    private static final Pattern NAME = Pattern.compile("(.+)-v(0|[1-9][0-9]{0,17})");

    public ModelVersion {
        if (model == null || model.isEmpty()) {
            throw new IllegalArgumentException("a model version needs the model's name");
        }
        if (version < 0) {
            throw new IllegalArgumentException("a model version's number is not negative: " + version);
        }
    }

    /** The name of a version: {@code <name>-v<number>}. */
    public static String name(String model, long version) {
        return model + "-v" + version;
    }

    /**
     * Reads {@code text} as a version of one of {@code models}; empty when it is not of the form
     * {@code <model>-v<number>} or names no model among them (a model's own name is not a version).
     */
    public static Optional<ModelVersion> parse(String text, Collection<String> models) {
        if (models.contains(text)) {
            return Optional.empty();
        }
        Matcher m = NAME.matcher(text);
        if (!m.matches() || !models.contains(m.group(1))) {
            return Optional.empty();
        }
        return Optional.of(new ModelVersion(m.group(1), Long.parseLong(m.group(2))));
    }

    /** {@code <model>-v<number>}. */
    public String name() {
        return name(model, version);
    }

    @Override
    public String toString() {
        return name();
    }
}
