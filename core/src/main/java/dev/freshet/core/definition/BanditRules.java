package dev.freshet.core.definition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The semantic rules of bandits, shared by the YAML loader and code that builds bandits in Java, so
 * that both accept the same things: names (unique, and no model's, since both checkpoint under
 * {@code model_store.path/<name>}), actions, context (only for contextual policies), the reward's
 * source and fields, the options that depend on other parts (Bernoulli rewards, the probability
 * floor against the number of actions) and {@code vw_cb}'s VW options ({@link VwOptionRules#cbProblems}).
 * The ranges of single options are {@link BanditOptions}' own. Problems carry the paths the bandits
 * have in YAML ({@code bandits[0].reward.window}). Stateless and thread-safe.
 */
public final class BanditRules {

    /** The most actions a bandit may list; a decision scores every one. */
    public static final int MAX_ACTIONS = 1000;

    private static final String CONTEXTUAL = Arrays.stream(PolicyKind.values()).filter(PolicyKind::contextual)
            .map(PolicyKind::yamlName).collect(Collectors.joining(", ")).replaceFirst(", ([^,]*)$", " or $1");

    private final InputRules checks;
    private final Set<String> modelNames;

    private BanditRules(List<Source> sources, List<FeatureView> views, List<ModelDefinition> models) {
        this.checks = new InputRules(sources, views);
        this.modelNames = models.stream().map(ModelDefinition::name).filter(n -> !n.isEmpty()).collect(Collectors.toSet());
    }

    /** Every rule the bandits break against valid definitions and models; empty when they are valid. */
    public static List<Problem> validate(Definitions definitions, List<ModelDefinition> models, List<BanditDefinition> bandits) {
        return validate(definitions.sources(), definitions.featureViews(), models, bandits);
    }

    /**
     * As {@link #validate(Definitions, List, List)}, against definitions that may not be valid
     * themselves (the YAML loader checks bandits while it also reports the definitions' problems).
     */
    public static List<Problem> validate(List<Source> sources, List<FeatureView> views, List<ModelDefinition> models,
                                         List<BanditDefinition> bandits) {
        BanditRules rules = new BanditRules(sources, views, models);
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < bandits.size(); i++) {
            rules.bandit("bandits[" + i + "]", bandits.get(i), names, i);
        }
        return rules.checks.problems();
    }

    private void bandit(String path, BanditDefinition b, Map<String, Integer> names, int index) {
        name(path + ".name", b.name(), names, index);
        actions(path + ".actions", b.actions());
        if (b.policy().contextual()) {
            checks.features(path + ".context_features", b.contextFeatures());
            checks.context(path + ".context", b.context(), b.contextFeatures(), "the policy could not tell them apart");
        } else {
            ignoredContext(path + ".context_features", b.contextFeatures().isEmpty(), b.policy());
            ignoredContext(path + ".context", b.context().isEmpty(), b.policy());
        }
        reward(path + ".reward", b.reward());
        options(path, b);
        checks.positive(path + ".publish_interval", b.publishInterval());
    }

    private void name(String path, String name, Map<String, Integer> names, int index) {
        if (name.isEmpty()) {
            checks.problem(path, null, "is missing");
        } else if (!InputRules.NAME.matcher(name).matches()) {
            checks.problem(path, name, "is not a valid bandit name (1 to 100 of letters, digits, '.', '_' and '-'; "
                    + "it names the topic freshet.outcomes.<name>)");
        } else if (names.putIfAbsent(name, index) != null) {
            checks.problem(path, name, "is defined twice (first at bandits[" + names.get(name) + "]; bandit names must be unique)");
        } else if (modelNames.contains(name)) {
            checks.problem(path, name, "is also the name of a model (models and bandits both checkpoint under "
                    + "model_store.path/<name>; rename one)");
        }
    }

    private void actions(String path, List<String> actions) {
        if (actions.size() > MAX_ACTIONS) {
            checks.problem(path, null, "has " + actions.size() + " actions, but a bandit may have at most " + MAX_ACTIONS
                    + " (leave actions out and let each request send its candidates)");
            return;
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < actions.size(); i++) {
            String action = actions.get(i);
            String at = path + "[" + i + "]";
            if (action.isEmpty()) {
                checks.problem(at, null, "is empty (an action is a non-empty name, e.g. banner_a)");
            } else if (!action.strip().equals(action)) {
                checks.problem(at, action, "starts or ends with whitespace (write the action without it)");
            } else if (seen.putIfAbsent(action, i) != null) {
                checks.problem(at, action, "is listed twice (first at actions[" + seen.get(action) + "])");
            } else {
                ModelVersion.parse(action, modelNames).filter(v -> v.version() == 0).ifPresent(v -> checks.problem(at, action,
                        "is version 0 of model " + v.model() + ", the untrained model, which is never published (pin a version "
                                + "/predict has reported as model_version, or name the model for its latest version)"));
            }
        }
        routing(path, actions);
    }

    /** A bandit routes {@code /predict} when its actions are all models or versions of them; a mix is a mistake. */
    private void routing(String path, List<String> actions) {
        List<String> models = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (String action : actions) {
            (modelNames.contains(action) || ModelVersion.parse(action, modelNames).isPresent() ? models : others).add(action);
        }
        if (!models.isEmpty() && !others.isEmpty()) {
            checks.problem(path, null, "mixes models or model versions (" + String.join(", ", models) + ") with other actions ("
                    + String.join(", ", others) + "); a bandit splits /predict traffic only when all its actions are models or "
                    + "versions of them (<model>-v<n>): make them all of one kind");
        }
    }

    private void ignoredContext(String path, boolean empty, PolicyKind policy) {
        if (!empty) {
            checks.problem(path, null, "is given, but policy " + policy.yamlName() + " ignores context (use " + CONTEXTUAL
                    + ", or remove it)");
        }
    }

    private void reward(String path, RewardSpec reward) {
        Source source = checks.source(path + ".source", reward.source());
        if (source != null) {
            checks.sourceField(path + ".join_key", reward.joinKey(), source, "the decision id must be a string field",
                    t -> t == FieldType.STRING);
            checks.sourceField(path + ".field", reward.field(), source, "a reward is a boolean, long or double field: "
                    + "true is 1, false 0", t -> t == FieldType.BOOLEAN || t == FieldType.LONG || t == FieldType.DOUBLE);
        }
        checks.positive(path + ".window", reward.window());
        if (!Double.isFinite(reward.defaultReward())) {
            checks.problem(path + ".default", Double.toString(reward.defaultReward()),
                    "is not a finite number (the reward of a decision that gets none within the window; 0 is the default)");
        }
    }

    private void options(String path, BanditDefinition b) {
        BanditOptions o = b.options();
        if (b.policy() == PolicyKind.VW_CB) {
            VwOptionRules.cbProblems(o.vwArguments()).forEach(rule -> checks.problem(path + ".options", null, rule));
            return;
        }
        double reward = b.reward().defaultReward();
        if (b.policy() == PolicyKind.THOMPSON && o.thompson().equals(BanditOptions.BERNOULLI) && Double.isFinite(reward)
                && !(reward >= 0 && reward <= 1)) {
            checks.problem(path + ".reward.default", Double.toString(reward), "is not between 0 and 1, but Bernoulli Thompson "
                    + "sampling learns from rewards in [0, 1] (give a default in [0, 1], or set options: {thompson: gaussian})");
        }
        int k = b.actions().size();
        if (k > 0 && k * o.minProbability() > 1) {
            checks.problem(path + ".options.min_probability", Double.toString(o.minProbability()), "is too large for " + k
                    + " actions (each gets at least min_probability and together they add up to 1, so it must be at most 1/" + k + ")");
        }
    }
}
