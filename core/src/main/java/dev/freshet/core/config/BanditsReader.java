package dev.freshet.core.config;

import dev.freshet.core.config.NodeReader.Entries;
import dev.freshet.core.config.NodeReader.Item;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.core.definition.BanditRules;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.definition.PolicyKind;
import dev.freshet.core.definition.Problem;
import dev.freshet.core.definition.RewardSpec;
import dev.freshet.core.feature.FeatureRef;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.freshet.core.config.InputsReader.orEmpty;
import static dev.freshet.core.definition.PolicyKind.EPSILON_GREEDY;
import static dev.freshet.core.definition.PolicyKind.LIN_TS;
import static dev.freshet.core.definition.PolicyKind.LIN_UCB;
import static dev.freshet.core.definition.PolicyKind.THOMPSON;
import static dev.freshet.core.definition.PolicyKind.UCB1;

/**
 * Reads {@code bandits} and applies the semantic rules of {@link BanditRules}. As in
 * {@link ModelsReader}, a part that cannot be read becomes a placeholder so that paths stay those of
 * the file, and the rules' problems that only follow from a structural problem are dropped: those of
 * a placeholder, of a reference to a feature view or source that could not be read, and of options
 * whose policy is unknown.
 */
final class BanditsReader {

    private static final List<String> BANDIT_KEYS = List.of(
            "name", "policy", "actions", "context_features", "context", "reward", "options", "publish_interval");
    private static final List<String> REWARD_KEYS = List.of("source", "join_key", "field", "window", "default", "aggregate");
    private static final List<String> POLICIES = Arrays.stream(PolicyKind.values()).map(PolicyKind::yamlName).toList();
    private static final List<String> AGGREGATES = Arrays.stream(RewardSpec.Aggregate.values()).map(RewardSpec.Aggregate::yamlName).toList();

    /** Which policies read each option key, in the order the keys are documented. */
    private static final Map<String, Set<PolicyKind>> OPTION_POLICIES = optionPolicies();
    private static final List<String> OPTION_KEYS = List.copyOf(OPTION_POLICIES.keySet());

    private static final RewardSpec NO_REWARD = new RewardSpec("", "", "", Duration.ZERO, 0, RewardSpec.Aggregate.FIRST);
    /** Stands in for a policy that could not be read; contextual, so that no context problem follows from it. */
    private static final PolicyKind NO_POLICY = LIN_UCB;

    private final NodeReader in;
    private final InputsReader inputs;

    private BanditsReader(NodeReader in, DefinitionsReader.Parts parts) {
        this.in = in;
        this.inputs = new InputsReader(in, parts);
    }

    /** Reads the section, reporting every problem (structural, then semantic) to {@code in}. */
    static List<BanditDefinition> read(NodeReader in, Entries root, DefinitionsReader.Parts parts, List<ModelDefinition> models) {
        BanditsReader r = new BanditsReader(in, parts);
        List<BanditDefinition> bandits = new ArrayList<>();
        for (Item item : in.list(root, "bandits")) {
            bandits.add(r.bandit(item));
        }
        for (Problem p : BanditRules.validate(parts.sources(), parts.views(), models, bandits)) {
            in.semantic(p);
        }
        return bandits;
    }

    private BanditDefinition bandit(Item item) {
        Entries m = in.mapping(item.path(), item.node(), BANDIT_KEYS);
        if (m == null) {
            return new BanditDefinition("", NO_POLICY, List.of(), List.of(), List.of(), NO_REWARD, BanditOptions.defaults(),
                    BanditDefinition.DEFAULT_PUBLISH_INTERVAL);
        }
        String name = in.required(m, "name", " (it names the bandit's topic freshet.outcomes.<name> and its checkpoints, e.g. name: homepage)");
        String policyName = m.has("policy") ? in.choice(m, "policy", POLICIES, "a policy", "policies")
                : in.required(m, "policy", " (policies: " + String.join(", ", POLICIES) + ")");
        PolicyKind policy = policyName == null ? null : PolicyKind.parse(policyName).orElseThrow();
        List<String> actions = inputs.names(m, "actions");
        if (m.values().get("actions") instanceof SequenceNode s && s.getValue().isEmpty()) {
            in.problem(m.pathOf("actions"), null, "is empty (list the actions, or leave actions out so that each request sends its candidates)");
        }
        List<FeatureRef> contextFeatures = inputs.features(m, "context_features");
        List<String> context = inputs.names(m, "context");
        RewardSpec reward = reward(m);
        BanditOptions options = options(m, policy);
        Duration publish = in.duration(m, "publish_interval");
        return new BanditDefinition(orEmpty(name), policy == null ? NO_POLICY : policy, actions, contextFeatures, context, reward,
                options, publish == null ? BanditDefinition.DEFAULT_PUBLISH_INTERVAL : publish);
    }

    private RewardSpec reward(Entries m) {
        if (!m.has("reward")) {
            in.problem(m.pathOf("reward"), null, "is missing (where rewards come from, e.g. "
                    + "reward: {source: rewards, join_key: decision_id, field: reward, window: 1h})");
            return NO_REWARD;
        }
        Entries r = in.mapping(m, "reward", REWARD_KEYS);
        if (r == null) {
            return NO_REWARD;
        }
        String source = in.required(r, "source", " (the source whose events are rewards, e.g. source: rewards)");
        String joinKey = in.required(r, "join_key", " (the field of the reward events holding the decision id, e.g. join_key: decision_id)");
        String field = in.required(r, "field", " (the field of the reward events holding the reward, e.g. field: reward)");
        inputs.outcomeSource(r, source);
        Duration window = null;
        if (r.has("window")) {
            window = in.duration(r, "window");
        } else {
            in.problem(r.pathOf("window"), null, "is missing (how long after a decision its rewards may arrive, e.g. window: 1h)");
        }
        double defaultReward = in.number(r, "default", 0, v -> true, "",
                "the reward of a decision that gets none within the window");
        String aggregate = in.choice(r, "aggregate", AGGREGATES, "a way to combine rewards", "aggregates");
        return new RewardSpec(orEmpty(source), orEmpty(joinKey), orEmpty(field), window == null ? Duration.ZERO : window,
                defaultReward, aggregate == null ? RewardSpec.Aggregate.FIRST : RewardSpec.Aggregate.parse(aggregate).orElseThrow());
    }

    private BanditOptions options(Entries m, PolicyKind policy) {
        Node node = m.values().get("options");
        if (policy == null) {
            in.explained(m.pathOf("options")); // which options apply depends on the policy
            return BanditOptions.defaults();
        }
        if (node != null && NodeReader.isNull(node)) {
            in.string(m, "options"); // reports the missing value
            node = null;
        }
        if (policy == PolicyKind.VW_CB) {
            if (node instanceof MappingNode || node instanceof SequenceNode) {
                in.problem(m.pathOf("options"), null, "is " + (node instanceof MappingNode ? "a mapping" : "a list")
                        + ", but vw_cb options are VW's command line in one string (e.g. options: \"--cb_explore_adf --squarecb\"; "
                        + "a mapping of options is for the other policies)");
                return BanditOptions.vw(BanditOptions.DEFAULT_VW_ARGUMENTS);
            }
            String arguments = node == null ? null : in.string(m, "options");
            return BanditOptions.vw(arguments == null ? BanditOptions.DEFAULT_VW_ARGUMENTS : arguments);
        }
        if (node instanceof ScalarNode s) {
            in.problem(m.pathOf("options"), s.getValue(), "is a single value, but " + policy.yamlName() + " options are a mapping "
                    + "(e.g. options: {min_probability: 0.01, seed: 7}; a string of options is for policy vw_cb)");
            return BanditOptions.defaults();
        }
        Entries given = node == null ? null : in.mapping(m, "options", OPTION_KEYS);
        return given == null ? BanditOptions.defaults() : options(applying(given, policy), m.pathOf("reward") + ".default");
    }

    /** The options that apply to the policy; each other one is reported. */
    private Entries applying(Entries given, PolicyKind policy) {
        Map<String, Node> values = new LinkedHashMap<>();
        given.values().forEach((key, value) -> {
            Set<PolicyKind> policies = OPTION_POLICIES.get(key);
            if (policies.contains(policy)) {
                values.put(key, value);
            } else {
                String names = policies.stream().map(PolicyKind::yamlName).collect(Collectors.joining(", "))
                        .replaceFirst(", ([^,]*)$", " and $1");
                in.problem(given.pathOf(key), null, "does not apply to policy " + policy.yamlName() + " (" + key
                        + " is an option of " + names + "; remove it)");
            }
        });
        return new Entries(given.path(), values);
    }

    /** The options, read in the order they are documented so that their problems are too. */
    private BanditOptions options(Entries o, String rewardDefaultPath) {
        return new BanditOptions(
                in.number(o, "epsilon", BanditOptions.DEFAULT_EPSILON, v -> v >= 0 && v <= 1, "is not between 0 and 1",
                        "the probability of a uniformly random action"),
                in.number(o, "alpha", BanditOptions.DEFAULT_ALPHA, v -> v >= 0, "must not be negative", "the width of the confidence bound"),
                in.number(o, "lambda", BanditOptions.DEFAULT_LAMBDA, v -> v > 0, "must be positive", "ridge regularisation"),
                in.number(o, "v", BanditOptions.DEFAULT_V, v -> v > 0, "must be positive", "the scale of the posterior's covariance"),
                posterior(o, rewardDefaultPath),
                orElse(in.choice(o, "form", List.of(BanditOptions.PER_ACTION, BanditOptions.SHARED), "a model form", "forms"),
                        BanditOptions.PER_ACTION),
                in.positiveInt(o, "hash_buckets", BanditOptions.DEFAULT_HASH_BUCKETS, 4096),
                in.number(o, "min_probability", BanditOptions.DEFAULT_MIN_PROBABILITY, v -> v >= 0 && v < 1,
                        "is not at least 0 and below 1", "the least probability of any candidate"),
                in.positiveInt(o, "samples", BanditOptions.DEFAULT_SAMPLES, 1_000_000),
                in.integer(o, "seed", BanditOptions.DEFAULT_SEED),
                "");
    }

    private String posterior(Entries o, String rewardDefaultPath) {
        String thompson = in.choice(o, "thompson", List.of(BanditOptions.BERNOULLI, BanditOptions.GAUSSIAN), "a posterior", "posteriors");
        if (thompson == null && o.has("thompson")) {
            in.explained(rewardDefaultPath); // whether rewards must lie in [0, 1] depends on the posterior
        }
        return orElse(thompson, BanditOptions.BERNOULLI);
    }

    private static String orElse(String value, String otherwise) {
        return value == null ? otherwise : value;
    }

    private static Map<String, Set<PolicyKind>> optionPolicies() {
        Set<PolicyKind> all = EnumSet.complementOf(EnumSet.of(PolicyKind.VW_CB));
        Map<String, Set<PolicyKind>> m = new LinkedHashMap<>();
        m.put("epsilon", EnumSet.of(EPSILON_GREEDY));
        m.put("alpha", EnumSet.of(UCB1, LIN_UCB));
        m.put("lambda", EnumSet.of(LIN_UCB, LIN_TS));
        m.put("v", EnumSet.of(LIN_TS));
        m.put("thompson", EnumSet.of(THOMPSON));
        m.put("form", EnumSet.of(LIN_UCB, LIN_TS));
        m.put("hash_buckets", EnumSet.of(LIN_UCB, LIN_TS));
        m.put("min_probability", all);
        m.put("samples", EnumSet.of(THOMPSON, LIN_TS));
        m.put("seed", all);
        return Collections.unmodifiableMap(m);
    }
}
