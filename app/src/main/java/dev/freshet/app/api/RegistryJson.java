package dev.freshet.app.api;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.AggregationFunction;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.BanditOptions;
import dev.freshet.core.definition.Durations;
import dev.freshet.core.definition.Entity;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.LabelSpec;
import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.definition.PolicyKind;
import dev.freshet.core.definition.RewardSpec;
import dev.freshet.core.definition.Source;

import java.time.Duration;
import java.util.List;

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
        out.raw(']').raw(',').name("models").raw('[');
        for (int i = 0; i < config.models().size(); i++) {
            model(i > 0 ? out.raw(',') : out, config.models().get(i));
        }
        out.raw(']').raw(',').name("bandits").raw('[');
        for (int i = 0; i < config.bandits().size(); i++) {
            bandit(i > 0 ? out.raw(',') : out, config.bandits().get(i));
        }
        return out.raw(']').raw('}').toByteArray();
    }

    /** A bandit as {@code freshet.yaml} has it, with every option (defaults included). */
    private static void bandit(JsonOut out, BanditDefinition b) {
        out.raw('{').name("name").string(b.name()).raw(',').name("policy").string(b.policy().yamlName());
        strings(out.raw(',').name("actions"), b.actions());
        strings(out.raw(',').name("context_features"), b.contextFeatures().stream().map(Object::toString).toList());
        strings(out.raw(',').name("context"), b.context());
        RewardSpec r = b.reward();
        out.raw(',').name("reward").raw('{').name("source").string(r.source()).raw(',').name("join_key").string(r.joinKey())
                .raw(',').name("field").string(r.field()).raw(',').name("window").string(Durations.format(r.window()))
                .raw(',').name("default").number(r.defaultReward()).raw(',').name("aggregate").string(r.aggregate().yamlName()).raw('}');
        BanditOptions o = b.options();
        out.raw(',').name("options");
        if (b.policy() == PolicyKind.VW_CB) {
            out.string(o.vwArguments());
        } else {
            out.raw('{').name("epsilon").number(o.epsilon()).raw(',').name("alpha").number(o.alpha()).raw(',').name("lambda").number(o.lambda())
                    .raw(',').name("v").number(o.v()).raw(',').name("thompson").string(o.thompson()).raw(',').name("form").string(o.form())
                    .raw(',').name("hash_buckets").number(o.hashBuckets()).raw(',').name("min_probability").number(o.minProbability())
                    .raw(',').name("samples").number(o.samples()).raw(',').name("seed").number(o.seed()).raw('}');
        }
        out.raw(',').name("publish_interval").string(Durations.format(b.publishInterval())).raw('}');
    }

    private static void strings(JsonOut out, List<String> values) {
        out.raw('[');
        for (int i = 0; i < values.size(); i++) {
            (i > 0 ? out.raw(',') : out).string(values.get(i));
        }
        out.raw(']');
    }

    /** A model as {@code freshet.yaml} has it; FTRL's options as a mapping, VW's as its string. */
    private static void model(JsonOut out, ModelDefinition m) {
        out.raw('{').name("name").string(m.name()).raw(',').name("learner").string(m.learner().yamlName())
                .raw(',').name("features").raw('[');
        for (int f = 0; f < m.features().size(); f++) {
            (f > 0 ? out.raw(',') : out).string(m.features().get(f).toString());
        }
        out.raw(']').raw(',').name("context").raw('[');
        for (int c = 0; c < m.context().size(); c++) {
            (c > 0 ? out.raw(',') : out).string(m.context().get(c));
        }
        out.raw(']').raw(',').name("interactions").raw('[');
        for (int x = 0; x < m.interactions().size(); x++) {
            List<String> pair = m.interactions().get(x);
            (x > 0 ? out.raw(',') : out).raw('[').string(pair.get(0)).raw(',').string(pair.get(1)).raw(']');
        }
        LabelSpec l = m.label();
        out.raw(']').raw(',').name("label").raw('{').name("source").string(l.source()).raw(',').name("join_key").string(l.joinKey())
                .raw(',').name("field").string(l.field()).raw(',').name("window").string(Durations.format(l.window()))
                .raw(',').name("default").number(l.defaultLabel()).raw('}').raw(',').name("options");
        switch (m.options()) {
            case LearnerOptions.Ftrl f -> out.raw('{').name("alpha").number(f.alpha()).raw(',').name("beta").number(f.beta())
                    .raw(',').name("l1").number(f.l1()).raw(',').name("l2").number(f.l2())
                    .raw(',').name("hash_bits").number(f.hashBits()).raw(',').name("numbers").string(f.numbers().yamlName()).raw('}');
            case LearnerOptions.Vw vw -> out.string(vw.arguments());
        }
        out.raw(',').name("publish_interval").string(Durations.format(m.publishInterval())).raw('}');
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
