package dev.freshet.core.definition;

import java.util.Locale;
import java.util.Optional;

/** Which incremental learner trains a model ({@code models[].learner} in YAML). */
public enum LearnerKind {
    /** FTRL-Proximal logistic regression in pure Java (McMahan et al. 2013). */
    FTRL,
    /** Vowpal Wabbit through its JNI library, with VW's own option string. */
    VW;

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<LearnerKind> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (LearnerKind k : values()) {
            if (k.yamlName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
