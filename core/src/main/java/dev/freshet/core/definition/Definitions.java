package dev.freshet.core.definition;

import dev.freshet.core.error.ConfigException;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.feature.FeatureRef;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The validated set of entities, sources and feature views of a project. Immutable; every
 * instance has passed the same rules whether it came from {@code freshet.yaml} or from
 * {@link #builder()}.
 */
public final class Definitions {

    private final List<Entity> entities;
    private final List<Source> sources;
    private final List<FeatureView> featureViews;
    private final Map<String, Entity> entityByName = new LinkedHashMap<>();
    private final Map<String, Source> sourceByName = new LinkedHashMap<>();
    private final Map<String, FeatureView> viewByName = new LinkedHashMap<>();

    private Definitions(List<Entity> entities, List<Source> sources, List<FeatureView> featureViews) {
        this.entities = List.copyOf(entities);
        this.sources = List.copyOf(sources);
        this.featureViews = List.copyOf(featureViews);
        entities.forEach(e -> entityByName.put(e.name(), e));
        sources.forEach(s -> sourceByName.put(s.name(), s));
        featureViews.forEach(v -> viewByName.put(v.name(), v));
    }

    /**
     * Validates and returns the definitions.
     *
     * @throws ConfigException listing every problem found
     */
    public static Definitions of(List<Entity> entities, List<Source> sources, List<FeatureView> featureViews) {
        List<Problem> problems = validate(entities, sources, featureViews);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.stream().map(Problem::describe).toList());
        }
        return new Definitions(entities, sources, featureViews);
    }

    /** Every rule these definitions break, empty when they are valid. */
    public static List<Problem> validate(List<Entity> entities, List<Source> sources, List<FeatureView> featureViews) {
        return DefinitionValidator.validate(entities, sources, featureViews);
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Entity> entities() {
        return entities;
    }

    public List<Source> sources() {
        return sources;
    }

    public List<FeatureView> featureViews() {
        return featureViews;
    }

    public Optional<Entity> entity(String name) {
        return Optional.ofNullable(entityByName.get(name));
    }

    public Optional<Source> source(String name) {
        return Optional.ofNullable(sourceByName.get(name));
    }

    public Optional<FeatureView> featureView(String name) {
        return Optional.ofNullable(viewByName.get(name));
    }

    /** The entity a (valid) view belongs to. */
    public Entity entityOf(FeatureView view) {
        return entityByName.get(view.entity());
    }

    /** The source a (valid) view aggregates. */
    public Source sourceOf(FeatureView view) {
        return sourceByName.get(view.source());
    }

    /** The feature views that aggregate a source, in definition order. */
    public List<FeatureView> viewsOf(Source source) {
        return featureViews().stream().filter(v -> v.source().equals(source.name())).toList();
    }

    /**
     * The entity whose join key keys a source's canonical events ({@code freshet.events.<source>}):
     * the entity of the first view over the source. Views of other entities over the same source
     * re-key the events themselves. Empty when no view uses the source (its events are unkeyed).
     */
    public Optional<Entity> keyEntityOf(Source source) {
        return viewsOf(source).stream().findFirst().map(this::entityOf);
    }

    /**
     * The definition a reference names.
     *
     * @throws InvalidInputException naming the unknown view or feature and what exists instead
     */
    public FeatureDefinition feature(FeatureRef ref) {
        FeatureView view = viewByName.get(ref.view());
        if (view == null) {
            throw new InvalidInputException("unknown feature view '" + ref.view() + "' in '" + ref + "' (feature views: "
                    + String.join(", ", viewByName.keySet()) + ")");
        }
        return view.feature(ref.feature()).orElseThrow(() -> new InvalidInputException(
                "unknown feature '" + ref.feature() + "' in view '" + ref.view() + "' (features: "
                        + String.join(", ", view.features().stream().map(FeatureDefinition::name).toList()) + ")"));
    }

    /**
     * A stable SHA-256 of everything that changes feature values (for provenance in manifests
     * and checkpoints). Two equal definitions have the same fingerprint on every machine.
     */
    public String fingerprint() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Definitions d && entities.equals(d.entities) && sources.equals(d.sources)
                && featureViews.equals(d.featureViews);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * entities.hashCode() + sources.hashCode()) + featureViews.hashCode();
    }

    @Override
    public String toString() {
        return "Definitions[entities=" + entities + ", sources=" + sources + ", featureViews=" + featureViews + "]";
    }

    /**
     * Builds definitions in code, with the same rules as {@code freshet.yaml}:
     * <pre>{@code
     * Definitions defs = Definitions.builder()
     *     .entity("user", "user_id")
     *     .source("clicks", s -> s.topic("clicks").timestampField("ts")
     *         .field("user_id", FieldType.STRING).field("price", FieldType.DOUBLE).field("ts", FieldType.TIMESTAMP))
     *     .featureView("user_activity", v -> v.entity("user").source("clicks").tile(Duration.ofMinutes(1))
     *         .count("clicks_5m", Duration.ofMinutes(5))
     *         .aggregate("spend_1h", AggregationFunction.SUM, "price", Duration.ofHours(1)))
     *     .build();
     * }</pre>
     */
    public static final class Builder {
        private final List<Entity> entities = new ArrayList<>();
        private final List<Source> sources = new ArrayList<>();
        private final List<FeatureView> views = new ArrayList<>();

        private Builder() {
        }

        public Builder entity(String name, String joinKey) {
            entities.add(new Entity(name, joinKey));
            return this;
        }

        public Builder source(Source source) {
            sources.add(source);
            return this;
        }

        public Builder source(String name, Consumer<SourceBuilder> spec) {
            SourceBuilder b = new SourceBuilder(name);
            spec.accept(b);
            sources.add(b.build());
            return this;
        }

        public Builder featureView(FeatureView view) {
            views.add(view);
            return this;
        }

        public Builder featureView(String name, Consumer<FeatureViewBuilder> spec) {
            FeatureViewBuilder b = new FeatureViewBuilder(name);
            spec.accept(b);
            views.add(b.build());
            return this;
        }

        /**
         * @throws ConfigException listing every problem, with the paths the same definitions would have in YAML
         */
        public Definitions build() {
            return Definitions.of(entities, sources, views);
        }
    }

    /** A source in code; the topic defaults to the source's name and the format to JSON. */
    public static final class SourceBuilder {
        private final String name;
        private String topic;
        private SourceFormat format = SourceFormat.JSON;
        private String timestampField = "ts";
        private final List<Field> fields = new ArrayList<>();

        private SourceBuilder(String name) {
            this.name = name;
            this.topic = name;
        }

        public SourceBuilder topic(String topic) {
            this.topic = topic;
            return this;
        }

        public SourceBuilder format(SourceFormat format) {
            this.format = format;
            return this;
        }

        public SourceBuilder timestampField(String timestampField) {
            this.timestampField = timestampField;
            return this;
        }

        public SourceBuilder field(String fieldName, FieldType type) {
            fields.add(new Field(fieldName, type));
            return this;
        }

        Source build() {
            return new Source(name, topic, format, timestampField, new Schema(fields));
        }
    }

    /** A feature view in code. */
    public static final class FeatureViewBuilder {
        private final String name;
        private String entity;
        private String source;
        private java.time.Duration tile;
        private java.time.Duration ttl;
        private final List<FeatureDefinition> features = new ArrayList<>();

        private FeatureViewBuilder(String name) {
            this.name = name;
        }

        public FeatureViewBuilder entity(String entityName) {
            this.entity = entityName;
            return this;
        }

        public FeatureViewBuilder source(String sourceName) {
            this.source = sourceName;
            return this;
        }

        public FeatureViewBuilder tile(java.time.Duration tileLength) {
            this.tile = tileLength;
            return this;
        }

        public FeatureViewBuilder ttl(java.time.Duration timeToLive) {
            this.ttl = timeToLive;
            return this;
        }

        /** {@code count} of events in a window (null window: lifetime). */
        public FeatureViewBuilder count(String featureName, java.time.Duration window) {
            return feature(new FeatureDefinition(featureName, AggregationFunction.COUNT, null, window));
        }

        /** Any function but {@code quantile} over a field, in a window (null window: lifetime). */
        public FeatureViewBuilder aggregate(String featureName, AggregationFunction function, String field, java.time.Duration window) {
            return feature(new FeatureDefinition(featureName, function, field, window));
        }

        /** The {@code rank} quantile (0 &lt; rank &lt; 1) of a numeric field. */
        public FeatureViewBuilder quantile(String featureName, String field, double rank, java.time.Duration window) {
            return feature(new FeatureDefinition(featureName, AggregationFunction.QUANTILE, field, window, rank));
        }

        public FeatureViewBuilder feature(FeatureDefinition feature) {
            features.add(feature);
            return this;
        }

        FeatureView build() {
            return new FeatureView(name, entity == null ? "" : entity, source == null ? "" : source,
                    tile == null ? java.time.Duration.ZERO : tile, ttl, features);
        }
    }
}
