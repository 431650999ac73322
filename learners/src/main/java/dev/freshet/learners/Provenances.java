package dev.freshet.learners;

import dev.freshet.core.definition.LearnerOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds and checks {@link Provenance}s, so that every learner and the worker that checkpoints them
 * describe a model the same way: the learner by its YAML name, the options by
 * {@link Learners#describe}, the inputs by slot name and each interaction as {@code a*b}.
 * Stateless and thread-safe.
 */
public final class Provenances {

    private Provenances() {
    }

    /**
     * The provenance of a new model: no examples seen, version 0, no offsets, created at 0.
     *
     * @param model          the model's name
     * @param freshetVersion the Freshet version that trains it
     */
    public static Provenance of(String model, LearnerOptions options, ExampleLayout layout, String freshetVersion) {
        Objects.requireNonNull(options, "options");
        return new Provenance(model, options.kind().yamlName(), Learners.describe(options), inputsOf(layout),
                interactionsOf(layout), 0, 0, Map.of(), 0, freshetVersion);
    }

    /** The layout's input names, in slot order. */
    public static List<String> inputsOf(ExampleLayout layout) {
        return layout.slots().stream().map(ExampleLayout.Slot::name).toList();
    }

    /** The layout's interactions, each as {@code a*b} with the slots' names. */
    public static List<String> interactionsOf(ExampleLayout layout) {
        List<String> out = new ArrayList<>(layout.interactions().size());
        for (ExampleLayout.Interaction x : layout.interactions()) {
            out.add(layout.slots().get(x.first()).name() + "*" + layout.slots().get(x.second()).name());
        }
        return List.copyOf(out);
    }

    /**
     * Checks that a snapshot's provenance is of this learner, these options and this layout, so that a
     * model is never restored into another configuration.
     *
     * @throws IllegalArgumentException naming what differs, what the checkpoint has and what is configured
     */
    public static void requireCompatible(Provenance p, LearnerOptions options, ExampleLayout layout) {
        String learner = options.kind().yamlName();
        String advice = ": delete the checkpoint to start again, or restore the old configuration";
        if (!p.learner().equals(learner)) {
            throw new IllegalArgumentException("the checkpoint of model " + p.model() + " was trained by learner "
                    + p.learner() + " but the model is configured with learner " + learner + advice);
        }
        String described = Learners.describe(options);
        if (!p.options().equals(described)) {
            throw new IllegalArgumentException("the checkpoint of model " + p.model() + " was trained with "
                    + p.options() + " but the model is configured with " + described
                    + ": delete the checkpoint to start again, or restore the old options");
        }
        List<String> inputs = inputsOf(layout);
        if (!p.inputs().equals(inputs)) {
            throw new IllegalArgumentException("the checkpoint of model " + p.model() + " was trained with inputs "
                    + p.inputs() + " but the model is configured with inputs " + inputs + advice);
        }
        List<String> interactions = interactionsOf(layout);
        if (!p.interactions().equals(interactions)) {
            throw new IllegalArgumentException("the checkpoint of model " + p.model() + " was trained with interactions "
                    + p.interactions() + " but the model is configured with interactions " + interactions + advice);
        }
    }
}
