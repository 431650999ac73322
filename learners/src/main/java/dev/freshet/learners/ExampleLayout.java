package dev.freshet.learners;

import dev.freshet.core.definition.ModelDefinition;
import dev.freshet.core.definition.ModelInputs;
import dev.freshet.core.feature.FeatureRef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The inputs of a model's examples, in a fixed order: its features (named {@code view:feature},
 * in the view's namespace), then its request context fields (in the {@value #CONTEXT_NAMESPACE}
 * namespace), and the pairs of inputs it crosses. Immutable and thread-safe.
 */
public final class ExampleLayout {

    /** The namespace of request context fields. */
    public static final String CONTEXT_NAMESPACE = "context";

    /** One input: its name in examples ({@code view:feature} or a context field), its short name, and its namespace. */
    public record Slot(String name, String shortName, String namespace) {
        public Slot {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(shortName, "shortName");
            Objects.requireNonNull(namespace, "namespace");
        }
    }

    /** Two inputs, by slot index, crossed into one. */
    public record Interaction(int first, int second) {
    }

    private final List<Slot> slots;
    private final List<Interaction> interactions;
    private final int featureCount;
    private final Map<String, Integer> index;

    private ExampleLayout(List<Slot> slots, int featureCount, List<Interaction> interactions) {
        this.slots = List.copyOf(slots);
        this.featureCount = featureCount;
        this.interactions = List.copyOf(interactions);
        Map<String, Integer> idx = new HashMap<>();
        for (int i = 0; i < this.slots.size(); i++) {
            if (idx.putIfAbsent(this.slots.get(i).name(), i) != null) {
                throw new IllegalArgumentException("input " + this.slots.get(i).name() + " is listed twice");
            }
        }
        this.index = Map.copyOf(idx);
        for (Interaction x : this.interactions) {
            if (x.first() < 0 || x.first() >= this.slots.size() || x.second() < 0 || x.second() >= this.slots.size()) {
                throw new IllegalArgumentException("interaction " + x + " names a slot outside 0.." + (this.slots.size() - 1));
            }
        }
    }

    /**
     * The layout of a model: features then context, interactions resolved by a feature's name, its
     * {@code view:feature} reference, or a context field's name (the configuration has checked that each
     * resolves to exactly one input).
     */
    public static ExampleLayout of(ModelDefinition model) {
        return of(model.features(), model.context(), model.interactions());
    }

    /** As {@link #of(ModelDefinition)}, from the parts. */
    public static ExampleLayout of(List<FeatureRef> features, List<String> context, List<List<String>> interactions) {
        List<Slot> slots = new ArrayList<>();
        for (FeatureRef f : features) {
            slots.add(new Slot(f.toString(), f.feature(), f.view()));
        }
        for (String c : context) {
            slots.add(new Slot(c, c, CONTEXT_NAMESPACE));
        }
        List<Interaction> crossed = new ArrayList<>();
        for (List<String> pair : interactions) {
            if (pair.size() != 2) {
                throw new IllegalArgumentException("an interaction crosses two inputs, not " + pair);
            }
            crossed.add(new Interaction(resolve(slots, features.size(), pair.get(0)), resolve(slots, features.size(), pair.get(1))));
        }
        return new ExampleLayout(slots, features.size(), crossed);
    }

    private static int resolve(List<Slot> slots, int featureCount, String name) {
        ModelInputs.Resolution r = ModelInputs.resolve(slots.stream().map(Slot::name).toList(),
                slots.stream().map(Slot::shortName).toList(), featureCount, name);
        if (r.ambiguousAt() >= 0) {
            throw new IllegalArgumentException("interaction input " + name + " is ambiguous: it names "
                    + slots.get(r.index()).name() + " and " + slots.get(r.ambiguousAt()).name() + " (write view:feature)");
        }
        if (r.index() < 0) {
            throw new IllegalArgumentException("interaction input " + name + " is not a feature or context field of the model");
        }
        return r.index();
    }

    /** Every input, features first. */
    public List<Slot> slots() {
        return slots;
    }

    public int size() {
        return slots.size();
    }

    /** How many of the slots are features (the rest are context fields). */
    public int featureCount() {
        return featureCount;
    }

    public List<Interaction> interactions() {
        return interactions;
    }

    /** The slot index of an input, or -1. */
    public int indexOf(String name) {
        Integer i = index.get(name);
        return i == null ? -1 : i;
    }

    /** A new, empty example of this layout. */
    public Example newExample() {
        return new Example(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExampleLayout other && slots.equals(other.slots) && interactions.equals(other.interactions)
                && featureCount == other.featureCount;
    }

    @Override
    public int hashCode() {
        return Objects.hash(slots, interactions, featureCount);
    }

    @Override
    public String toString() {
        return "ExampleLayout" + slots.stream().map(Slot::name).toList() + " x " + interactions;
    }
}
