package dev.freshet.app.cli;

import dev.freshet.bandits.stream.BanditService;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.Source;
import dev.freshet.features.FeatureCounters;
import dev.freshet.features.Pipeline;
import dev.freshet.learners.stream.JoinCounters;
import dev.freshet.learners.stream.Training;
import dev.freshet.offline.archive.Archiver;
import dev.freshet.online.sink.TileSink;
import dev.freshet.ingest.stream.IngestCounters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the streaming pipeline has processed since it started, per source and per feature view, and
 * with models or bandits what their joins took in and their learners learnt: the status line of
 * {@code freshet run}. The counts are the processing counters, which count a record again when its
 * transaction is retried; the topics are the exact record.
 */
record PipelineStatus(List<SourceCounts> sources, List<ViewCounts> views, StoreCounts store, ArchiveCounts archive,
                      List<JoinCounts> joins, List<LearnerCounts> learners) {

    PipelineStatus {
        sources = List.copyOf(sources);
        views = List.copyOf(views);
        joins = List.copyOf(joins);
        learners = List.copyOf(learners);
    }

    PipelineStatus(List<SourceCounts> sources, List<ViewCounts> views, StoreCounts store, ArchiveCounts archive) {
        this(sources, views, store, archive, List.of(), List.of());
    }

    PipelineStatus(List<SourceCounts> sources, List<ViewCounts> views) {
        this(sources, views, null, null);
    }

    /**
     * A join of what was served with its outcomes (the label join, the reward join): served records taken in, and
     * joined records written with an outcome that came within the window or with the default one.
     */
    record JoinCounts(String join, String served, String joined, long taken, long observed, long defaulted) {
    }

    /** A model's or a bandit's learner: records learnt since start, and the version serving now. */
    record LearnerCounts(String name, String records, long learnt, String serving) {
    }

    /** With the label join and each model's learner, and the reward join and each bandit's; either may be null (none configured). */
    PipelineStatus learning(Training training, BanditService bandits) {
        List<JoinCounts> j = new ArrayList<>();
        List<LearnerCounts> l = new ArrayList<>();
        if (training != null) {
            JoinCounters c = training.stream().counters();
            j.add(new JoinCounts("label join", "prediction", "labelled", c.subjects(), c.observed(), c.defaulted()));
            training.workers().forEach((name, w) -> l.add(new LearnerCounts(name, "example", w.examplesLearnt(),
                    training.serving().get(name).version())));
        }
        if (bandits != null) {
            JoinCounters c = bandits.stream().counters();
            j.add(new JoinCounts("reward join", "decision", "rewarded", c.subjects(), c.observed(), c.defaulted()));
            bandits.workers().forEach((name, w) -> l.add(new LearnerCounts(name, "outcome", w.outcomesLearnt(),
                    bandits.serving().get(name).version())));
        }
        return new PipelineStatus(sources, views, store, archive, j, l);
    }

    /**
     * The archiver of the offline store: events committed to the archive since start, how many it is behind, and whether
     * it is retrying a failure.
     */
    record ArchiveCounts(long archived, long lag, boolean failing) {
        ArchiveCounts(long archived, long lag) {
            this(archived, lag, false);
        }
    }

    /**
     * The online-store sink: tile records written and removed, how many it is behind, and whether the store refuses
     * writes now.
     */
    record StoreCounts(long written, long removed, long lag, boolean failing) {
        StoreCounts(long written, long removed, long lag) {
            this(written, removed, lag, false);
        }
    }

    /** Raw records of a source: turned into events, or dead-lettered (by reason code). */
    record SourceCounts(String source, long events, Map<String, Long> deadLettersByReason) {
        SourceCounts {
            deadLettersByReason = Map.copyOf(deadLettersByReason);
        }

        long deadLetters() {
            return deadLettersByReason.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Events of a feature view: added to a tile, too late for their tile, and tile records published. */
    record ViewCounts(String view, long applied, long late, long published) {
    }

    static PipelineStatus of(Pipeline pipeline, Definitions definitions) {
        return of(pipeline.ingestCounters(), pipeline.featureCounters(), definitions);
    }

    /** With the online-store sink's and the archiver's counts, when they run. */
    static PipelineStatus of(Pipeline pipeline, TileSink sink, Archiver archiver, Definitions definitions) {
        PipelineStatus p = of(pipeline, definitions);
        return new PipelineStatus(p.sources(), p.views(),
                sink == null ? null : new StoreCounts(sink.tilesWritten(), sink.tilesRemoved(), sink.lag(), sink.storeError() != null),
                archiver == null ? null : new ArchiveCounts(archiver.rowsArchived().values().stream().mapToLong(Long::longValue).sum(),
                        archiver.lag(), archiver.retryingError() != null));
    }

    /** Every count 0: what a pipeline that has processed nothing shows. */
    static PipelineStatus none(Definitions definitions) {
        return of(new IngestCounters(), new FeatureCounters(), definitions);
    }

    private static PipelineStatus of(IngestCounters ingest, FeatureCounters features, Definitions definitions) {
        List<SourceCounts> sources = new ArrayList<>();
        for (Source source : definitions.sources()) {
            sources.add(new SourceCounts(source.name(), ingest.valid(source.name()), ingest.deadLetteredByReason(source.name())));
        }
        List<ViewCounts> views = new ArrayList<>();
        for (FeatureView view : definitions.featureViews()) {
            views.add(new ViewCounts(view.name(), features.get(view.name(), FeatureCounters.Kind.APPLIED),
                    features.get(view.name(), FeatureCounters.Kind.LATE), features.get(view.name(), FeatureCounters.Kind.PUBLISHED)));
        }
        return new PipelineStatus(sources, views);
    }

    /**
     * One line: {@code clicks: 1,200 events, 3 dead letters (2 malformed_json, 1 bad_timestamp) |
     * user_activity: 1,197 applied, 0 late, 310 tiles published}.
     */
    String line() {
        List<String> parts = new ArrayList<>();
        for (SourceCounts s : sources) {
            String reasons = s.deadLettersByReason().isEmpty() ? "" : s.deadLettersByReason().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .map(e -> Counts.grouped(e.getValue()) + " " + e.getKey())
                    .collect(Collectors.joining(", ", " (", ")"));
            parts.add(s.source() + ": " + Counts.plural(s.events(), "event") + ", " + Counts.plural(s.deadLetters(), "dead letter") + reasons);
        }
        for (ViewCounts v : views) {
            parts.add(v.view() + ": " + Counts.grouped(v.applied()) + " applied, " + Counts.grouped(v.late()) + " late, "
                    + Counts.plural(v.published(), "tile") + " published");
        }
        if (store != null) {
            parts.add("online store: " + Counts.plural(store.written(), "tile") + " written, " + Counts.grouped(store.removed())
                    + " removed, lag " + Counts.grouped(store.lag()) + (store.failing() ? ", writes failing (retrying; see the log)" : ""));
        }
        if (archive != null) {
            parts.add("archive: " + Counts.plural(archive.archived(), "event") + ", lag " + Counts.grouped(archive.lag())
                    + (archive.failing() ? ", commits failing (retrying; see the log)" : ""));
        }
        for (JoinCounts j : joins) {
            parts.add(j.join() + ": " + Counts.plural(j.taken(), j.served()) + ", " + Counts.grouped(j.observed()) + " " + j.joined() + ", "
                    + Counts.grouped(j.defaulted()) + " defaulted");
        }
        for (LearnerCounts l : learners) {
            parts.add(l.name() + ": " + Counts.plural(l.learnt(), l.records()) + " learnt, serving " + l.serving());
        }
        return String.join(" | ", parts);
    }
}
