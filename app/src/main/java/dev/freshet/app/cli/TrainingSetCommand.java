package dev.freshet.app.cli;

import dev.freshet.core.config.FreshetConfig;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.error.InvalidInputException;
import dev.freshet.core.feature.FeatureRef;
import dev.freshet.offline.archive.EventArchive;
import dev.freshet.offline.join.PointInTimeJoin;
import dev.freshet.offline.join.TrainingSetRequest;
import dev.freshet.offline.join.TrainingSetSummary;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code freshet training-set}: a point-in-time-correct training set from the Parquet archive: for
 * each spine row, the features as the online store would have served them at the row's time.
 */
@Command(name = "training-set",
        description = {"Write a point-in-time-correct training set: one row per spine row, in spine order, with the spine's "
                + "columns and the requested features as the online store would have served them at the row's time "
                + "(from the events strictly before it, with the same aggregation code and windows).",
                "Features come from the Parquet archive under offline_store.path, which `freshet run` (or `freshet archive`) "
                + "fills; events not yet archived (the last offline_store.flush_interval) are not seen.",
                "Memory stays within --memory: larger inputs are sorted in runs spilled to disk."})
public final class TrainingSetCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConfigFileOption config;

    @Mixin
    private HelpOption help;

    @Option(names = "--spine", required = true, paramLabel = "FILE",
            description = "The label rows: a .csv file (with a header) or a .parquet file.")
    private Path spine;

    @Option(names = "--entity-column", paramLabel = "NAME",
            description = "The spine column with the entity ids. Default: the join key of the features' entity.")
    private String entityColumn;

    @Option(names = "--timestamp-column", paramLabel = "NAME",
            description = "The spine column with each row's time: epoch milliseconds, a timestamp, or ISO-8601 text with an offset "
                    + "(2026-11-21T10:15:00+01:00). Default: the timestamp field of the first feature's source.")
    private String timestampColumn;

    @Option(names = "--features", required = true, split = ",", paramLabel = "VIEW:FEATURE",
            description = "The features, comma-separated: user_activity:clicks_5m,user_activity:spend_1h")
    private List<String> features;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Where to write: FILE.parquet, or FILE.arrow for Arrow IPC. A manifest (provenance) goes beside it.")
    private Path out;

    @Option(names = "--full-feature-names", description = "Name feature columns VIEW__FEATURE instead of FEATURE.")
    private boolean fullFeatureNames;

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "512m", converter = ByteSizeConverter.class,
            description = "The memory the join may hold before it spills sorted runs to disk (default: ${DEFAULT-VALUE}).")
    private long memory;

    @Option(names = "--spill-dir", paramLabel = "DIR",
            description = "Where spilled runs go (removed afterwards). Default: the output's directory.")
    private Path spillDirectory;

    @Override
    public Integer call() {
        return Failures.guard(spec, this::write);
    }

    private int write() {
        FreshetConfig loaded = config.load();
        Definitions definitions = loaded.definitions();
        List<FeatureRef> refs = refs(definitions);
        FeatureView first = definitions.featureView(refs.get(0).view()).orElseThrow();
        String entity = entityColumn != null ? entityColumn : definitions.entityOf(first).joinKey();
        String time = timestampColumn != null ? timestampColumn : definitions.sourceOf(first).timestampField();
        TrainingSetRequest request = new TrainingSetRequest(spine, entity, time, refs, fullFeatureNames);
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        Path offline = loaded.offlineStore().path();
        PhaseProgress progress = Terminal.isTerminal(Terminal.STDERR) ? PhaseProgress.bar(err, System::nanoTime)
                : PhaseProgress.lines(err, System::nanoTime);
        Path absoluteOut = out.toAbsolutePath();
        TrainingSetSummary summary;
        try (BufferAllocator allocator = new RootAllocator()) {
            PointInTimeJoin join = PointInTimeJoin.builder().definitions(definitions)
                    .archive(source -> EventArchive.files(offline, source))
                    .allocator(allocator).memoryBudget(memory)
                    .spillDirectory(spillDirectory != null ? spillDirectory : absoluteOut.getParent())
                    .progress(progress).freshetVersion(Version.current()).build();
            try {
                summary = join.writeFile(request, absoluteOut);
            } finally {
                progress.finish();
            }
        }
        stdout.println(describe(summary, refs.size()));
        stdout.flush();
        return 0;
    }

    /** {@code Wrote 1,000,000 rows x 3 features to training.parquet in 12.3 s (...)}. */
    static String describe(TrainingSetSummary s, int features) {
        String where = s.output().map(Path::toString).orElse("the sink");
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "Wrote %s x %s to %s in %.1f s",
                Counts.plural(s.spineRows(), "row"), Counts.plural(features, "feature"), where, s.elapsed().toMillis() / 1000.0));
        s.manifest().ifPresent(m -> line.append(" (provenance in ").append(m.getFileName()).append(")"));
        line.append(String.format(Locale.ROOT, ": %s read from %s", Counts.plural(s.eventsRead(), "archived event"),
                Counts.plural(s.filesRead(), "file")));
        if (s.spineRows() > 0) {
            line.append(", spine times ").append(java.time.Instant.ofEpochMilli(s.minTimestamp())).append(" to ")
                    .append(java.time.Instant.ofEpochMilli(s.maxTimestamp()));
        }
        if (s.spillFiles() > 0) {
            line.append(", ").append(Counts.plural(s.spillFiles(), "run")).append(" spilled to disk (raise --memory to avoid that)");
        }
        return line.append('.').toString();
    }

    private List<FeatureRef> refs(Definitions definitions) {
        List<FeatureRef> refs = new ArrayList<>();
        for (String text : features) {
            if (text.isBlank()) {
                continue;
            }
            refs.add(FeatureRef.parse(text.trim()));
        }
        if (refs.isEmpty()) {
            throw new InvalidInputException("--features names no feature (give VIEW:FEATURE[,VIEW:FEATURE...])");
        }
        for (FeatureRef ref : refs) {
            if (definitions.featureView(ref.view()).isEmpty()) {
                List<String> views = definitions.featureViews().stream().map(FeatureView::name).toList();
                throw new InvalidInputException(String.format(Locale.ROOT, "--features: %s has no feature view '%s' (views: %s)%s",
                        config.displayName(), ref.view(), String.join(", ", views),
                        dev.freshet.core.config.Typos.hint(ref.view(), views)));
            }
        }
        return refs;
    }
}
