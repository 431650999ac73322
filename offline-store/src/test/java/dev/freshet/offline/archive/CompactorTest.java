package dev.freshet.offline.archive;

import dev.freshet.offline.archive.Compactor.Plan;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What compaction does to a date partition, by its files and the date ({@link Compactor#plan}, {@link Compactor#due}). */
class CompactorTest {

    private static final LocalDate TODAY = LocalDate.parse("2026-11-22");
    /** 8 small files make a partition due; the archiver writes files of up to 100 rows. */
    private final Compactor compactor = new Compactor(8, 1_000_000, 100);
    private int sequence;

    @Test
    void aDateNeverCompactedIsRewrittenWithMinFilesUnsortedFilesOrOnceItIsPast() {
        assertThat(plan(TODAY, files(TODAY, 7, 10, false))).isEqualTo(Plan.NONE);
        assertThat(plan(TODAY, files(TODAY, 8, 10, false))).isEqualTo(Plan.REWRITE);
        assertThat(plan(TODAY, files(TODAY, 1, 10, false))).isEqualTo(Plan.NONE);
        assertThat(plan(TODAY, files(TODAY.minusDays(1), 1, 10, false))).as("yesterday").isEqualTo(Plan.REWRITE);
    }

    @Test
    void aCompactedDateIsRewrittenOnceItsNewRowsAreAnEighthOfItsSortedOnes() {
        // a busy day: twelve sorted files of the last compaction, then the archiver's new ones
        List<Manifest.Entry> busy = files(TODAY, 12, 1_000, true);
        busy.addAll(files(TODAY, 7, 10, false));
        assertThat(plan(TODAY, busy)).as("seven small new files").isEqualTo(Plan.NONE);
        busy.addAll(files(TODAY, 1, 10, false));
        assertThat(plan(TODAY, busy)).as("eight: merged among themselves").isEqualTo(Plan.MERGE_NEW);
        busy.addAll(files(TODAY, 1, 1_419, false));
        assertThat(plan(TODAY, busy)).as("1,499 new rows beside 12,000").isEqualTo(Plan.MERGE_NEW);
        busy.addAll(files(TODAY, 1, 1, false));
        assertThat(plan(TODAY, busy)).as("1,500 new rows beside 12,000").isEqualTo(Plan.REWRITE);
    }

    @Test
    void fullUnsortedFilesAreNotMergedAgain() {
        List<Manifest.Entry> files = files(TODAY, 10, 10_000, true);
        files.addAll(files(TODAY, 9, 100, false));
        assertThat(plan(TODAY, files)).as("nine files of the most rows the archiver writes").isEqualTo(Plan.NONE);
        files.addAll(files(TODAY, 7, 99, false));
        assertThat(plan(TODAY, files)).isEqualTo(Plan.NONE);
        files.addAll(files(TODAY, 1, 99, false));
        assertThat(plan(TODAY, files)).isEqualTo(Plan.MERGE_NEW);
    }

    @Test
    void lateFilesOfACompactedPastDateAreMergedAmongThemselvesHoweverOldTheDate() {
        for (LocalDate date : List.of(TODAY.minusDays(1), TODAY.minusDays(6))) {
            List<Manifest.Entry> late = files(date, 3, 1_000, true);
            late.addAll(files(date, 7, 10, false));
            assertThat(plan(TODAY, late)).as("seven late files for %s", date).isEqualTo(Plan.NONE);
            assertThat(plan(TODAY.plusDays(30), late)).as("a month later").isEqualTo(Plan.NONE);
            late.addAll(files(date, 1, 10, false));
            assertThat(plan(TODAY, late)).isEqualTo(Plan.MERGE_NEW);
            assertThat(compactor.due(manifest(late), TODAY)).containsExactly(SourceArchive.partitionOf(date));
            late.addAll(files(date, 1, 295, false));
            assertThat(plan(TODAY, late)).as("375 late rows beside 3,000").isEqualTo(Plan.REWRITE);
        }
    }

    @Test
    void sortedFilesWithoutKeyRunsGetThemOrAreRewrittenWithTheNewFiles() {
        List<Manifest.Entry> older = new ArrayList<>();
        older.add(new Manifest.Entry("date=2026-11-22/part-" + ++sequence + ".parquet", 1_000, 0, 1, true, false));
        assertThat(plan(TODAY, older)).isEqualTo(Plan.KEY_RUNS);
        older.addAll(files(TODAY, 1, 10, false));
        assertThat(plan(TODAY, older)).isEqualTo(Plan.REWRITE);
        assertThat(plan(TODAY, files(TODAY, 20, 10, true))).as("sorted files with key runs only").isEqualTo(Plan.NONE);
        assertThat(compactor.due(manifest(files(TODAY, 20, 10, true)), TODAY)).isEmpty();
    }

    /**
     * A day of 10 million events flushed every 30 s (2,880 files of about 3,472 rows), compacted as the archiver does
     * after each flush: the rows rewritten as sorted files over the day stay within nine times the day's (8.25 here;
     * a rewrite at every 8 unsorted files took 180 times, and counting the sorted files towards the 8 as well, 1,093
     * times), the small files merged among themselves within three times (2.67), and a join never finds more than
     * 32 unsorted files (16).
     */
    @Test
    void aDayOfFlushesIsRewrittenWithinNineTimesItsRows() {
        Compactor archiverDefaults = new Compactor(8, 1_000_000, 100_000);
        long perFlush = 10_000_000 / 2_880;
        List<Manifest.Entry> files = new ArrayList<>();
        long rewritten = 0;
        long merged = 0;
        int mostUnsorted = 0;
        for (int flush = 0; flush < 2_880; flush++) {
            files.addAll(files(TODAY, 1, perFlush, false));
            Plan plan = archiverDefaults.plan(files, "date=2026-11-22", TODAY);
            long rows = files.stream().mapToLong(Manifest.Entry::rows).sum();
            if (plan == Plan.REWRITE) {
                rewritten += rows;
                files = chunks(rows, 1_000_000, true);
            } else if (plan == Plan.MERGE_NEW) {
                List<Manifest.Entry> small = files.stream().filter(f -> !f.sorted() && f.rows() < 100_000).toList();
                long smallRows = small.stream().mapToLong(Manifest.Entry::rows).sum();
                merged += smallRows;
                files.removeAll(small);
                files.addAll(chunks(smallRows, 100_000, false));
            }
            mostUnsorted = Math.max(mostUnsorted, (int) files.stream().filter(f -> !f.sorted()).count());
        }
        long day = perFlush * 2_880;
        assertThat(rewritten).as("rows rewritten as sorted files").isLessThanOrEqualTo(9 * day);
        assertThat(merged).as("rows of small files merged").isLessThanOrEqualTo(3 * day);
        assertThat(mostUnsorted).as("unsorted files at most").isLessThanOrEqualTo(32);
    }

    private List<Manifest.Entry> chunks(long rows, long perFile, boolean sorted) {
        List<Manifest.Entry> out = new ArrayList<>();
        for (long left = rows; left > 0; left -= perFile) {
            out.addAll(files(TODAY, 1, Math.min(perFile, left), sorted));
        }
        return out;
    }

    private Plan plan(LocalDate today, List<Manifest.Entry> files) {
        return compactor.plan(files, files.getFirst().partition(), today);
    }

    private Manifest manifest(List<Manifest.Entry> files) {
        return Manifest.empty("clicks").commit(files, java.util.Map.of(), sequence + 1);
    }

    private List<Manifest.Entry> files(LocalDate date, int n, long rows, boolean sorted) {
        List<Manifest.Entry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Manifest.Entry(SourceArchive.partitionOf(date) + "/part-" + ++sequence + ".parquet", rows, 0, 1, sorted, sorted));
        }
        return out;
    }
}
