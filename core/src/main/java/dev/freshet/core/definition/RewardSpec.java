package dev.freshet.core.definition;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a bandit's rewards come from ({@code bandits[].reward} in YAML): events of a source that
 * carry the decision id they reward, and {@code POST /reward}. A decision with no reward within the
 * window is learnt with the default reward.
 *
 * @param source        the source whose events are rewards
 * @param joinKey       the field of that source holding the decision id (a string)
 * @param field         the field holding the reward: a number, or a boolean (1 or 0)
 * @param window        how long after a decision its rewards may arrive
 * @param defaultReward the reward of a decision whose window passes without one
 * @param aggregate     how several rewards of one decision combine
 */
public record RewardSpec(String source, String joinKey, String field, Duration window, double defaultReward, Aggregate aggregate) {

    /** How the rewards of one decision within its window combine ({@code reward.aggregate}). */
    public enum Aggregate {
        /** The earliest reward wins; later ones are counted as duplicates (the default). */
        FIRST,
        /** The rewards add up, until the window closes. */
        SUM,
        /** The latest reward before the window closes wins. */
        LAST;

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Aggregate> parse(String name) {
            if (name == null) {
                return Optional.empty();
            }
            for (Aggregate a : values()) {
                if (a.yamlName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    public RewardSpec {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(joinKey, "joinKey");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(aggregate, "aggregate");
    }
}
