package dev.freshet.core.definition;

import java.util.Locale;
import java.util.Optional;

/** How a bandit chooses among its actions ({@code bandits[].policy} in YAML). */
public enum PolicyKind {
    /** Multi-armed: the best mean reward so far, a uniformly random action with probability epsilon. */
    EPSILON_GREEDY(false),
    /** Multi-armed: the highest upper confidence bound (Auer et al. 2002). */
    UCB1(false),
    /** Multi-armed: Thompson sampling, Beta-Bernoulli or Gaussian posteriors. */
    THOMPSON(false),
    /** Contextual: linear upper confidence bounds (Li et al. 2010). */
    LIN_UCB(true),
    /** Contextual: linear Thompson sampling (Agrawal and Goyal 2013). */
    LIN_TS(true),
    /** Contextual: Vowpal Wabbit's {@code --cb_explore_adf}, with VW's option string. */
    VW_CB(true);

    private final boolean contextual;

    PolicyKind(boolean contextual) {
        this.contextual = contextual;
    }

    /** Whether the policy uses the decision's context (features and request fields). */
    public boolean contextual() {
        return contextual;
    }

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PolicyKind> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (PolicyKind k : values()) {
            if (k.yamlName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
