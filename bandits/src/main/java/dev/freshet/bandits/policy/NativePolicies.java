package dev.freshet.bandits.policy;

import dev.freshet.bandits.Policy;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.core.error.CorruptDataException;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Provenance;
import dev.freshet.learners.Provenances;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Freshet's own bandit policies, in pure Java: {@code epsilon_greedy}, {@code ucb1} and {@code thompson}
 * (multi-armed, ignoring the context) and {@code lin_ucb} and {@code lin_ts} (linear in the context, in the
 * {@code per_action} or {@code shared} form). Use {@link dev.freshet.bandits.Policies}, which dispatches here.
 *
 * <p>The policies have no randomness of their own: {@code thompson} and {@code lin_ts} draw from the generator
 * passed to {@link Policy#distribution}, which the caller seeds (with {@code options.seed}) to replay
 * decisions; hashing uses fixed seeds. Every distribution is floored by {@code min_probability}.
 */
public final class NativePolicies {

    private static final Logger log = LoggerFactory.getLogger(NativePolicies.class);

    private NativePolicies() {
    }

    /**
     * A new policy for the bandit, knowing nothing.
     *
     * @throws IllegalArgumentException when the bandit's policy is not a native one ({@code vw_cb})
     */
    public static Policy create(BanditDefinition bandit, ExampleLayout layout) {
        return switch (bandit.policy()) {
            case EPSILON_GREEDY -> new EpsilonGreedy(bandit, layout);
            case UCB1 -> new Ucb1(bandit, layout);
            case THOMPSON -> new Thompson(bandit, layout);
            case LIN_UCB -> new LinUcb(bandit, layout);
            case LIN_TS -> new LinTs(bandit, layout);
            case VW_CB -> throw new IllegalArgumentException("bandit " + bandit.name() + ": vw_cb is not a native policy");
        };
    }

    /**
     * A policy in the state of a snapshot taken by the same policy with the same options over the same layout.
     *
     * @throws IllegalArgumentException when the snapshot's provenance names another policy, other
     *                                  {@link #LEARNT_OPTIONS}, inputs or interactions; the message says which
     * @throws CorruptDataException     when the state cannot be decoded
     */
    public static Policy restore(LearnerSnapshot snapshot, BanditDefinition bandit, ExampleLayout layout) {
        requireCompatible(snapshot.provenance(), bandit, layout);
        BasePolicy policy = (BasePolicy) create(bandit, layout);
        policy.load(snapshot.state(), snapshot.provenance().model());
        return policy;
    }

    /**
     * The bandit's options as its provenance records them: the options its policy reads, in YAML names,
     * e.g. {@code "alpha=1.0 lambda=1.0 form=per_action hash_buckets=16 min_probability=0.0"}. A checkpoint
     * is restored only into a bandit with the same {@link #LEARNT_OPTIONS}; the others may differ.
     */
    public static String describe(BanditDefinition bandit) {
        BanditOptions o = bandit.options();
        String floor = "min_probability=" + o.minProbability();
        String linear = "lambda=" + o.lambda() + " form=" + o.form() + " hash_buckets=" + o.hashBuckets();
        return switch (bandit.policy()) {
            case EPSILON_GREEDY -> "epsilon=" + o.epsilon() + " " + floor;
            case UCB1 -> "alpha=" + o.alpha() + " " + floor;
            case THOMPSON -> "thompson=" + o.thompson() + " samples=" + o.samples() + " " + floor;
            case LIN_UCB -> "alpha=" + o.alpha() + " " + linear + " " + floor;
            case LIN_TS -> "v=" + o.v() + " " + linear + " samples=" + o.samples() + " " + floor;
            case VW_CB -> o.vwArguments();
        };
    }

    /**
     * The provenance of a new policy for the bandit: its name as model, its policy's YAML name as learner,
     * {@link #describe} as options, the layout's inputs; no outcomes, version 0, no offsets, created at 0.
     */
    public static Provenance provenance(BanditDefinition bandit, ExampleLayout layout, String freshetVersion) {
        return new Provenance(bandit.name(), bandit.policy().yamlName(), describe(bandit), Provenances.inputsOf(layout),
                Provenances.interactionsOf(layout), 0, 0, Map.of(), 0, freshetVersion);
    }

    /**
     * The options that shape what a policy learns (its prior, its features, its statistics); the others
     * (epsilon, alpha, v, samples, min_probability) only shape how it explores from what it has learnt,
     * so a checkpoint survives their change.
     */
    static final Set<String> LEARNT_OPTIONS = Set.of("lambda", "form", "hash_buckets", "thompson");

    /** {@code key=value} pairs of a {@link #describe} text, in order. */
    private static Map<String, String> options(String description) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : description.trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return out;
    }

    /** The options that differ between two descriptions, as {@code key old -> new}, restricted to {@code keys} or not. */
    private static List<String> differences(String before, String now, boolean learnt) {
        Map<String, String> old = options(before);
        Map<String, String> current = options(now);
        List<String> out = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>(old.keySet());
        keys.addAll(current.keySet());
        for (String key : keys) {
            if (LEARNT_OPTIONS.contains(key) == learnt && !Objects.equals(old.get(key), current.get(key))) {
                out.add(key + " " + old.getOrDefault(key, "(none)") + " -> " + current.getOrDefault(key, "(none)"));
            }
        }
        return out;
    }

    private static void requireCompatible(Provenance p, BanditDefinition bandit, ExampleLayout layout) {
        String advice = ": delete the checkpoint to start again, or restore the old configuration";
        String what = "the checkpoint of bandit " + p.model();
        String policy = bandit.policy().yamlName();
        if (!p.learner().equals(policy)) {
            throw new IllegalArgumentException(what + " was learnt by policy " + p.learner() + " but the bandit is configured with policy "
                    + policy + advice);
        }
        String options = describe(bandit);
        List<String> learnt = differences(p.options(), options, true);
        if (!learnt.isEmpty()) {
            throw new IllegalArgumentException(what + " was learnt with options " + p.options() + " but the bandit is configured with "
                    + options + " (" + String.join(", ", learnt) + "; " + String.join(", ", LEARNT_OPTIONS.stream().sorted().toList())
                    + " shape what a policy learns, the other options may change freely)" + advice);
        }
        List<String> exploration = differences(p.options(), options, false);
        if (!exploration.isEmpty()) {
            log.info("bandit {}: exploration options changed since the checkpoint ({}); the learnt state is kept", bandit.name(),
                    String.join(", ", exploration));
        }
        List<String> inputs = Provenances.inputsOf(layout);
        if (!p.inputs().equals(inputs)) {
            throw new IllegalArgumentException(what + " was learnt with context inputs " + p.inputs()
                    + " but the bandit is configured with " + inputs + advice);
        }
        List<String> interactions = Provenances.interactionsOf(layout);
        if (!p.interactions().equals(interactions)) {
            throw new IllegalArgumentException(what + " was learnt with interactions " + p.interactions()
                    + " but the bandit is configured with " + interactions + advice);
        }
    }
}
