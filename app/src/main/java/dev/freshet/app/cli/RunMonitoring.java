package dev.freshet.app.cli;

import dev.freshet.app.api.HealthCheck;
import dev.freshet.app.api.MetricSource;
import dev.freshet.app.api.PrometheusWriter;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.definition.FeatureView;
import dev.freshet.core.definition.Source;
import dev.freshet.features.FeatureCounters;
import dev.freshet.features.Pipeline;
import dev.freshet.bandits.stream.BanditService;
import dev.freshet.bandits.stream.PolicyWorker;
import dev.freshet.ingest.stream.IngestCounters;
import dev.freshet.learners.stream.LearnerWorker;
import dev.freshet.learners.stream.Training;
import dev.freshet.learners.stream.JoinCounters;
import dev.freshet.learners.stream.TrainingStream;
import dev.freshet.learners.validation.Metrics;
import dev.freshet.offline.archive.Archiver;
import dev.freshet.online.sink.TileSink;
import org.apache.kafka.streams.KafkaStreams;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code GET /health} and {@code GET /metrics} say about the parts {@code freshet run} started:
 * the streaming pipeline (state, per-source event and dead-letter counts, per-view tile counts), the
 * online-store sink (running, store errors, tiles written, lag behind the tile topics) and the
 * archiver of the offline store (running, rows archived, lag behind the events topics), and with
 * models the learners (label join counts; per model examples learnt, versions, progressive metrics).
 */
final class RunMonitoring {

    private final Pipeline pipeline;
    private final TileSink sink;
    private final Archiver archiver;
    private final Training training;
    private final BanditService bandits;
    private final Definitions definitions;
    private final String storeDescription;

    /**
     * @param training the learners, or null when no models are configured
     * @param bandits  the bandits, or null when none are configured
     */
    RunMonitoring(Pipeline pipeline, TileSink sink, Archiver archiver, Training training, BanditService bandits, Definitions definitions,
                  String storeDescription) {
        this.pipeline = pipeline;
        this.sink = sink;
        this.archiver = archiver;
        this.training = training;
        this.bandits = bandits;
        this.definitions = definitions;
        this.storeDescription = storeDescription;
    }

    /** Up while the pipeline runs (or rebalances), the sink writes to the store and the archiver runs. */
    HealthCheck health() {
        return () -> {
            Map<String, HealthCheck.Component> checks = new LinkedHashMap<>();
            KafkaStreams.State state = pipeline.state();
            checks.put("pipeline", state.isRunningOrRebalancing()
                    ? HealthCheck.Component.up(state.name())
                    : HealthCheck.Component.down(state.name() + pipeline.failure().map(f -> ": " + f.getMessage()).orElse("")));
            String storeError = sink.storeError();
            if (!sink.isRunning()) {
                checks.put("online_store", HealthCheck.Component.down(storeDescription + ": the sink stopped"
                        + sink.failure().map(f -> ": " + f.getMessage()).orElse("")));
            } else if (storeError != null) {
                checks.put("online_store", HealthCheck.Component.down(storeDescription + ": writes fail: " + storeError));
            } else {
                checks.put("online_store", HealthCheck.Component.up(storeDescription + ", lag " + sink.lag() + " tile records"));
            }
            String retrying = archiver.retryingError();
            checks.put("offline_store", !archiver.isRunning()
                    ? HealthCheck.Component.down("the archiver stopped" + archiver.failure().map(f -> ": " + f.getMessage()).orElse(""))
                    : retrying != null
                    ? HealthCheck.Component.down("archiving is retrying: " + retrying + "; archive lag " + archiver.lag() + " events")
                    : HealthCheck.Component.up("archive lag " + archiver.lag() + " events"));
            if (training != null) {
                checks.put("learners", learnersHealth());
            }
            if (bandits != null) {
                checks.put("bandits", banditsHealth());
            }
            return HealthCheck.Report.of(checks);
        };
    }

    /** The pipeline's and the sink's counters. */
    MetricSource metrics() {
        return out -> {
            writePipeline(out);
            writeSink(out);
            writeArchiver(out);
            if (training != null) {
                writeLearners(out);
            }
            if (bandits != null) {
                writeBandits(out);
            }
        };
    }

    /** Up while the label join runs and every learner worker trains. */
    private HealthCheck.Component learnersHealth() {
        TrainingStream stream = training.stream();
        if (!stream.state().isRunningOrRebalancing()) {
            return HealthCheck.Component.down("label join " + stream.state() + stream.failure().map(f -> ": " + f.getMessage()).orElse(""));
        }
        StringBuilder versions = new StringBuilder();
        for (LearnerWorker w : training.workers().values()) {
            if (w.failure().isPresent()) {
                return HealthCheck.Component.down("the learner worker of model " + w.model().name() + " stopped: "
                        + w.failure().get().getMessage());
            }
            String name = w.model().name();
            versions.append(versions.isEmpty() ? "" : ", ").append(training.serving().get(name).version())
                    .append(" (lag ").append(Math.max(0, w.lag())).append(" examples)");
        }
        return HealthCheck.Component.up("serving " + versions);
    }

    /** Up while the reward join runs and every policy worker learns. */
    private HealthCheck.Component banditsHealth() {
        TrainingStream stream = bandits.stream();
        if (!stream.state().isRunningOrRebalancing()) {
            return HealthCheck.Component.down("reward join " + stream.state() + stream.failure().map(f -> ": " + f.getMessage()).orElse(""));
        }
        StringBuilder versions = new StringBuilder();
        for (PolicyWorker w : bandits.workers().values()) {
            if (w.failure().isPresent()) {
                return HealthCheck.Component.down("the policy worker of bandit " + w.bandit().name() + " stopped: "
                        + w.failure().get().getMessage());
            }
            versions.append(versions.isEmpty() ? "" : ", ").append(bandits.serving().get(w.bandit().name()).version())
                    .append(" (lag ").append(Math.max(0, w.lag())).append(" outcomes)");
        }
        return HealthCheck.Component.up("deciding with " + versions);
    }

    private void writeBandits(PrometheusWriter out) {
        JoinCounters c = bandits.stream().counters();
        out.counter("freshet_bandit_decisions_total", "Decisions the reward join took in.", c.subjects());
        String outcomes = "Outcomes written by the reward join: rewarded, or with the default reward after the window.";
        out.counter("freshet_bandit_outcomes_total", outcomes, Map.of("outcome", "rewarded"), c.observed());
        out.counter("freshet_bandit_outcomes_total", outcomes, Map.of("outcome", "default_reward"), c.defaulted());
        String skipped = "Rewards the reward join could not use, by reason.";
        out.counter("freshet_bandit_skipped_rewards_total", skipped, Map.of("reason", "unknown_decision"), c.unknownOutcomes());
        out.counter("freshet_bandit_skipped_rewards_total", skipped, Map.of("reason", "duplicate"), c.duplicateOutcomes());
        out.counter("freshet_bandit_skipped_rewards_total", skipped, Map.of("reason", "unusable_reward"), c.unusableOutcomes());
        String skippedDecisions = "Decisions the reward join skipped, by reason.";
        out.counter("freshet_bandit_skipped_decisions_total", skippedDecisions, Map.of("reason", "duplicate_id"), c.duplicateSubjects());
        out.counter("freshet_bandit_skipped_decisions_total", skippedDecisions, Map.of("reason", "unknown_bandit"), c.unknownGroups());
        for (PolicyWorker w : bandits.workers().values()) {
            Map<String, String> bandit = Map.of("bandit", w.bandit().name());
            out.counter("freshet_bandit_outcomes_learnt_total", "Outcomes a bandit's policy learnt since start.", bandit, w.outcomesLearnt());
            out.counter("freshet_bandit_outcomes_skipped_total", "Outcome records a bandit's worker could not read.", bandit,
                    w.outcomesSkipped());
            out.counter("freshet_bandit_versions_published_total", "Policy versions published since start.", bandit, w.versionsPublished());
            out.gauge("freshet_bandit_lag_outcomes", "Outcomes in a bandit's topic not yet learnt (-1 before the first fetch).", bandit,
                    w.lag());
            out.gauge("freshet_bandit_mean_reward", "Mean reward of the outcomes a bandit learnt since start (NaN before any).", bandit,
                    w.outcomesLearnt() == 0 ? Double.NaN : w.rewardSum() / w.outcomesLearnt());
        }
    }

    private void writeLearners(PrometheusWriter out) {
        JoinCounters c = training.stream().counters();
        out.counter("freshet_training_predictions_total", "Predictions the label join took in.", c.subjects());
        out.counter("freshet_training_examples_total", "Training examples written by the label join, by outcome.",
                Map.of("outcome", "labelled"), c.observed());
        out.counter("freshet_training_examples_total", "Training examples written by the label join, by outcome.",
                Map.of("outcome", "default_label"), c.defaulted());
        String skipped = "Label events the label join could not use, by reason.";
        out.counter("freshet_training_skipped_labels_total", skipped, Map.of("reason", "unknown_prediction"), c.unknownOutcomes());
        out.counter("freshet_training_skipped_labels_total", skipped, Map.of("reason", "duplicate"), c.duplicateOutcomes());
        out.counter("freshet_training_skipped_labels_total", skipped, Map.of("reason", "unusable_label"), c.unusableOutcomes());
        String skippedPredictions = "Predictions the label join skipped, by reason.";
        out.counter("freshet_training_skipped_predictions_total", skippedPredictions, Map.of("reason", "duplicate_id"), c.duplicateSubjects());
        out.counter("freshet_training_skipped_predictions_total", skippedPredictions, Map.of("reason", "unknown_model"), c.unknownGroups());
        for (LearnerWorker w : training.workers().values()) {
            Map<String, String> model = Map.of("model", w.model().name());
            Metrics m = w.validation().metrics();
            out.counter("freshet_model_examples_learnt_total", "Examples a model learnt since start.", model, w.examplesLearnt());
            out.counter("freshet_model_examples_skipped_total", "Example records a model's worker could not read.", model, w.examplesSkipped());
            out.counter("freshet_model_versions_published_total", "Model versions published to serving since start.", model,
                    w.versionsPublished());
            out.gauge("freshet_model_examples_seen", "Examples the serving version of a model has learnt in all.", model,
                    training.serving().get(w.model().name()).examplesSeen());
            out.gauge("freshet_model_lag_examples", "Examples in a model's topic not yet learnt (-1 before the first fetch).", model, w.lag());
            out.gauge("freshet_model_log_loss", "Progressive log loss of a model over its last examples (NaN before any).", model, m.logLoss());
            out.gauge("freshet_model_accuracy", "Progressive accuracy at 0.5 of a model over its last examples.", model, m.accuracy());
            out.gauge("freshet_model_auc", "Progressive AUC of a model over its last examples (NaN with one class).", model, m.auc());
            out.gauge("freshet_model_calibration", "Mean score over mean label over a model's last examples (1 is calibrated).",
                    model, m.calibration());
            out.counter("freshet_model_drifts_total", "Times a model's log loss drifted up (Page-Hinkley).", model, m.drifts());
        }
    }

    private void writePipeline(PrometheusWriter out) {
        IngestCounters ingest = pipeline.ingestCounters();
        for (Source source : definitions.sources()) {
            out.counter("freshet_ingest_events_total", "Raw records of a source turned into canonical events.",
                    Map.of("source", source.name()), ingest.valid(source.name()));
            Map<String, Long> reasons = ingest.deadLetteredByReason(source.name());
            out.counter("freshet_ingest_dead_letters_total", "Raw records of a source sent to freshet.dlq, by reason.",
                    PrometheusWriter.labels("source", source.name(), "reason", "all"), ingest.deadLettered(source.name()));
            reasons.forEach((reason, count) -> out.counter("freshet_ingest_dead_letters_total",
                    "Raw records of a source sent to freshet.dlq, by reason.", PrometheusWriter.labels("source", source.name(), "reason", reason),
                    count));
        }
        FeatureCounters features = pipeline.featureCounters();
        for (FeatureView view : definitions.featureViews()) {
            for (FeatureCounters.Kind kind : FeatureCounters.Kind.values()) {
                out.counter("freshet_features_" + kind.name().toLowerCase(java.util.Locale.ROOT) + "_total",
                        "Features pipeline counter " + kind.name().toLowerCase(java.util.Locale.ROOT) + " of a view (" + describe(kind) + ").",
                        Map.of("view", view.name()), features.get(view.name(), kind));
            }
        }
        pipeline.consumerLag().forEach((topic, lag) -> out.gauge("freshet_pipeline_lag_records",
                "Records of an input topic (raw, canonical events, repartition) the pipeline has not consumed yet, over its assigned partitions.",
                Map.of("topic", topic), lag));
        out.gauge("freshet_pipeline_up", "1 while the streaming pipeline runs or rebalances, else 0.",
                pipeline.state().isRunningOrRebalancing() ? 1 : 0);
    }

    private static String describe(FeatureCounters.Kind kind) {
        return switch (kind) {
            case APPLIED -> "events added to a tile";
            case LATE -> "events too late for their tile, skipped";
            case UNREADABLE -> "canonical events that could not be read, skipped";
            case PUBLISHED -> "tile records published";
            case EXPIRED -> "tiles closed and removed from state";
        };
    }

    private void writeSink(PrometheusWriter out) {
        out.counter("freshet_online_store_tiles_written_total", "Tile records written to the online store by the sink.", sink.tilesWritten());
        out.counter("freshet_online_store_tiles_removed_total", "Tombstones applied to the online store by the sink.", sink.tilesRemoved());
        out.counter("freshet_online_store_tiles_swept_total", "Expired tiles removed by the online store's sweeper.", sink.tilesSwept());
        out.counter("freshet_online_store_skipped_records_total", "Tile-topic records skipped because their key is not a tile key.",
                sink.skippedRecords());
        out.gauge("freshet_online_store_lag_records", "Tile records not yet written to the online store (consumer lag), all partitions.",
                sink.lag());
        sink.lagByPartition().forEach((partition, lag) -> out.gauge("freshet_online_store_partition_lag_records",
                "Tile records not yet written to the online store, per tile-topic partition.", Map.of("partition", partition), lag));
        out.gauge("freshet_online_store_up", "1 while the sink runs and its writes succeed, else 0.",
                sink.isRunning() && sink.storeError() == null ? 1 : 0);
    }

    private void writeArchiver(PrometheusWriter out) {
        Map<String, Long> rows = archiver.rowsArchived();
        for (Source source : definitions.sources()) {
            out.counter("freshet_offline_rows_archived_total", "Canonical events of a source committed to the Parquet archive.",
                    Map.of("source", source.name()), rows.getOrDefault(source.name(), 0L));
        }
        out.counter("freshet_offline_files_committed_total", "Parquet files committed to the archive (with their offsets).",
                archiver.filesCommitted());
        out.counter("freshet_offline_compactions_total",
                "Compactions of date partitions of the archive: rewritten as sorted files, their small new files merged, or their sorted files given key runs.",
                archiver.compactions());
        out.gauge("freshet_offline_lag_records", "Canonical events not yet committed to the archive (unread or buffered).", archiver.lag());
        out.gauge("freshet_offline_last_commit_timestamp_seconds", "When the archiver last committed, Unix time (0: not yet).",
                archiver.lastCommitMillis() / 1000.0);
        out.gauge("freshet_offline_up", "1 while the archiver runs, else 0.", archiver.isRunning() ? 1 : 0);
    }
}
