package dev.freshet.core.definition;

import dev.freshet.core.feature.FeatureRef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The semantic rules of models, shared by the YAML loader and code that builds models in Java, so
 * that both accept the same things: names, references to feature views and features, the label's
 * source and fields, context fields, interactions (resolved exactly as the learners'
 * {@code ExampleLayout} resolves them, so a valid model always has a layout), and VW options
 * ({@link VwOptionRules}). Problems carry the paths the models have in YAML ({@code models[0].label.field}).
 */
public final class ModelRules {

    private final InputRules checks;

    private ModelRules(List<Source> sources, List<FeatureView> views) {
        this.checks = new InputRules(sources, views);
    }

    /** Every rule the models break against valid definitions; empty when they are valid. */
    public static List<Problem> validate(Definitions definitions, List<ModelDefinition> models) {
        return validate(definitions.sources(), definitions.featureViews(), models);
    }

    /**
     * As {@link #validate(Definitions, List)}, against definitions that may not be valid themselves
     * (the YAML loader checks models while it also reports the definitions' problems).
     */
    public static List<Problem> validate(List<Source> sources, List<FeatureView> views, List<ModelDefinition> models) {
        ModelRules rules = new ModelRules(sources, views);
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < models.size(); i++) {
            rules.model("models[" + i + "]", models.get(i), names, i);
        }
        for (int i = 0; i < models.size(); i++) {
            String name = models.get(i).name();
            List<String> others = names.keySet().stream().filter(n -> !n.equals(name)).toList();
            ModelVersion.parse(name, others).ifPresent(v -> rules.problem("models[" + names.get(name) + "].name", name,
                    "is also the name of version " + v.version() + " of model " + v.model() + " (versions are named <model>-v<n>, "
                            + "and a bandit's action may name one); rename it"));
        }
        return rules.checks.problems();
    }

    private void problem(String path, String value, String rule) {
        checks.problem(path, value, rule);
    }

    private void model(String path, ModelDefinition m, Map<String, Integer> names, int index) {
        if (m.name().isEmpty()) {
            problem(path + ".name", null, "is missing");
        } else if (!InputRules.NAME.matcher(m.name()).matches()) {
            problem(path + ".name", m.name(), "is not a valid model name (1 to 100 of letters, digits, '.', '_' and '-'; "
                    + "it names the topic freshet.examples.<name>)");
        } else {
            Integer first = names.putIfAbsent(m.name(), index);
            if (first != null) {
                problem(path + ".name", m.name(), "is defined twice (first at models[" + first + "]; model names must be unique)");
            }
        }
        if (m.features().isEmpty()) {
            problem(path + ".features", null, "is empty (list the features the model learns from, e.g. [user_activity:clicks_5m])");
        }
        checks.features(path + ".features", m.features());
        checks.context(path + ".context", m.context(), m.features(), "interactions could not tell them apart");
        interactions(path + ".interactions", m);
        label(path + ".label", m.label());
        if (m.options() instanceof LearnerOptions.Vw vw) {
            VwOptionRules.problems(vw.arguments()).forEach(rule -> problem(path + ".options", null, rule));
        }
        checks.positive(path + ".publish_interval", m.publishInterval());
    }

    private void interactions(String path, ModelDefinition m) {
        List<String> names = new ArrayList<>();
        List<String> shortNames = new ArrayList<>();
        for (FeatureRef f : m.features()) {
            names.add(f.toString());
            shortNames.add(f.feature());
        }
        names.addAll(m.context());
        shortNames.addAll(m.context());
        for (int i = 0; i < m.interactions().size(); i++) {
            List<String> pair = m.interactions().get(i);
            String at = path + "[" + i + "]";
            if (pair.size() != 2) {
                problem(at, null, "has " + pair.size() + " inputs, but an interaction crosses exactly two (e.g. [last_item, item_id])");
                continue;
            }
            for (int j = 0; j < 2; j++) {
                resolve(at + "[" + j + "]", pair.get(j), names, shortNames, m.features().size());
            }
        }
    }

    private void resolve(String path, String name, List<String> names, List<String> shortNames, int featureCount) {
        ModelInputs.Resolution r = ModelInputs.resolve(names, shortNames, featureCount, name);
        if (r.ambiguousAt() >= 0) {
            problem(path, name, "is ambiguous: it names " + names.get(r.index()) + " and " + names.get(r.ambiguousAt()) + " (write view:feature)");
            return;
        }
        int found = r.index();
        if (found < 0) {
            Set<String> inputs = new LinkedHashSet<>(shortNames.subList(0, featureCount));
            inputs.addAll(names);
            problem(path, name, "is not a feature or context field of the model "
                    + InputRules.known("inputs", inputs, name));
        }
    }

    private void label(String path, LabelSpec label) {
        Source source = checks.source(path + ".source", label.source());
        if (source != null) {
            checks.sourceField(path + ".join_key", label.joinKey(), source, "the prediction id must be a string field",
                    t -> t == FieldType.STRING);
            checks.sourceField(path + ".field", label.field(), source, "a label is a boolean, long or double field: true or 1 is positive, "
                    + "false or 0 negative", t -> t == FieldType.BOOLEAN || t == FieldType.LONG || t == FieldType.DOUBLE);
        }
        checks.positive(path + ".window", label.window());
        if (!(label.defaultLabel() >= 0 && label.defaultLabel() <= 1)) {
            problem(path + ".default", Double.toString(label.defaultLabel()),
                    "is not between 0 and 1 (the label of a prediction that gets none within the window; 0 is negative)");
        }
    }
}
