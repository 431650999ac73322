package dev.freshet.offline.archive;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which date partitions are due for compaction ({@link Compactor#due}). */
class CompactorTest {

    private static final LocalDate TODAY = LocalDate.parse("2026-11-22");
    private final Compactor compactor = new Compactor(8, 1_000_000);
    private int sequence;

    @Test
    void aDateIsDueWithMinFilesUnsortedFilesOrOnceItIsPast() {
        assertThat(due(files(TODAY, 7, false))).isEmpty();
        assertThat(due(files(TODAY, 8, false))).containsExactly("date=2026-11-22");
        assertThat(due(files(TODAY.minusDays(1), 1, false))).as("yesterday, never compacted").containsExactly("date=2026-11-21");
        assertThat(due(files(TODAY, 20, true))).as("sorted files only").isEmpty();
    }

    @Test
    void sortedFilesDoNotCountTowardsMinFiles() {
        // a busy day: twelve sorted outputs of the last compaction, then the archiver's new files
        List<Manifest.Entry> busy = files(TODAY, 12, true);
        busy.addAll(files(TODAY, 1, false));
        assertThat(due(busy)).as("one new file beside twelve sorted ones").isEmpty();
        busy.addAll(files(TODAY, 7, false));
        assertThat(due(busy)).containsExactly("date=2026-11-22");
    }

    @Test
    void lateFilesOfACompactedDateWaitForMinFilesOrForTheDateToBeTwoDaysOld() {
        List<Manifest.Entry> yesterday = files(TODAY.minusDays(1), 3, true);
        yesterday.addAll(files(TODAY.minusDays(1), 7, false));
        assertThat(due(yesterday)).as("seven late files for yesterday").isEmpty();
        yesterday.addAll(files(TODAY.minusDays(1), 1, false));
        assertThat(due(yesterday)).containsExactly("date=2026-11-21");

        List<Manifest.Entry> older = files(TODAY.minusDays(2), 3, true);
        older.addAll(files(TODAY.minusDays(2), 1, false));
        assertThat(due(older)).as("one late file two days on").containsExactly("date=2026-11-20");
    }

    @Test
    void sortedFilesWithoutKeyRunsAreDueWhateverElse() {
        List<Manifest.Entry> old = new ArrayList<>();
        old.add(new Manifest.Entry("date=2026-11-22/part-" + ++sequence + ".parquet", 10, 0, 1, true, false));
        assertThat(due(old)).containsExactly("date=2026-11-22");
    }

    private List<String> due(List<Manifest.Entry> files) {
        return compactor.due(Manifest.empty("clicks").commit(files, Map.of(), sequence + 1), TODAY);
    }

    private List<Manifest.Entry> files(LocalDate date, int n, boolean sorted) {
        List<Manifest.Entry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Manifest.Entry(SourceArchive.partitionOf(date) + "/part-" + ++sequence + ".parquet", 10, 0, 1, sorted, sorted));
        }
        return out;
    }
}
