package dev.freshet.offline.archive;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An archiver in a process of its own, for {@link ArchiverKillTest} to kill:
 * {@code ArchiverProcess <bootstrap servers> <offline root> <source> [<stream>]}, the stream being
 * {@link ArchiveTesting#ratingsStream} of that name, archived beside the source. Commits every 50 ms and
 * every 100 rows per date, so that a kill lands between, and inside, commits. Runs until killed.
 */
public final class ArchiverProcess {

    private ArchiverProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        String source = args[2];
        ArchiverSettings settings = Archiver.settings();
        if (args.length > 3) {
            settings.stream(ArchiveTesting.ratingsStream(args[3]));
        }
        Archiver archiver = settings.bootstrapServers(args[0]).definitions(ArchiveTesting.definitions(source))
                .root(Path.of(args[1])).flushInterval(Duration.ofMillis(50)).maxRowsPerFile(100).compactAfterFiles(6).start();
        System.out.println("archiving " + String.join(" and ", List.of(args).subList(2, args.length)));
        System.out.flush();
        while (archiver.isRunning()) {
            Thread.sleep(100);
        }
        archiver.failure().ifPresent(Throwable::printStackTrace);
        System.exit(1);
    }
}
