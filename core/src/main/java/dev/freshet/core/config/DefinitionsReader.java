package dev.freshet.core.config;

import dev.freshet.core.config.NodeReader.Entries;
import dev.freshet.core.config.NodeReader.Item;
import dev.freshet.core.definition.AggregationFunction;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Entity;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;
import dev.freshet.core.definition.Problem;
import dev.freshet.core.definition.Schema;
import dev.freshet.core.definition.Source;
import dev.freshet.core.definition.SourceFormat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code entities}, {@code sources} and {@code feature_views} and applies the semantic rules
 * of {@link Definitions#validate}. A part that cannot be read becomes a placeholder (empty names,
 * no window, ...) so that list positions, and thus the paths the rules report, stay those of the
 * file; the rules' problems that only follow from a structural problem are dropped.
 */
final class DefinitionsReader {

    private static final List<String> ENTITY_KEYS = List.of("name", "join_key");
    private static final List<String> SOURCE_KEYS = List.of("name", "topic", "format", "timestamp_field", "schema", "record_key");
    private static final List<String> VIEW_KEYS = List.of("name", "entity", "source", "tile", "ttl", "features");
    private static final List<String> FEATURE_KEYS = List.of("name", "function", "field", "window", "quantile");
    private static final List<String> FUNCTIONS = Arrays.stream(AggregationFunction.values()).map(AggregationFunction::yamlName).toList();
    private static final List<String> TYPES = Arrays.stream(FieldType.values()).map(FieldType::yamlName).toList();
    private static final List<String> FORMATS = Arrays.stream(SourceFormat.values()).map(SourceFormat::yamlName).toList();

    private final NodeReader in;

    /** Names of entities whose join key, and of sources whose schema, could not be read. */
    private final Set<String> brokenEntities = new HashSet<>();
    private final Set<String> brokenSources = new HashSet<>();
    private final Set<String> entityNames = new HashSet<>();
    private final Set<String> sourceNames = new HashSet<>();
    /** Names of views whose features could not all be read (models' references to them cannot be checked). */
    private final Set<String> brokenViews = new HashSet<>();
    private final Set<String> viewNames = new HashSet<>();
    /** Whether some entity (or source) is broken so badly that its name is unknown: any unknown reference may mean it. */
    private boolean unnamedBrokenEntity;
    private boolean unnamedBrokenSource;
    private boolean unnamedBrokenView;

    private DefinitionsReader(NodeReader in) {
        this.in = in;
    }

    /**
     * The three lists as read, with every problem (structural, then semantic) reported to {@code in},
     * and which sources and views could not be read in full, for the readers of parts that refer to them.
     */
    record Parts(List<Entity> entities, List<Source> sources, List<FeatureView> views, Unsure unsureSources, Unsure unsureViews) {
    }

    /** Which names may refer to a definition that could not be read, so that checks against it mean nothing. */
    record Unsure(Set<String> broken, Set<String> known, boolean unnamedBroken) {

        boolean test(String name) {
            return unsure(name, known, broken, unnamedBroken);
        }
    }

    static Parts read(NodeReader in, Entries root) {
        DefinitionsReader r = new DefinitionsReader(in);
        List<Entity> entities = new ArrayList<>();
        int before = in.count();
        for (Item item : in.list(root, "entities")) {
            entities.add(r.entity(item));
        }
        r.unnamedBrokenEntity |= before < in.count() && entities.isEmpty();
        List<Source> sources = new ArrayList<>();
        before = in.count();
        for (Item item : in.list(root, "sources")) {
            sources.add(r.source(item));
        }
        r.unnamedBrokenSource |= before < in.count() && sources.isEmpty();
        List<FeatureView> views = new ArrayList<>();
        before = in.count();
        for (Item item : in.list(root, "feature_views")) {
            views.add(r.view(item));
        }
        r.unnamedBrokenView |= before < in.count() && views.isEmpty();
        for (Problem p : Definitions.validate(entities, sources, views)) {
            in.semantic(p);
        }
        return new Parts(entities, sources, views,
                new Unsure(Set.copyOf(r.brokenSources), Set.copyOf(r.sourceNames), r.unnamedBrokenSource),
                new Unsure(Set.copyOf(r.brokenViews), Set.copyOf(r.viewNames), r.unnamedBrokenView));
    }

    private Entity entity(Item item) {
        Entries m = in.mapping(item.path(), item.node(), ENTITY_KEYS);
        if (m == null) {
            unnamedBrokenEntity = true;
            return new Entity("", "");
        }
        String name = in.required(m, "name", "");
        String joinKey = in.required(m, "join_key", " (the field holding the entity's id, e.g. join_key: user_id)");
        if (name == null) {
            unnamedBrokenEntity = true;
        } else {
            entityNames.add(name);
            if (joinKey == null) {
                brokenEntities.add(name);
            }
        }
        return new Entity(orEmpty(name), orEmpty(joinKey));
    }

    private Source source(Item item) {
        Entries m = in.mapping(item.path(), item.node(), SOURCE_KEYS);
        if (m == null) {
            unnamedBrokenSource = true;
            return new Source("", "", SourceFormat.JSON, "", Schema.of());
        }
        String name = in.required(m, "name", "");
        String topic = name;
        if (m.values().containsKey("topic")) {
            topic = in.string(m, "topic");
        } else if (name == null) {
            in.explained(m.pathOf("topic")); // it would default to the missing name
        }
        SourceFormat format = SourceFormat.JSON;
        String formatName = in.string(m, "format");
        if (formatName != null) {
            format = SourceFormat.parse(formatName).orElse(null);
            if (format == null) {
                in.problem(m.pathOf("format"), formatName, "is not a source format (formats: " + String.join(", ", FORMATS) + ")");
                format = SourceFormat.JSON;
            }
        }
        Source.RecordKey recordKey = Source.RecordKey.IGNORE;
        String recordKeyName = in.string(m, "record_key");
        if (recordKeyName != null) {
            recordKey = Source.RecordKey.parse(recordKeyName).orElse(null);
            if (recordKey == null) {
                in.problem(m.pathOf("record_key"), recordKeyName, "is not a record key use (ignore, the default, or entity_key: the Kafka key is the entity key)");
                recordKey = Source.RecordKey.IGNORE;
            }
        }
        String timestampField = in.required(m, "timestamp_field", " (the schema field holding event time, e.g. timestamp_field: ts)");
        int beforeSchema = in.count();
        Schema schema = schema(m);
        if (in.count() > beforeSchema) {
            // the timestamp field may be one of the fields that could not be read
            in.explained(m.pathOf("timestamp_field"));
        }
        // only the name and the schema matter to the views that use the source
        if (name == null) {
            unnamedBrokenSource = true;
        } else {
            sourceNames.add(name);
            if (in.count() > beforeSchema) {
                brokenSources.add(name);
            }
        }
        return new Source(orEmpty(name), orEmpty(topic), format, orEmpty(timestampField), schema, recordKey);
    }

    private Schema schema(Entries source) {
        if (!source.has("schema")) {
            in.problem(source.pathOf("schema"), null, "is missing (list the fields of the events, e.g. schema: {user_id: string, ts: timestamp})");
            return Schema.of();
        }
        Entries m = in.mapping(source, "schema", null);
        if (m == null) {
            return Schema.of();
        }
        List<Field> fields = new ArrayList<>();
        for (String name : m.values().keySet()) {
            String typeName = in.required(m, name, " (give the field a type: " + String.join(", ", TYPES) + ")");
            if (typeName == null) {
                continue;
            }
            Optional<FieldType> type = FieldType.parse(typeName);
            if (type.isPresent()) {
                fields.add(new Field(name, type.get()));
            } else {
                in.problem(m.pathOf(name), typeName, "is not a field type (types: " + String.join(", ", TYPES) + Typos.hint(typeName, TYPES) + ")");
            }
        }
        return new Schema(fields);
    }

    private FeatureView view(Item item) {
        Entries m = in.mapping(item.path(), item.node(), VIEW_KEYS);
        if (m == null) {
            unnamedBrokenView = true;
            return new FeatureView("", "", "", Duration.ZERO, null, List.of());
        }
        String name = in.required(m, "name", "");
        if (name == null) {
            unnamedBrokenView = true;
        } else {
            viewNames.add(name);
        }
        String entity = in.required(m, "entity", " (the entity the features describe, e.g. entity: user)");
        String source = in.required(m, "source", " (the source the features aggregate, e.g. source: clicks)");
        if (entity != null && unsure(entity, entityNames, brokenEntities, unnamedBrokenEntity)) {
            in.explained(m.pathOf("entity"));
            in.explained(m.pathOf("source")); // where the join key check reports
        }
        boolean sourceUnsure = source != null && unsure(source, sourceNames, brokenSources, unnamedBrokenSource);
        if (sourceUnsure) {
            in.explained(m.pathOf("source"));
        }
        Duration tile = null;
        if (m.has("tile")) {
            tile = in.duration(m, "tile");
        } else {
            in.problem(m.pathOf("tile"), null, "is missing (the length of the view's tiles, e.g. tile: 1m; windows are multiples of it)");
        }
        Duration ttl = in.duration(m, "ttl");
        List<FeatureDefinition> features = new ArrayList<>();
        int beforeFeatures = in.count();
        if (!m.has("features")) {
            in.problem(m.pathOf("features"), null, "is missing (a feature view needs at least one feature)");
        }
        for (Item f : in.list(m, "features")) {
            features.add(feature(f, sourceUnsure));
        }
        if (name != null && in.count() > beforeFeatures) {
            brokenViews.add(name);
        }
        return new FeatureView(orEmpty(name), orEmpty(entity), orEmpty(source), tile == null ? Duration.ZERO : tile, ttl, features);
    }

    private FeatureDefinition feature(Item item, boolean sourceUnsure) {
        if (sourceUnsure) {
            // field existence and type checks would run against a schema that could not be read
            in.explained(item.path() + ".field");
            in.explained(item.path() + ".function");
        }
        Entries m = in.mapping(item.path(), item.node(), FEATURE_KEYS);
        if (m == null) {
            return new FeatureDefinition("", AggregationFunction.COUNT, null, null);
        }
        String name = in.required(m, "name", "");
        String functionName = in.required(m, "function", " (functions: " + AggregationFunction.names() + ")");
        AggregationFunction function = functionName == null ? null : AggregationFunction.parse(functionName).orElse(null);
        if (functionName != null && function == null) {
            in.problem(m.pathOf("function"), functionName, "is not an aggregate function (functions: "
                    + AggregationFunction.names() + Typos.hint(functionName, FUNCTIONS) + ")");
        }
        if (function == null) {
            // which field and quantile a feature needs depends on its function
            in.explained(m.pathOf("field"));
            in.explained(m.pathOf("quantile"));
        }
        String field = in.string(m, "field");
        Duration window = in.duration(m, "window");
        double quantile = in.number(m, "quantile");
        return new FeatureDefinition(orEmpty(name), function == null ? AggregationFunction.COUNT : function, field, window, quantile);
    }

    /** Whether a reference may name an entity or source that could not be read, so that checks against it mean nothing. */
    private static boolean unsure(String name, Set<String> known, Set<String> broken, boolean unnamedBroken) {
        return broken.contains(name) || (unnamedBroken && !known.contains(name));
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
