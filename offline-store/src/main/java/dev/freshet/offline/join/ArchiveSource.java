package dev.freshet.offline.join;

import dev.freshet.core.definition.Source;
import dev.freshet.offline.archive.ArchivedFile;

import java.util.List;

/** Where the join finds a source's archived events: the committed files of its archive (any order). */
@FunctionalInterface
public interface ArchiveSource {

    /** The committed archive files of the source; empty when nothing was archived. */
    List<ArchivedFile> files(Source source);
}
