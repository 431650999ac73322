package dev.freshet.offline.archive;

import dev.freshet.core.error.CorruptDataException;
import dev.freshet.core.error.TransientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestTest {

    @TempDir
    Path root;

    private static final Path WHERE = Path.of("events/clicks/_manifest.json");

    @Test
    void itRoundTripsThroughJson() {
        Manifest m = Manifest.empty("clicks")
                .commit(List.of(new Manifest.Entry("date=2023-11-14/part-000000000002-0000000a.parquet", 10, 5, 9, false),
                        new Manifest.Entry("date=2023-11-13/part-000000000001-0000000b.parquet", 3, 1, 1, true)), Map.of(0, 17L, 2, 4L), 3);
        Manifest back = Manifest.parse(m.toJson(), WHERE, "clicks");
        assertThat(back.files()).isEqualTo(m.files());
        assertThat(back.files().get(0).path()).startsWith("date=2023-11-13");
        assertThat(back.offsets()).containsExactly(Map.entry(0, 17L), Map.entry(2, 4L));
        assertThat(back.nextSequence()).isEqualTo(3);
        assertThatThrownBy(() -> back.commit(List.of(), Map.of(0, 16L), 3)).hasMessageContaining("move back from 17 to 16");
    }

    @Test
    void keyRunsAreListedOnlyForSortedFilesAndAbsentMeansNone() {
        Manifest m = Manifest.empty("clicks").commit(List.of(new Manifest.Entry("date=2023-11-13/part-000000000001-0000000b.parquet", 3, 1, 1,
                true, true), new Manifest.Entry("date=2023-11-14/part-000000000002-0000000c.parquet", 3, 1, 1, true)), Map.of(), 3);
        String json = new String(m.toJson(), StandardCharsets.UTF_8);
        assertThat(json).containsOnlyOnce("\"key_runs\" : true");
        Manifest back = Manifest.parse(m.toJson(), WHERE, "clicks");
        assertThat(back.files()).extracting(Manifest.Entry::keyRuns).containsExactly(true, false);
        assertThat(back.files().get(0).resolve(root).keyRuns()).isTrue();
        // the first file listed is the one with key runs
        assertThatThrownBy(() -> Manifest.parse(json.replaceFirst("\"sorted\" : true", "\"sorted\" : false")
                .getBytes(StandardCharsets.UTF_8), WHERE, "clicks"))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("has key runs but is not sorted");
    }

    @Test
    void anUnknownFormatVersionIsRefusedNamingIt() {
        String json = new String(Manifest.empty("clicks").toJson(), StandardCharsets.UTF_8).replace("\"format_version\" : 1", "\"format_version\" : 2");
        assertThatThrownBy(() -> Manifest.parse(json.getBytes(StandardCharsets.UTF_8), WHERE, "clicks"))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining(WHERE.toString()).hasMessageContaining("format_version 2 is not one this Freshet reads (it reads 1)");
    }

    @Test
    void anotherSourcesManifestOrBrokenJsonIsRefused() {
        assertThatThrownBy(() -> Manifest.parse(Manifest.empty("views").toJson(), WHERE, "clicks"))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("manifest of source 'views', not of 'clicks'");
        assertThatThrownBy(() -> Manifest.parse("{\"format_version\": 1, \"files\": [".getBytes(StandardCharsets.UTF_8), WHERE, "clicks"))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining(WHERE.toString());
        assertThatThrownBy(() -> Manifest.parse(("{\"format_version\": 1, \"source\": \"clicks\", \"next_sequence\": 1, \"offsets\": {},"
                + " \"files\": [{\"path\": \"../x.parquet\", \"rows\": 1, \"min_event_time\": 0, \"max_event_time\": 0, \"sorted\": true}]}")
                .getBytes(StandardCharsets.UTF_8), WHERE, "clicks"))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("must be relative to the source directory");
    }

    @Test
    void openingDeletesOrphansAndStagingLeftoversAndKeepsWhatIsListed() throws IOException {
        String listed;
        try (SourceArchive a = SourceArchive.open(root, "clicks", CrashPoint.NONE, new SplittableRandom(1))) {
            listed = a.newFile(LocalDate.parse("2023-11-14"));
            Files.createDirectories(a.dir().resolve(listed).getParent());
            Files.writeString(a.dir().resolve(listed), "not really parquet, never read here");
            a.commit(List.of(new Manifest.Entry(listed, 1, 0, 0, false)), Map.of(0, 1L));
        }
        Path dir = SourceArchive.directory(root, "clicks");
        Path orphan = Files.writeString(dir.resolve("date=2023-11-14/part-000000000009-00000000.parquet"), "x");
        Path staging = Files.createDirectories(dir.resolve("date=2023-11-15/.tmp-1234"));
        Files.writeString(staging.resolve("part-0.parquet"), "x");
        Path manifestTemp = Files.writeString(dir.resolve(".tmp-manifest-1.json"), "{");
        Path foreign = Files.writeString(dir.resolve("date=2023-11-14/README.txt"), "not ours: left alone");
        try (SourceArchive a = SourceArchive.open(root, "clicks", CrashPoint.NONE, new SplittableRandom(1))) {
            assertThat(orphan).doesNotExist();
            assertThat(staging).doesNotExist();
            assertThat(manifestTemp).doesNotExist();
            assertThat(foreign).exists();
            assertThat(dir.resolve(listed)).exists();
            assertThat(a.manifest().offsets()).containsEntry(0, 1L);
            assertThat(a.newFile(LocalDate.parse("2023-11-14"))).as("sequences go on").contains("part-000000000002-");
            assertThatThrownBy(() -> SourceArchive.open(root, "clicks", CrashPoint.NONE, new SplittableRandom(1)))
                    .isInstanceOf(TransientException.class).hasMessageContaining("open in another archiver");
        }
        assertThat(EventArchive.offsets(root, new dev.freshet.core.definition.Source("clicks", "clicks",
                dev.freshet.core.definition.SourceFormat.JSON, "ts", dev.freshet.core.definition.Schema.of(
                new dev.freshet.core.definition.Field("ts", dev.freshet.core.definition.FieldType.TIMESTAMP))))).containsEntry(0, 1L);
    }
}
