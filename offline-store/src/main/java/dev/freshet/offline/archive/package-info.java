/**
 * The event archive: the {@link dev.freshet.offline.archive.Archiver} that writes the canonical events
 * of each source to Parquet, exactly once, with a manifest committing files and Kafka offsets
 * together, and compacts date partitions into files sorted by (entity, event time); and
 * {@link dev.freshet.offline.archive.EventArchive}, which reads what is committed.
 */
package dev.freshet.offline.archive;
