package dev.freshet.core.config;

import dev.freshet.core.config.NodeReader.Entries;
import dev.freshet.core.config.NodeReader.Item;
import dev.freshet.core.definition.LabelSpec;
import dev.freshet.core.definition.LearnerKind;
import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.definition.ModelRules;
import dev.freshet.core.definition.Problem;
import dev.freshet.core.feature.FeatureRef;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static dev.freshet.core.config.InputsReader.orEmpty;

/**
 * Reads {@code models} and {@code model_store} and applies the semantic rules of
 * {@link ModelRules}. As in {@link DefinitionsReader}, a part that cannot be read becomes a
 * placeholder (an empty name, no features, ...) so that paths stay those of the file, and the rules'
 * problems that only follow from a structural problem are dropped: those of a placeholder, of a
 * reference to a feature view or source that could not be read, and of interactions of a model
 * whose features or context could not all be read.
 */
final class ModelsReader {

    private static final List<String> MODEL_KEYS = List.of(
            "name", "learner", "features", "context", "interactions", "label", "options", "publish_interval");
    private static final List<String> LABEL_KEYS = List.of("source", "join_key", "field", "window", "default");
    private static final List<String> FTRL_KEYS = List.of("alpha", "beta", "l1", "l2", "hash_bits", "numbers");
    private static final List<String> NUMBERS = Arrays.stream(LearnerOptions.Ftrl.Numbers.values())
            .map(LearnerOptions.Ftrl.Numbers::yamlName).toList();
    private static final List<String> STORE_KEYS = List.of("path", "keep_versions");
    private static final List<String> LEARNERS = Arrays.stream(LearnerKind.values()).map(LearnerKind::yamlName).toList();

    private static final LabelSpec NO_LABEL = new LabelSpec("", "", "", Duration.ZERO, 0);

    /** The models as read and where their checkpoints go. */
    record Models(List<ModelDefinition> models, ModelStoreConfig store) {
    }

    private final NodeReader in;
    private final InputsReader inputs;

    private ModelsReader(NodeReader in, DefinitionsReader.Parts parts) {
        this.in = in;
        this.inputs = new InputsReader(in, parts);
    }

    /** Reads both sections, reporting every problem (structural, then semantic) to {@code in}. */
    static Models read(NodeReader in, Entries root, DefinitionsReader.Parts parts) {
        ModelsReader r = new ModelsReader(in, parts);
        List<ModelDefinition> models = new ArrayList<>();
        for (Item item : in.list(root, "models")) {
            models.add(r.model(item));
        }
        for (Problem p : ModelRules.validate(parts.sources(), parts.views(), models)) {
            in.semantic(p);
        }
        Entries store = in.mapping(root, "model_store", STORE_KEYS);
        return new Models(models, store == null ? ModelStoreConfig.defaults()
                : new ModelStoreConfig(in.path(store, "path", ModelStoreConfig.DEFAULT_PATH), in.positiveInt(store, "keep_versions",
                        ModelStoreConfig.DEFAULT_KEEP_VERSIONS, ModelStoreConfig.MAX_KEEP_VERSIONS)));
    }

    private ModelDefinition model(Item item) {
        Entries m = in.mapping(item.path(), item.node(), MODEL_KEYS);
        if (m == null) {
            return new ModelDefinition("", LearnerKind.FTRL, List.of(), List.of(), List.of(), NO_LABEL,
                    LearnerOptions.Ftrl.defaults(), ModelDefinition.DEFAULT_PUBLISH_INTERVAL);
        }
        String name = in.required(m, "name", " (it names the model's topic freshet.examples.<name>, e.g. name: ctr)");
        String learnerName = in.required(m, "learner", " (learners: " + String.join(", ", LEARNERS) + ")");
        LearnerKind learner = learnerName == null ? null : LearnerKind.parse(learnerName).orElse(null);
        if (learnerName != null && learner == null) {
            in.problem(m.pathOf("learner"), learnerName, "is not a learner (learners: " + String.join(", ", LEARNERS)
                    + Typos.hint(learnerName, LEARNERS) + ")");
        }
        int before = in.count();
        List<FeatureRef> features = features(m);
        List<String> context = inputs.names(m, "context");
        if (in.count() > before) {
            // an interaction may name an input that could not be read
            in.explained(m.pathOf("interactions"));
        }
        List<List<String>> interactions = new ArrayList<>();
        for (Item pair : in.list(m, "interactions")) {
            List<Item> members = in.list(pair);
            interactions.add(members == null ? List.of() : members.stream().map(i -> orEmpty(in.string(i))).toList());
        }
        LabelSpec label = label(m);
        LearnerOptions options = options(m, learner);
        Duration publish = in.duration(m, "publish_interval");
        return new ModelDefinition(orEmpty(name), options.kind(), features, context, interactions, label, options,
                publish == null ? ModelDefinition.DEFAULT_PUBLISH_INTERVAL : publish);
    }

    private List<FeatureRef> features(Entries m) {
        if (!m.has("features")) {
            in.problem(m.pathOf("features"), null, "is missing (list the features the model learns from, e.g. features: [user_activity:clicks_5m])");
            return List.of();
        }
        return inputs.features(m, "features");
    }

    private LabelSpec label(Entries m) {
        if (!m.has("label")) {
            in.problem(m.pathOf("label"), null, "is missing (where labels come from, e.g. "
                    + "label: {source: purchases, join_key: prediction_id, field: purchased, window: 30m})");
            return NO_LABEL;
        }
        Entries l = in.mapping(m, "label", LABEL_KEYS);
        if (l == null) {
            return NO_LABEL;
        }
        String source = in.required(l, "source", " (the source whose events are labels, e.g. source: purchases)");
        String joinKey = in.required(l, "join_key", " (the field of the label events holding the prediction id, e.g. join_key: prediction_id)");
        String field = in.required(l, "field", " (the field of the label events holding the label, e.g. field: purchased)");
        inputs.outcomeSource(l, source);
        Duration window = null;
        if (l.has("window")) {
            window = in.duration(l, "window");
        } else {
            in.problem(l.pathOf("window"), null, "is missing (how long after a prediction its label may arrive, e.g. window: 30m)");
        }
        double defaultLabel = in.number(l, "default");
        return new LabelSpec(orEmpty(source), orEmpty(joinKey), orEmpty(field), window == null ? Duration.ZERO : window,
                Double.isNaN(defaultLabel) ? 0 : defaultLabel);
    }

    private LearnerOptions options(Entries m, LearnerKind learner) {
        Node node = m.values().get("options");
        if (learner == null) {
            in.explained(m.pathOf("options")); // which options apply depends on the learner
            return LearnerOptions.Ftrl.defaults();
        }
        if (node != null && NodeReader.isNull(node)) {
            in.string(m, "options"); // reports the missing value
            node = null;
        }
        if (learner == LearnerKind.VW) {
            if (node instanceof MappingNode || node instanceof SequenceNode) {
                in.problem(m.pathOf("options"), null, "is " + (node instanceof MappingNode ? "a mapping" : "a list")
                        + ", but vw options are VW's command line in one string (e.g. options: \"--loss_function logistic -b 22\"; "
                        + "a mapping of options is for learner: ftrl)");
                return new LearnerOptions.Vw(LearnerOptions.Vw.DEFAULT_ARGUMENTS);
            }
            String arguments = node == null ? null : in.string(m, "options");
            return new LearnerOptions.Vw(arguments == null ? LearnerOptions.Vw.DEFAULT_ARGUMENTS : arguments);
        }
        if (node instanceof ScalarNode s) {
            in.problem(m.pathOf("options"), s.getValue(), "is a single value, but ftrl options are a mapping "
                    + "(e.g. options: {alpha: 0.05, l1: 1.0}; a string of options is for learner: vw)");
            return LearnerOptions.Ftrl.defaults();
        }
        Entries o = node == null ? null : in.mapping(m, "options", FTRL_KEYS);
        if (o == null) {
            return LearnerOptions.Ftrl.defaults();
        }
        return new LearnerOptions.Ftrl(
                ftrl(o, "alpha", LearnerOptions.Ftrl.DEFAULT_ALPHA, false, "the learning rate's scale"),
                ftrl(o, "beta", LearnerOptions.Ftrl.DEFAULT_BETA, true, "the learning rate's smoothing"),
                ftrl(o, "l1", LearnerOptions.Ftrl.DEFAULT_L1, true, "L1 regularisation; 0 turns it off"),
                ftrl(o, "l2", LearnerOptions.Ftrl.DEFAULT_L2, true, "L2 regularisation; 0 turns it off"),
                in.positiveInt(o, "hash_bits", LearnerOptions.Ftrl.DEFAULT_HASH_BITS, LearnerOptions.Ftrl.MAX_HASH_BITS),
                numbers(o));
    }

    /** {@code options.numbers}: raw (the default, also when invalid: reported) or log. */
    private LearnerOptions.Ftrl.Numbers numbers(Entries o) {
        String name = in.choice(o, "numbers", NUMBERS, "a way to take numeric inputs", "ways");
        return name == null ? LearnerOptions.Ftrl.Numbers.RAW : LearnerOptions.Ftrl.Numbers.valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** One FTRL hyper-parameter; its default when absent, or when invalid (reported). */
    private double ftrl(Entries o, String key, double otherwise, boolean zeroAllowed, String what) {
        return zeroAllowed ? in.number(o, key, otherwise, v -> v >= 0, "must not be negative", what)
                : in.number(o, key, otherwise, v -> v > 0, "must be positive", what);
    }
}
