package dev.freshet.offline.archive;

import dev.freshet.core.error.CorruptDataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyRunsTest {

    @TempDir
    Path dir;

    /** Stands for the Parquet file: the sidecar only records its size. */
    private Path file(int bytes) throws IOException {
        Path file = dir.resolve("part-000000000007-0000abcd.parquet");
        Files.write(file, new byte[bytes]);
        return file;
    }

    @Test
    void itRoundTripsMergingAKeysConsecutiveRows() throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        List<String> keys = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        KeyRuns.Builder builder = new KeyRuns.Builder();
        long rows = 0;
        for (int i = 0; i < 2_000; i++) {
            // long keys, multi-byte keys and the empty key (an unkeyed source's) too
            String key = i == 0 ? "" : (i % 7 == 0 ? "ü-" : "u") + String.format("%05d", i) + "x".repeat(random.nextInt(0, 200));
            long n = random.nextInt(1, 300);
            keys.add(key);
            counts.add(n);
            // a run added in pieces, as compaction adds it row by row
            for (long left = n; left > 0; ) {
                long piece = Math.min(left, random.nextInt(1, 40));
                builder.add(key, piece);
                left -= piece;
            }
            rows += n;
        }
        assertThat(builder.rows()).isEqualTo(rows);
        Path file = file(4_321);
        Path sidecar = builder.write(file);
        assertThat(sidecar).isEqualTo(dir.resolve("_part-000000000007-0000abcd.parquet.keys")).isEqualTo(KeyRuns.sidecar(file));
        assertThat(KeyRuns.isSidecar(sidecar.getFileName().toString())).isTrue();
        assertThat(KeyRuns.isSidecar(file.getFileName().toString())).isFalse();
        try (var listed = Files.list(dir)) {
            assertThat(listed.map(p -> p.getFileName().toString())).as("no staging file left").noneMatch(n -> n.startsWith(".tmp-"));
        }

        KeyRuns back = KeyRuns.read(file, rows);
        assertThat(back.runs()).isEqualTo(keys.size());
        assertThat(back.rows()).isEqualTo(rows);
        for (int i = 0; i < keys.size(); i++) {
            assertThat(back.key(i)).isEqualTo(keys.get(i));
            assertThat(back.rowCount(i)).isEqualTo(counts.get(i));
        }
    }

    @Test
    void aSidecarThatDoesNotMatchItsFileIsRefusedNamingBoth() throws IOException {
        Path file = file(100);
        new KeyRuns.Builder().add("u1", 3).add("u2", 2).write(file);
        assertThatThrownBy(() -> KeyRuns.read(file, 6)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("_part-000000000007-0000abcd.parquet.keys")
                .hasMessageContaining("describes a file of 100 bytes and 5 rows, but part-000000000007-0000abcd.parquet has 100 bytes and 6 rows");
        Files.write(file, new byte[101]);   // another file of the same name
        assertThatThrownBy(() -> KeyRuns.read(file, 5)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("has 101 bytes and 5 rows");
    }

    @Test
    void aDamagedOrForeignOrMissingSidecarIsRefused() throws IOException {
        Path file = file(10);
        Path sidecar = new KeyRuns.Builder().add("u1", 3).add("u2", 2).write(file);
        byte[] good = Files.readAllBytes(sidecar);
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            Files.write(sidecar, bad);
            assertThatThrownBy(() -> KeyRuns.read(file, 5)).as("byte %d flipped", i).isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining(sidecar.toString());
        }
        Files.write(sidecar, java.util.Arrays.copyOf(good, good.length - 1));
        assertThatThrownBy(() -> KeyRuns.read(file, 5)).isInstanceOf(CorruptDataException.class).hasMessageContaining("checksum");
        Files.writeString(sidecar, "PAR1 not ours");
        assertThatThrownBy(() -> KeyRuns.read(file, 5)).isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("is not a Freshet key-runs file");
        Files.delete(sidecar);
        assertThatThrownBy(() -> KeyRuns.read(file, 5)).isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(NoSuchFileException.class);
    }

    @Test
    void runEndsThatDoNotAscendAreReportedWhenTheRunIsRead() throws IOException {
        Path file = file(10);
        Path sidecar = new KeyRuns.Builder().add("u1", 3).add("u2", 2).write(file);
        byte[] bytes = Files.readAllBytes(sidecar);
        // the layout's tail: run ends (2 longs), keys "u1u2", checksum; run 0 now ends after row 6 of 5
        int body = bytes.length - Integer.BYTES;
        int rowEnds = body - 4 - 2 * Long.BYTES;
        java.nio.ByteBuffer.wrap(bytes, rowEnds, Long.BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(6);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes, 0, body);
        java.nio.ByteBuffer.wrap(bytes, body, Integer.BYTES).putInt((int) crc.getValue());
        Files.write(sidecar, bytes);
        KeyRuns runs = KeyRuns.read(file, 5);
        assertThat(runs.key(0)).isEqualTo("u1");
        assertThatThrownBy(() -> runs.rowCount(0)).isInstanceOf(CorruptDataException.class).hasMessageContaining(sidecar.toString())
                .hasMessageContaining("run 0 would have 6 rows, ending at row 6 of 5");
        assertThatThrownBy(() -> runs.rowCount(1)).isInstanceOf(CorruptDataException.class).hasMessageContaining("run 1 would have -1 rows");
    }

    @Test
    void keysDecodedThroughStringsShareTheInstanceOfTheKeyBefore() throws IOException {
        Path a = file(10);
        new KeyRuns.Builder().add("u1", 1).add("u2", 1).add("ü3", 1).write(a);
        Path b = dir.resolve("part-2.parquet");
        Files.write(b, new byte[3]);
        new KeyRuns.Builder().add("u1", 2).add("u2", 1).add("ü3", 1).write(b);
        KeyRuns ra = KeyRuns.read(a, 3);
        KeyRuns rb = KeyRuns.read(b, 4);
        KeyRuns.Strings strings = new KeyRuns.Strings();
        // as a merge reads them: each file comes to each entity in turn
        for (int i = 0; i < 3; i++) {
            String first = ra.key(i, strings);
            assertThat(rb.key(i, strings)).isSameAs(first).isEqualTo(ra.key(i));
        }
        assertThat(ra.key(0, strings)).isEqualTo("u1");
        assertThat(strings.decode("xu1".getBytes(java.nio.charset.StandardCharsets.UTF_8), 1, 2)).isEqualTo("u1");
        assertThat(strings.decode("u12".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, 3)).isEqualTo("u12");
    }

    @Test
    void theBuilderRefusesEmptyRuns() {
        assertThatThrownBy(() -> new KeyRuns.Builder().add("u1", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1, not 0");
        assertThatThrownBy(() -> new KeyRuns.Builder().add(null, 1)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aBuilderWritesOnce() throws IOException {
        KeyRuns.Builder builder = new KeyRuns.Builder().add("u1", 2);
        builder.write(file(10));
        assertThatThrownBy(() -> builder.add("u1", 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("were written");
    }
}
