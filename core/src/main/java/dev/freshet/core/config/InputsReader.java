package dev.freshet.core.config;

import dev.freshet.core.config.NodeReader.Entries;
import dev.freshet.core.config.NodeReader.Item;
import dev.freshet.core.definition.FeatureDefinition;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.feature.FeatureRef;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the parts that models ({@link ModelsReader}) and bandits ({@link BanditsReader}) share:
 * lists of feature references and of names, and the source their outcomes (labels, rewards) come
 * from. An item that cannot be read is reported and becomes an empty placeholder, so that paths stay
 * those of the file; checks against a definition that could not be read are marked explained.
 */
final class InputsReader {

    static final FeatureRef NO_FEATURE = new FeatureRef("", "");

    private final NodeReader in;
    private final DefinitionsReader.Parts parts;

    InputsReader(NodeReader in, DefinitionsReader.Parts parts) {
        this.in = in;
        this.parts = parts;
    }

    /** The feature references listed under {@code key}; empty when absent. */
    List<FeatureRef> features(Entries m, String key) {
        List<FeatureRef> refs = new ArrayList<>();
        for (Item f : in.list(m, key)) {
            String text = in.string(f);
            FeatureRef ref = text == null ? null : featureRef(f.path(), text);
            if (ref != null && parts.unsureViews().test(ref.view())) {
                in.explained(f.path()); // the view could not be read, so whether it has the feature is unknown
            }
            refs.add(ref == null ? NO_FEATURE : ref);
        }
        return refs;
    }

    private FeatureRef featureRef(String path, String text) {
        try {
            return FeatureRef.parse(text);
        } catch (InvalidInputException e) {
            List<String> candidates = new ArrayList<>();
            for (FeatureView v : parts.views()) {
                for (FeatureDefinition f : v.features()) {
                    candidates.add(v.name() + ":" + f.name());
                }
            }
            String hint = candidates.stream().filter(c -> c.endsWith(":" + text.trim())).findFirst()
                    .map(c -> "; did you mean " + c + "?").orElse("");
            in.problem(path, text, "is not a feature reference (write it as view:feature, e.g. user_activity:clicks_5m" + hint + ")");
            return null;
        }
    }

    /** A list of single values; an item that cannot be read is an empty placeholder. */
    List<String> names(Entries m, String key) {
        List<String> names = new ArrayList<>();
        for (Item item : in.list(m, key)) {
            names.add(orEmpty(in.string(item)));
        }
        return names;
    }

    /**
     * Marks the source, join key and field of an outcome mapping ({@code label}, {@code reward})
     * explained when the source's schema could not be read, since its fields cannot be checked.
     */
    void outcomeSource(Entries outcome, String source) {
        if (source != null && parts.unsureSources().test(source)) {
            in.explained(outcome.pathOf("source"));
            in.explained(outcome.pathOf("join_key"));
            in.explained(outcome.pathOf("field"));
        }
    }

    static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
