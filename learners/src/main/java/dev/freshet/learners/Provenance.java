package dev.freshet.learners;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where a snapshot of a model comes from: enough to tell what it is, how it was trained and how far.
 *
 * @param model          the model's name
 * @param learner        the learner ({@code ftrl} or {@code vw})
 * @param options        the learner's options as configured (FTRL's mapping as text, or VW's option string)
 * @param inputs         the example layout's inputs, in order ({@code view:feature}, then context fields)
 * @param interactions   the crossed inputs, each as {@code a*b}
 * @param examplesSeen   how many examples the model has learnt
 * @param version        the model version number: 0 for a new model, then one more per publication
 * @param offsets        the next offset to read in each partition of the examples topic, by partition
 * @param createdAtMillis when the snapshot was taken, epoch milliseconds
 * @param freshetVersion the Freshet version that wrote it
 */
public record Provenance(String model, String learner, String options, List<String> inputs, List<String> interactions,
                         long examplesSeen, long version, Map<Integer, Long> offsets, long createdAtMillis,
                         String freshetVersion) {

    public Provenance {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(learner, "learner");
        Objects.requireNonNull(options, "options");
        inputs = List.copyOf(inputs);
        interactions = List.copyOf(interactions);
        offsets = Map.copyOf(new TreeMap<>(offsets));
        Objects.requireNonNull(freshetVersion, "freshetVersion");
    }

    public Provenance withExamplesSeen(long n) {
        return new Provenance(model, learner, options, inputs, interactions, n, version, offsets, createdAtMillis, freshetVersion);
    }

    public Provenance withVersion(long v, Map<Integer, Long> nextOffsets, long at) {
        return new Provenance(model, learner, options, inputs, interactions, examplesSeen, v, nextOffsets, at, freshetVersion);
    }
}
