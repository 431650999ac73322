package dev.freshet.core.definition;

import dev.freshet.core.config.Typos;
import dev.freshet.core.feature.FeatureRef;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The checks that the rules of models ({@link ModelRules}) and of bandits ({@link BanditRules})
 * share: names, feature references, request context fields, fields of the source their outcomes
 * come from, and durations. Collects problems instead of stopping at the first. Not thread-safe;
 * one instance per validation.
 */
final class InputRules {

    /** Model and bandit names end up in topic names and checkpoint directories. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    /** Context fields follow the feature name rule. */
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    /** By name, in definition order (for the lists in messages); placeholders of unreadable parts (no name) left out. */
    private final Map<String, Source> sources = new LinkedHashMap<>();
    private final Map<String, FeatureView> views = new LinkedHashMap<>();
    private final List<Problem> problems = new ArrayList<>();

    InputRules(List<Source> sourceList, List<FeatureView> viewList) {
        sourceList.stream().filter(s -> !s.name().isEmpty()).forEach(s -> sources.putIfAbsent(s.name(), s));
        viewList.stream().filter(v -> !v.name().isEmpty()).forEach(v -> views.putIfAbsent(v.name(), v));
    }

    void problem(String path, String value, String rule) {
        problems.add(new Problem(path, value, rule));
    }

    List<Problem> problems() {
        return List.copyOf(problems);
    }

    /** Each reference names a feature of a defined view, and none is listed twice. */
    void features(String path, List<FeatureRef> features) {
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
                    problem(at, ref.toString(), "is listed twice (first at " + last(path) + "[" + first + "])");
                }
            }
        }
    }

    /**
     * Request fields: valid names, each once, none the short name or reference of one of
     * {@code features} ({@code clash} says why that matters, e.g. {@code "interactions could not tell them apart"}).
     */
    void context(String path, List<String> context, List<FeatureRef> features, String clash) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < context.size(); i++) {
            String field = context.get(i);
            String at = path + "[" + i + "]";
            if (field.isEmpty()) {
                problem(at, null, "is empty (name a field that each request sends, e.g. item_id)");
            } else if (!FIELD_NAME.matcher(field).matches()) {
                problem(at, field, "is not a valid name (letters, digits and _, starting with a letter or _)");
            } else if (seen.putIfAbsent(field, i) != null) {
                problem(at, field, "is listed twice (first at " + last(path) + "[" + seen.get(field) + "])");
            } else {
                features.stream().filter(f -> f.feature().equals(field) || f.toString().equals(field)).findFirst()
                        .ifPresent(f -> problem(at, field, "is also the name of feature " + f + " (" + clash + "; rename the context field)"));
            }
        }
    }

    /** The source of that name; null, having reported it, when it is missing or not defined. */
    Source source(String path, String name) {
        Source source = sources.get(name);
        if (name.isEmpty()) {
            problem(path, null, "is missing " + known("sources", sources.keySet(), ""));
        } else if (source == null) {
            problem(path, name, "is not a defined source " + known("sources", sources.keySet(), name));
        }
        return source;
    }

    /** A field of {@code source} whose type {@code accepts}; {@code rule} says which types and why. */
    void sourceField(String path, String field, Source source, String rule, Predicate<FieldType> accepts) {
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

    void positive(String path, Duration d) {
        if (d.isNegative() || d.isZero()) {
            problem(path, Durations.format(d), "must be positive");
        }
    }

    /** {@code (kinds: a, b; did you mean a?)}, or {@code (no kinds are defined)}. */
    static String known(String kind, Collection<String> names, String typo) {
        return names.isEmpty() ? "(no " + kind + " are defined)"
                : "(" + kind + ": " + String.join(", ", names) + Typos.hint(typo, names) + ")";
    }

    private static String fieldNames(Source source) {
        return source.schema().fields().stream().map(Field::name).collect(Collectors.joining(", "));
    }

    /** {@code models[0].features} → {@code features}. */
    private static String last(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }
}
