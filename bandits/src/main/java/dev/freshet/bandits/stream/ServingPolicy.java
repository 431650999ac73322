package dev.freshet.bandits.stream;

import dev.freshet.bandits.Distributions;
import dev.freshet.bandits.Policies;
import dev.freshet.bandits.Policy;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.stream.HotSwap;
import dev.freshet.learners.stream.TopicWorker;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The version of a bandit's policy that makes decisions, swapped for a newer one while requests run
 * (see {@link HotSwap}). Each version draws its randomness from a generator seeded with the bandit's
 * {@code seed} and the version number, so a sequence of decisions replays. Thread-safe.
 */
public final class ServingPolicy implements AutoCloseable {

    /**
     * A decision: the candidates' distribution, the action sampled from it and its probability.
     *
     * @param index        the chosen candidate's position
     * @param distribution the probability of each candidate, in candidate order
     * @param version      the policy version that decided
     */
    public record Choice(int index, double[] distribution, String version) {
        public double probability() {
            return distribution[index];
        }

        /** The distribution as a list, in candidate order (as a decision record holds it). */
        public List<Double> probabilities() {
            return java.util.Arrays.stream(distribution).boxed().toList();
        }
    }

    /** A policy version with its own randomness. */
    private record Seeded(Policy policy, SplittableRandom random) implements AutoCloseable {
        @Override
        public void close() {
            policy.close();
        }
    }

    private final BanditDefinition bandit;
    private final ExampleLayout layout;
    private final HotSwap<Seeded> versions;

    private ServingPolicy(BanditDefinition bandit, ExampleLayout layout, Policy untrained) {
        this.bandit = bandit;
        this.layout = layout;
        this.versions = new HotSwap<>("the serving policy of bandit " + bandit.name(),
                new HotSwap.Version<>(new Seeded(untrained, random(bandit, 0)), TopicWorker.versionName(bandit.name(), 0), 0));
    }

    /** A serving policy that starts knowing nothing (version 0). */
    public static ServingPolicy untrained(BanditDefinition bandit) {
        ExampleLayout layout = Policies.layout(bandit);
        return new ServingPolicy(bandit, layout, Policies.create(bandit, layout));
    }

    private static SplittableRandom random(BanditDefinition bandit, long version) {
        return new SplittableRandom(bandit.options().seed() * 31 + version);
    }

    public BanditDefinition bandit() {
        return bandit;
    }

    /** The inputs of this bandit's contexts. */
    public ExampleLayout layout() {
        return layout;
    }

    /**
     * Decides among candidates: the current version's distribution, then one action sampled from it.
     *
     * @throws IllegalArgumentException when the candidates are empty or repeat one
     * @throws IllegalStateException    when closed
     */
    public Choice decide(Example context, List<String> candidates) {
        return versions.use(v -> {
            double[] p = v.value().policy().distribution(context, candidates, v.value().random());
            return new Choice(Distributions.sample(p, v.value().random()), p, v.name());
        });
    }

    /**
     * Makes a snapshot the serving version; an older one than the current is ignored.
     *
     * @throws IllegalArgumentException when the snapshot is not of this bandit's policy, options and context
     */
    public void publish(LearnerSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        long version = snapshot.provenance().version();
        Policy policy = Policies.restore(snapshot, bandit, layout);
        versions.swap(new HotSwap.Version<>(new Seeded(policy, random(bandit, version)), TopicWorker.versionName(bandit.name(), version),
                snapshot.provenance().examplesSeen()));
    }

    /** The name of the version deciding now. */
    public String version() {
        HotSwap.Version<Seeded> v = versions.current();
        return v == null ? TopicWorker.versionName(bandit.name(), 0) : v.name();
    }

    /** How many outcomes the deciding version has learnt. */
    public long outcomesLearnt() {
        HotSwap.Version<Seeded> v = versions.current();
        return v == null ? 0 : v.learnt();
    }

    @Override
    public void close() {
        versions.close();
    }
}
