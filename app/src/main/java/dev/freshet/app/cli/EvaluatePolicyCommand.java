package dev.freshet.app.cli;

import dev.freshet.bandits.Policies;
import dev.freshet.bandits.Policy;
import dev.freshet.bandits.ope.Estimate;
import dev.freshet.bandits.ope.Estimator;
import dev.freshet.bandits.ope.IntervalMethod;
import dev.freshet.bandits.ope.LoggedDecision;
import dev.freshet.bandits.ope.OffPolicyEvaluation;
import dev.freshet.bandits.ope.OffPolicyResult;
import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.config.Typos;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.learners.ExampleLayout;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code freshet evaluate-policy}: estimates, from a log of decisions and rewards, the mean reward a
 * policy would have earned (off-policy evaluation), with confidence intervals and the effective sample size.
 */
@Command(name = "evaluate-policy",
        description = {"Estimate from a log of decisions with their rewards the mean reward another policy would have earned: "
                + "IPS, SNIPS, the direct method (a cross-fitted FTRL reward model) and doubly robust, each with a 95 %% interval "
                + "(normal approximation and bootstrap), and the effective sample size. The direct method's intervals refit the "
                + "reward model on --refits bootstrap resamples, so they include its estimation error.",
                "The log: the bandit's archive directory (offline_store.path/events/outcomes.<bandit>, written by freshet run), "
                + "a .jsonl dump of freshet.outcomes.<bandit>, or a .parquet file with the context inputs, candidates, "
                + "action, probability and reward per row.",
                "The policy replays the log as it would have run: before each decision it has learnt every earlier one."})
public final class EvaluatePolicyCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConfigFileOption config;

    @Mixin
    private HelpOption help;

    @Option(names = "--log", required = true, paramLabel = "FILE|DIR",
            description = "The decisions with their rewards: the archive directory, FILE.jsonl or FILE.parquet.")
    private Path logFile;

    @Option(names = "--policy", required = true, paramLabel = "JSON",
            description = "The policy to evaluate, e.g. '{\"policy\": \"lin_ucb\", \"options\": {\"alpha\": 0.5}}'.")
    private String policy;

    @Option(names = "--bandit", paramLabel = "NAME", description = "The bandit whose context the log has. Default: the only bandit.")
    private String banditName;

    @Option(names = "--bootstrap", paramLabel = "N", defaultValue = "500", description = "Bootstrap resamples (default: ${DEFAULT-VALUE}).")
    private int bootstrap;

    @Option(names = "--refits", paramLabel = "N", defaultValue = "100",
            description = "Bootstrap resamples the direct method's reward model is fitted again on (default: ${DEFAULT-VALUE}).")
    private int refits;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "The seed of the evaluation's randomness (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Override
    public Integer call() {
        return Failures.guard(spec, this::evaluate);
    }

    private int evaluate() {
        FreshetConfig loaded = config.load();
        BanditDefinition bandit = bandit(loaded);
        BanditDefinition target = PolicySpec.apply(policy, bandit);
        if (bootstrap < 40) {
            throw new InvalidInputException("--bootstrap must be at least 40, not " + bootstrap);
        }
        if (refits < 40) {
            throw new InvalidInputException("--refits must be at least 40, not " + refits);
        }
        ExampleLayout layout = Policies.layout(bandit);
        PrintWriter out = spec.commandLine().getOut();
        List<LoggedDecision> log;
        try (BufferAllocator allocator = new RootAllocator()) {
            log = DecisionLogFile.read(logFile, bandit.name(), layout, allocator);
        }
        if (log.isEmpty()) {
            throw new InvalidInputException("--log: " + logFile + " holds no decisions");
        }
        long start = System.nanoTime();
        OffPolicyResult result;
        try (Policy p = Policies.create(target, layout)) {
            LearningTarget learning = new LearningTarget(p, log);
            result = OffPolicyEvaluation.builder().target(learning::distribution).seed(seed).bootstrapResamples(bootstrap)
                    .directMethodRefits(refits).build().evaluate(log);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
        double loggedMean = log.stream().mapToDouble(LoggedDecision::reward).average().orElse(Double.NaN);
        out.printf(Locale.ROOT, "Policy %s (%s) on %,d logged decisions of bandit %s (%.1f s)%n", target.policy().yamlName(),
                Policies.describe(target), result.decisions(), bandit.name(), (System.nanoTime() - start) / 1e9);
        out.printf(Locale.ROOT, "logged policy's mean reward  %.4f%n", loggedMean);
        out.printf(Locale.ROOT, "effective sample size        %,.0f of %,d (largest weight %.2f)%n", result.effectiveSize(),
                result.decisions(), result.maxWeight());
        out.printf(Locale.ROOT, "%-6s %9s   %-21s %-21s%n", "", "estimate", "95 % normal", "95 % bootstrap");
        for (Estimator e : Estimator.values()) {
            Estimate normal = result.get(e, IntervalMethod.NORMAL);
            Estimate boot = result.get(e, IntervalMethod.BOOTSTRAP);
            out.printf(Locale.ROOT, "%-6s %9.4f   [%8.4f, %8.4f]  [%8.4f, %8.4f]%n", e.name(), normal.value(), normal.lower(), normal.upper(),
                    boot.lower(), boot.upper());
        }
        out.flush();
        return 0;
    }

    private BanditDefinition bandit(FreshetConfig loaded) {
        List<String> names = loaded.bandits().stream().map(BanditDefinition::name).toList();
        if (banditName != null) {
            return loaded.bandit(banditName).orElseThrow(() -> new InvalidInputException("--bandit: " + config.displayName()
                    + " has no bandit '" + banditName + "' (bandits: " + (names.isEmpty() ? "none" : String.join(", ", names))
                    + Typos.hint(banditName, names) + ")"));
        }
        if (names.size() != 1) {
            throw new InvalidInputException(names.isEmpty() ? config.displayName() + " defines no bandits: add a bandits: section"
                    : "--bandit: name one of " + String.join(", ", names));
        }
        return loaded.bandits().get(0);
    }

    /**
     * The target as it would have run on the log: asked for decision i, it has learnt decisions 0 to i-1
     * (their contexts, actions, rewards and logged propensities). Relies on the evaluation asking in log order.
     */
    private static final class LearningTarget {
        private final Policy policy;
        private final List<LoggedDecision> log;
        private int asked;

        LearningTarget(Policy policy, List<LoggedDecision> log) {
            this.policy = policy;
            this.log = log;
        }

        double[] distribution(dev.freshet.learners.Example context, List<String> candidates, java.util.random.RandomGenerator random) {
            if (asked > 0) {
                LoggedDecision last = log.get(asked - 1);
                policy.learn(last.context(), last.action(), last.reward(), last.propensity());
            }
            asked++;
            return policy.distribution(context, candidates, random);
        }
    }
}
