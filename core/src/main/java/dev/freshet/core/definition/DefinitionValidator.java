package dev.freshet.core.definition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The semantic rules of definitions, shared by the YAML loader and the Java builder so that both
 * accept exactly the same things. Collects every problem instead of stopping at the first.
 */
final class DefinitionValidator {

    /** Names end up in topic names ({@code freshet.tiles.<view>}) and feature refs ({@code view:feature}). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final String NAME_RULE = "is not a valid name (letters, digits and _, starting with a letter or _)";
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    private final List<Problem> problems = new ArrayList<>();

    static List<Problem> validate(List<Entity> entities, List<Source> sources, List<FeatureView> views) {
        DefinitionValidator v = new DefinitionValidator();
        Map<String, Entity> entityByName = v.entities(entities);
        Map<String, Source> sourceByName = v.sources(sources, views);
        v.views(views, entityByName, sourceByName);
        return List.copyOf(v.problems);
    }

    private void problem(String path, String value, String rule) {
        problems.add(new Problem(path, value, rule));
    }

    private boolean checkName(String path, String name) {
        if (name == null || name.isBlank()) {
            problem(path, null, "is missing");
            return false;
        }
        if (!NAME.matcher(name).matches()) {
            problem(path, name, NAME_RULE);
            return false;
        }
        return true;
    }

    private Map<String, Entity> entities(List<Entity> entities) {
        Map<String, Entity> byName = new LinkedHashMap<>();
        for (int i = 0; i < entities.size(); i++) {
            Entity e = entities.get(i);
            String path = "entities[" + i + "]";
            if (checkName(path + ".name", e.name()) && byName.putIfAbsent(e.name(), e) != null) {
                problem(path + ".name", e.name(), "is defined twice (entity names must be unique)");
            }
            checkName(path + ".join_key", e.joinKey());
        }
        return byName;
    }

    private Map<String, Source> sources(List<Source> sources, List<FeatureView> views) {
        Map<String, Source> byName = new LinkedHashMap<>();
        Map<String, String> topicOwner = new HashMap<>();
        for (int i = 0; i < sources.size(); i++) {
            Source s = sources.get(i);
            String path = "sources[" + i + "]";
            if (checkName(path + ".name", s.name()) && byName.putIfAbsent(s.name(), s) != null) {
                problem(path + ".name", s.name(), "is defined twice (source names must be unique)");
            }
            if (!TOPIC.matcher(s.topic()).matches() || s.topic().equals(".") || s.topic().equals("..")) {
                problem(path + ".topic", s.topic(), "is not a valid Kafka topic name (1 to 249 of letters, digits, '.', '_' and '-', not . or ..)");
            } else if (s.topic().startsWith("freshet.")) {
                problem(path + ".topic", s.topic(), "is in Freshet's own namespace (freshet.events.*, freshet.tiles.*, freshet.dlq); name the raw topic differently");
            } else {
                String other = topicOwner.putIfAbsent(s.topic(), s.name());
                if (other != null && !other.equals(s.name())) {
                    problem(path + ".topic", s.topic(), "is already the topic of source '" + other + "' (a raw topic feeds one source)");
                }
            }
            if (s.schema().size() == 0) {
                problem(path + ".schema", null, "is empty (list the fields of the events, e.g. {user_id: string, ts: timestamp})");
            }
            for (Field f : s.schema().fields()) {
                checkName(path + ".schema." + f.name(), f.name());
                if (f.name().startsWith(Schema.RESERVED_PREFIX)) {
                    problem(path + ".schema." + f.name(), null, "starts with '" + Schema.RESERVED_PREFIX
                            + "', which is reserved for the columns the offline store adds to archived events (rename the field)");
                }
            }
            s.schema().find(s.timestampField()).ifPresentOrElse(
                    f -> {
                        if (f.type() != FieldType.TIMESTAMP && f.type() != FieldType.LONG) {
                            problem(path + ".timestamp_field", s.timestampField(),
                                    "has type " + f.type().yamlName() + " in the schema (it must be timestamp or long epoch milliseconds)");
                        }
                    },
                    () -> problem(path + ".timestamp_field", s.timestampField(),
                            "is not a field of the schema (fields: " + fieldNames(s.schema()) + ")"));
            if (s.recordKey() == Source.RecordKey.ENTITY_KEY && views.stream().noneMatch(v -> s.name().equals(v.source()))) {
                problem(path + ".record_key", s.recordKey().yamlName(),
                        "needs an entity, but no feature view aggregates source '" + s.name() + "' (add a view, or leave record_key out)");
            }
        }
        return byName;
    }

    private void views(List<FeatureView> views, Map<String, Entity> entities, Map<String, Source> sources) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < views.size(); i++) {
            FeatureView v = views.get(i);
            String path = "feature_views[" + i + "]";
            if (checkName(path + ".name", v.name()) && !names.add(v.name())) {
                problem(path + ".name", v.name(), "is defined twice (feature view names must be unique)");
            }
            Entity entity = entities.get(v.entity());
            if (entity == null) {
                if (v.entity().isBlank()) {
                    problem(path + ".entity", null, "is missing " + known("entities", entities.keySet()));
                } else {
                    problem(path + ".entity", v.entity(), "is not a defined entity " + known("entities", entities.keySet()));
                }
            }
            Source source = sources.get(v.source());
            if (source == null) {
                if (v.source().isBlank()) {
                    problem(path + ".source", null, "is missing " + known("sources", sources.keySet()));
                } else {
                    problem(path + ".source", v.source(), "is not a defined source " + known("sources", sources.keySet()));
                }
            }
            if (entity != null && source != null && source.schema().indexOf(entity.joinKey()) < 0) {
                problem(path + ".source", v.source(), "has no field '" + entity.joinKey() + "', the join key of entity '"
                        + entity.name() + "' (fields: " + fieldNames(source.schema()) + ")");
            }
            boolean tileOk = positive(path + ".tile", v.tile());
            if (v.ttl() != null) {
                positive(path + ".ttl", v.ttl());
            }
            if (v.features().isEmpty()) {
                problem(path + ".features", null, "is empty (a feature view needs at least one feature)");
            }
            Set<String> featureNames = new HashSet<>();
            for (int j = 0; j < v.features().size(); j++) {
                FeatureDefinition f = v.features().get(j);
                String fpath = path + ".features[" + j + "]";
                if (checkName(fpath + ".name", f.name()) && !featureNames.add(f.name())) {
                    problem(fpath + ".name", f.name(), "is defined twice in view '" + v.name() + "' (feature names must be unique within a view)");
                }
                feature(fpath, f, source, tileOk ? v.tile() : null);
            }
        }
    }

    private void feature(String path, FeatureDefinition f, Source source, Duration tile) {
        if (f.field() == null) {
            if (f.function().requiresField()) {
                problem(path + ".field", null, "is missing (function " + f.function().yamlName() + " aggregates a field)");
            }
        } else if (source != null) {
            source.schema().find(f.field()).ifPresentOrElse(
                    field -> {
                        if (!f.function().accepts(field.type())) {
                            problem(path + ".function", f.function().yamlName(), "does not apply to field '" + f.field()
                                    + "' of type " + field.type().yamlName() + " (it needs a numeric field: long, double or timestamp)");
                        }
                    },
                    () -> problem(path + ".field", f.field(), "is not a field of source '" + source.name()
                            + "' (fields: " + fieldNames(source.schema()) + ")"));
        }
        if (f.window() != null && positive(path + ".window", f.window()) && tile != null) {
            long w = f.window().toMillis();
            long h = tile.toMillis();
            if (w % h != 0) {
                problem(path + ".window", Durations.format(f.window()), "is not a multiple of the view's tile " + Durations.format(tile));
            }
        }
        if (f.function() == AggregationFunction.QUANTILE) {
            if (Double.isNaN(f.quantile())) {
                problem(path + ".quantile", null, "is missing (function quantile needs a rank, e.g. quantile: 0.95)");
            } else if (!(f.quantile() > 0 && f.quantile() < 1)) {
                problem(path + ".quantile", Double.toString(f.quantile()), "is not between 0 and 1 (exclusive)");
            }
        } else if (!Double.isNaN(f.quantile())) {
            problem(path + ".quantile", Double.toString(f.quantile()), "is only allowed with function quantile");
        }
    }

    private boolean positive(String path, Duration d) {
        if (d.isNegative() || d.isZero()) {
            problem(path, Durations.format(d), "must be positive");
            return false;
        }
        return true;
    }

    /** {@code (entities: a, b)}, or {@code (no entities are defined)}. */
    private static String known(String kind, java.util.Collection<String> names) {
        return names.isEmpty() ? "(no " + kind + " are defined)" : "(" + kind + ": " + String.join(", ", names) + ")";
    }

    private static String fieldNames(Schema schema) {
        return schema.fields().stream().map(Field::name).collect(Collectors.joining(", "));
    }
}
