/**
 * Point-in-time training sets: a spine of (entity, timestamp, labels) rows joined with feature
 * values computed from the event archive by the same aggregation library as the online store.
 * API: {@link dev.freshet.offline.join.PointInTimeJoin}, {@link dev.freshet.offline.join.TrainingSetRequest},
 * {@link dev.freshet.offline.join.TrainingSetSink}, {@link dev.freshet.offline.join.ArchiveSource},
 * {@link dev.freshet.offline.join.JoinProgress}, {@link dev.freshet.offline.join.TrainingSetSummary};
 * everything else is package-private.
 */
package dev.freshet.offline.join;
