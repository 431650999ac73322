/**
 * Arrow and Parquet plumbing shared by the archive, the point-in-time join and the training-set
 * export: the archive's column layout ({@link dev.freshet.offline.arrow.ArchiveSchema}), events to
 * and from Arrow vectors, and Parquet files read and written through Arrow Dataset. Not API: public
 * only so that the offline store's own packages can share it.
 */
package dev.freshet.offline.arrow;
