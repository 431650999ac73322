package dev.freshet.core.definition;

import dev.freshet.core.config.Typos;
import dev.freshet.core.feature.FeatureRef;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The semantic rules of models, shared by the YAML loader and code that builds models in Java, so
 * that both accept the same things: names, references to feature views and features, the label's
 * source and fields, context fields, interactions (resolved exactly as the learners'
 * {@code ExampleLayout} resolves them, so a valid model always has a layout), and VW options
 * ({@link VwOptionRules}). Problems carry the paths the models have in YAML ({@code models[0].label.field}).
 */
public final class ModelRules {

    /** Model names end up in topic names ({@code freshet.examples.<name>}) and checkpoint directories. */
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    /** Context fields follow the feature name rule. */
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    /** By name, in definition order (for the lists in messages); placeholders of unreadable parts (no name) left out. */
    private final Map<String, Source> sources = new LinkedHashMap<>();
    private final Map<String, FeatureView> views = new LinkedHashMap<>();
    private final List<Problem> problems = new ArrayList<>();

    private ModelRules(List<Source> sourceList, List<FeatureView> viewList) {
        sourceList.stream().filter(s -> !s.name().isEmpty()).forEach(s -> sources.putIfAbsent(s.name(), s));
        viewList.stream().filter(v -> !v.name().isEmpty()).forEach(v -> views.putIfAbsent(v.name(), v));
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
        return List.copyOf(rules.problems);
    }

    private void problem(String path, String value, String rule) {
        problems.add(new Problem(path, value, rule));
    }

    private void model(String path, ModelDefinition m, Map<String, Integer> names, int index) {
        if (m.name().isEmpty()) {
            problem(path + ".name", null, "is missing");
        } else if (!MODEL_NAME.matcher(m.name()).matches()) {
            problem(path + ".name", m.name(), "is not a valid model name (1 to 100 of letters, digits, '.', '_' and '-'; "
                    + "it names the topic freshet.examples.<name>)");
        } else {
            Integer first = names.putIfAbsent(m.name(), index);
            if (first != null) {
                problem(path + ".name", m.name(), "is defined twice (first at models[" + first + "]; model names must be unique)");
            }
        }
        features(path + ".features", m.features());
        context(path + ".context", m);
        interactions(path + ".interactions", m);
        label(path + ".label", m.label());
        if (m.options() instanceof LearnerOptions.Vw vw) {
            VwOptionRules.problems(vw.arguments()).forEach(rule -> problem(path + ".options", null, rule));
        }
        positive(path + ".publish_interval", m.publishInterval());
    }

    private void features(String path, List<FeatureRef> features) {
        if (features.isEmpty()) {
            problem(path, null, "is empty (list the features the model learns from, e.g. [user_activity:clicks_5m])");
        }
        Map<FeatureRef, Integer> seen = new HashMap<>();
        for (int i = 0; i < features.size(); i++) {
            FeatureRef ref = features.get(i);
            String at = path + "[" + i + "]";
            FeatureView view = views.get(ref.view());
            if (view == null) {
                problem(at, ref.toString(), "names no feature view " + known("feature views", views.keySet(), ref.view()));
            } else if (view.feature(ref.feature()).isEmpty()) {
                List<String> featureNames = view.features().stream().map(FeatureDefinition::name).toList();
                problem(at, ref.toString(), "names no feature of view '" + view.name() + "' " + known("features", featureNames, ref.feature()));
            } else {
                Integer first = seen.putIfAbsent(ref, i);
                if (first != null) {
                    problem(at, ref.toString(), "is listed twice (first at features[" + first + "])");
                }
            }
        }
    }

    private void context(String path, ModelDefinition m) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < m.context().size(); i++) {
            String field = m.context().get(i);
            String at = path + "[" + i + "]";
            if (field.isEmpty()) {
                problem(at, null, "is empty (name a field that each request sends, e.g. item_id)");
            } else if (!FIELD_NAME.matcher(field).matches()) {
                problem(at, field, "is not a valid name (letters, digits and _, starting with a letter or _)");
            } else if (seen.putIfAbsent(field, i) != null) {
                problem(at, field, "is listed twice (first at context[" + seen.get(field) + "])");
            } else {
                m.features().stream().filter(f -> f.feature().equals(field) || f.toString().equals(field)).findFirst()
                        .ifPresent(f -> problem(at, field, "is also the name of feature " + f
                                + " (interactions could not tell them apart; rename the context field)"));
            }
        }
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
                    + known("inputs", inputs, name));
        }
    }

    private void label(String path, LabelSpec label) {
        Source source = sources.get(label.source());
        if (label.source().isEmpty()) {
            problem(path + ".source", null, "is missing " + known("sources", sources.keySet(), ""));
        } else if (source == null) {
            problem(path + ".source", label.source(), "is not a defined source " + known("sources", sources.keySet(), label.source()));
        } else {
            labelField(path + ".join_key", label.joinKey(), source, "the prediction id must be a string field",
                    t -> t == FieldType.STRING);
            labelField(path + ".field", label.field(), source, "a label is a boolean, long or double field: true or 1 is positive, "
                    + "false or 0 negative", t -> t == FieldType.BOOLEAN || t == FieldType.LONG || t == FieldType.DOUBLE);
        }
        positive(path + ".window", label.window());
        if (!(label.defaultLabel() >= 0 && label.defaultLabel() <= 1)) {
            problem(path + ".default", Double.toString(label.defaultLabel()),
                    "is not between 0 and 1 (the label of a prediction that gets none within the window; 0 is negative)");
        }
    }

    private void labelField(String path, String field, Source source, String rule, Predicate<FieldType> accepts) {
        if (field.isEmpty()) {
            problem(path, null, "is missing (fields of source '" + source.name() + "': " + fieldNames(source) + ")");
            return;
        }
        source.schema().find(field).ifPresentOrElse(
                f -> {
                    if (!accepts.test(f.type())) {
                        problem(path, field, "has type " + f.type().yamlName() + " in source '" + source.name() + "' (" + rule + ")");
                    }
                },
                () -> problem(path, field, "is not a field of source '" + source.name() + "' (fields: " + fieldNames(source)
                        + Typos.hint(field, source.schema().fields().stream().map(Field::name).toList()) + ")"));
    }

    private void positive(String path, Duration d) {
        if (d.isNegative() || d.isZero()) {
            problem(path, Durations.format(d), "must be positive");
        }
    }

    /** {@code (kinds: a, b; did you mean a?)}, or {@code (no kinds are defined)}. */
    private static String known(String kind, Collection<String> names, String typo) {
        return names.isEmpty() ? "(no " + kind + " are defined)"
                : "(" + kind + ": " + String.join(", ", names) + Typos.hint(typo, names) + ")";
    }

    private static String fieldNames(Source source) {
        return source.schema().fields().stream().map(Field::name).collect(Collectors.joining(", "));
    }
}
