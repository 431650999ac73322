package dev.freshet.app.api;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.AggregationFunction;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.Durations;
import dev.freshet.core.definition.Entity;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.Source;

import java.time.Duration;

/**
 * {@code GET /registry}: the definitions as JSON, with the names and the duration forms of
 * {@code freshet.yaml} ({@code 5m}, {@code 7d}), so that what a client reads is what the file says.
 * Rendered once: definitions never change while a server runs.
 */
final class RegistryJson {

    private RegistryJson() {
    }

    static byte[] render(FreshetConfig config) {
        Definitions d = config.definitions();
        JsonOut out = new JsonOut(4096);
        out.raw('{').name("project").string(config.project());
        out.raw(',').name("entities").raw('[');
        for (int i = 0; i < d.entities().size(); i++) {
            Entity e = d.entities().get(i);
            (i > 0 ? out.raw(',') : out).raw('{').name("name").string(e.name()).raw(',').name("join_key").string(e.joinKey()).raw('}');
        }
        out.raw(']').raw(',').name("sources").raw('[');
        for (int i = 0; i < d.sources().size(); i++) {
            Source s = d.sources().get(i);
            (i > 0 ? out.raw(',') : out).raw('{').name("name").string(s.name()).raw(',').name("topic").string(s.topic())
                    .raw(',').name("format").string(s.format().yamlName())
                    .raw(',').name("timestamp_field").string(s.timestampField())
                    .raw(',').name("record_key").string(s.recordKey().yamlName())
                    .raw(',').name("schema").raw('{');
            for (int f = 0; f < s.schema().size(); f++) {
                Field field = s.schema().field(f);
                (f > 0 ? out.raw(',') : out).name(field.name()).string(field.type().yamlName());
            }
            out.raw('}').raw('}');
        }
        out.raw(']').raw(',').name("feature_views").raw('[');
        for (int i = 0; i < d.featureViews().size(); i++) {
            FeatureView v = d.featureViews().get(i);
            (i > 0 ? out.raw(',') : out).raw('{').name("name").string(v.name()).raw(',').name("entity").string(v.entity())
                    .raw(',').name("source").string(v.source()).raw(',').name("tile").string(Durations.format(v.tile()))
                    .raw(',').name("ttl");
            duration(out, v.ttl());
            out.raw(',').name("features").raw('[');
            for (int f = 0; f < v.features().size(); f++) {
                feature(f > 0 ? out.raw(',') : out, v.features().get(f));
            }
            out.raw(']').raw('}');
        }
        return out.raw(']').raw('}').toByteArray();
    }

    private static void feature(JsonOut out, FeatureDefinition f) {
        out.raw('{').name("name").string(f.name()).raw(',').name("function").string(f.function().yamlName()).raw(',').name("field");
        if (f.field() == null) {
            out.nul();
        } else {
            out.string(f.field());
        }
        out.raw(',').name("window");
        duration(out, f.window());
        if (f.function() == AggregationFunction.QUANTILE) {
            out.raw(',').name("quantile").number(f.quantile());
        }
        out.raw('}');
    }

    private static void duration(JsonOut out, Duration d) {
        if (d == null) {
            out.nul();
        } else {
            out.string(Durations.format(d));
        }
    }
}
