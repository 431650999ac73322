package dev.freshet.bandits.vw;

import dev.freshet.bandits.Distributions;
import dev.freshet.bandits.Policy;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.PolicyKind;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;
import dev.freshet.learners.LearnerArguments;
import dev.freshet.learners.LearnerSnapshot;
import dev.freshet.learners.Provenance;
import dev.freshet.learners.Provenances;
import dev.freshet.learners.vw.VwNative;
import dev.freshet.learners.vw.VwState;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;

/**
 * The {@code vw_cb} policy: Vowpal Wabbit's {@code --cb_explore_adf}, run in process through vw-jni.
 *
 * <p><b>Options.</b> VW gets the bandit's {@code vw_arguments} plus {@code --quiet} and
 * {@code --random_seed <seed>} from the bandit's {@code seed} (unless the arguments hold one): VW
 * explores with its own generator, so the {@link RandomGenerator} given to {@link #distribution} is not
 * used. {@code --cb_explore_adf} is required, and the options VW models may not use are refused (see
 * {@link VwCbArguments}); VW's own rejection of an option becomes an {@link IllegalArgumentException}
 * with the option string.
 *
 * <p><b>Examples</b> are written by {@link AdfText}: a shared line with the context, one
 * {@code |Action a=<name>} line per candidate, so {@code -q cA} crosses the request context with the
 * actions and {@code -q uA} a view {@code user_activity} with them (VW's namespace letters are
 * case-sensitive).
 *
 * <p><b>Distributions</b> are VW's action probabilities, put back in candidate order (VW sorts them by
 * probability), normalised (VW computes in single precision), then floored at {@code min_probability}
 * ({@link Distributions#floor}). An exploration algorithm may give a candidate probability 0 (greedy
 * choices, {@code --first}, {@code --cover} after its first rounds); with {@code min_probability} 0
 * such a candidate is never chosen, so never logged with propensity 0.
 *
 * <p><b>Learning</b> writes the shared line and the chosen action's line only, labelled with
 * {@code cost = -reward} (VW minimises cost) and the logged propensity: {@link Policy#learn} does not
 * carry the other candidates. That is exactly what VW's default cost estimator for ADF, {@code mtr},
 * learns from (a regression on the chosen action's features weighted by 1/propensity), and what
 * {@code --squarecb}, {@code --epsilon}, {@code --bag} and {@code --softmax} build on. Estimators that
 * use the unchosen actions' lines ({@code --cb_type ips}, {@code dr}, and {@code --cover}) learn less
 * than they would from the full candidate list.
 *
 * <p><b>Snapshots</b> hold VW's model file, with its learning state, and {@link #outcomesLearnt()}, in
 * the checksummed format of the VW learner ({@link VwState}). A snapshot's provenance names the policy
 * {@code vw_cb} as its learner, the bandit's {@code vw_arguments} as its options, and the layout's
 * inputs and interactions.
 *
 * <p>Not thread-safe, except {@link #close()}: idempotent, callable from any thread; it releases the
 * native instance, and every later call but {@link #outcomesLearnt()} and {@link #layout()} throws
 * {@link IllegalStateException}.
 */
public final class VwCbPolicy implements Policy {

    /** The policy's name in provenances. */
    static final String NAME = PolicyKind.VW_CB.yamlName();

    private final BanditDefinition bandit;
    private final ExampleLayout layout;
    private final AdfText text;
    private final VwNative vw;
    private final AtomicBoolean closed = new AtomicBoolean();
    private long outcomesLearnt;

    private VwCbPolicy(BanditDefinition bandit, ExampleLayout layout, VwNative vw, long outcomesLearnt) {
        this.bandit = bandit;
        this.layout = layout;
        this.text = new AdfText(layout);
        this.vw = vw;
        this.outcomesLearnt = outcomesLearnt;
    }

    /**
     * A new policy, knowing nothing yet.
     *
     * @throws IllegalArgumentException when the bandit is not {@code vw_cb}, its options are refused, or VW
     *                                  rejects them (with VW's reason and the full option string)
     */
    public static Policy create(BanditDefinition bandit, ExampleLayout layout) {
        String arguments = arguments(bandit);
        Objects.requireNonNull(layout, "layout");
        return new VwCbPolicy(bandit, layout, VwNative.createContextualBandit(arguments), 0);
    }

    /**
     * A policy in the state of a snapshot.
     *
     * @throws IllegalArgumentException when the snapshot is of another policy, options or context layout
     * @throws dev.freshet.core.error.CorruptDataException when its state cannot be read
     */
    public static Policy restore(LearnerSnapshot snapshot, BanditDefinition bandit, ExampleLayout layout) {
        String arguments = arguments(bandit);
        requireCompatible(snapshot.provenance(), bandit, layout);
        VwState state = VwState.decode(snapshot.state());
        return new VwCbPolicy(bandit, layout, VwNative.loadContextualBandit(arguments, state.model()), state.examplesSeen());
    }

    private static String arguments(BanditDefinition bandit) {
        if (bandit.policy() != PolicyKind.VW_CB) {
            throw new IllegalArgumentException("bandit " + bandit.name() + " has policy " + bandit.policy().yamlName()
                    + ", not " + NAME);
        }
        try {
            return VwCbArguments.effective(bandit.options().vwArguments(), bandit.options().seed());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bandit " + bandit.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks that a provenance is of this policy, these options and this layout, so that a model is never
     * restored into another configuration.
     *
     * @throws IllegalArgumentException naming what differs, what the checkpoint has and what is configured
     */
    static void requireCompatible(Provenance p, BanditDefinition bandit, ExampleLayout layout) {
        String advice = ": delete the checkpoint to start again, or restore the old configuration";
        String of = "the checkpoint of bandit " + p.model();
        if (!p.learner().equals(NAME)) {
            throw new IllegalArgumentException(of + " was trained by policy " + p.learner() + " but bandit " + bandit.name()
                    + " is configured with policy " + NAME + advice);
        }
        String configured = VwCbArguments.normalised(bandit.options().vwArguments());
        if (!VwCbArguments.normalised(p.options()).equals(configured)) {
            throw new IllegalArgumentException(of + " was trained with VW options \"" + p.options() + "\" but bandit "
                    + bandit.name() + " is configured with \"" + configured + "\"" + advice);
        }
        List<String> inputs = Provenances.inputsOf(layout);
        if (!p.inputs().equals(inputs)) {
            throw new IllegalArgumentException(of + " was trained with inputs " + p.inputs() + " but bandit "
                    + bandit.name() + " is configured with inputs " + inputs + advice);
        }
        List<String> interactions = Provenances.interactionsOf(layout);
        if (!p.interactions().equals(interactions)) {
            throw new IllegalArgumentException(of + " was trained with interactions " + p.interactions() + " but bandit "
                    + bandit.name() + " is configured with interactions " + interactions + advice);
        }
    }

    @Override
    public ExampleLayout layout() {
        return layout;
    }

    /** {@inheritDoc} VW explores with its own seeded generator; {@code random} is not used. */
    @Override
    public double[] distribution(Example context, List<String> candidates, RandomGenerator random) {
        checkOpen();
        LearnerArguments.requireLayout(layout, context);
        requireCandidates(candidates);
        double[] p = vw.actionProbabilities(text.unlabelled(context, candidates), candidates.size());
        double sum = 0;
        for (double x : p) {
            sum += x;
        }
        if (!(sum > 0) || !Double.isFinite(sum)) {
            throw new IllegalStateException("VW gave probabilities summing to " + sum + " over " + candidates.size()
                    + " candidates of bandit " + bandit.name());
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return Distributions.floor(p, bandit.options().minProbability());
    }

    @Override
    public void learn(Example context, String action, double reward, double propensity) {
        if (!Double.isFinite(reward)) {
            throw new IllegalArgumentException("reward must be finite, not " + reward + " (bandit " + bandit.name() + ")");
        }
        if (!(propensity > 0 && propensity <= 1)) {
            throw new IllegalArgumentException("propensity must be in (0, 1], not " + propensity + " (bandit " + bandit.name() + ")");
        }
        Objects.requireNonNull(action, "action");
        checkOpen();
        LearnerArguments.requireLayout(layout, context);
        vw.learnActions(text.labelled(context, action, -reward, propensity));
        outcomesLearnt++;
    }

    @Override
    public long outcomesLearnt() {
        return outcomesLearnt;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the provenance is not of this policy, its options and layout
     */
    @Override
    public LearnerSnapshot snapshot(Provenance provenance) {
        checkOpen();
        requireCompatible(provenance, bandit, layout);
        byte[] state = new VwState(outcomesLearnt, vw.model()).encode();
        return new LearnerSnapshot(provenance.withExamplesSeen(outcomesLearnt), state);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            vw.close();
        }
    }

    private static void requireCandidates(List<String> candidates) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("a decision needs at least one candidate action");
        }
        Set<String> seen = new HashSet<>(candidates.size() * 2);
        for (String c : candidates) {
            if (!seen.add(Objects.requireNonNull(c, "candidate"))) {
                throw new IllegalArgumentException("candidate " + c + " appears twice in " + candidates);
            }
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the vw_cb policy of bandit " + bandit.name() + " is closed");
        }
    }

    @Override
    public String toString() {
        return "VwCbPolicy{" + bandit.name() + ", outcomesLearnt=" + outcomesLearnt + (closed.get() ? ", closed" : "") + "}";
    }
}
