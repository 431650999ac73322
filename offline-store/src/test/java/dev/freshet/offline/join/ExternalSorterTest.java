package dev.freshet.offline.join;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ExternalSorterTest {

    @TempDir
    Path dir;

    record Rec(String key, long a, long b, long c, byte[] payload) {
    }

    private static final Comparator<Rec> ORDER = Comparator.comparing(Rec::key).thenComparingLong(Rec::a)
            .thenComparingLong(Rec::b).thenComparingLong(Rec::c);

    /** Keys sort as {@link String#compareTo} sorts them: prefixes, high chars, supplementary characters, shared beginnings. */
    @Test
    void keysSortAsStringsCompareWhateverTheirChars() {
        String[] any = {"a", "b", "\u0000", "é", "\uFFFD", "\uFFFF", "\uE000", "😀", "z"};
        // Latin-1 keys only: the sorter then ranks them by 8-char prefixes, else by 4 UTF-16 chars
        String[] latin1 = {"a", "b", "\u0000", "é", "ÿ", "\u0080", "z", "0"};
        for (long seed = 1; seed <= 40; seed++) {
            String[] alphabet = seed % 4 < 2 ? latin1 : any;
            SplittableRandom random = new SplittableRandom(seed);
            String shared = seed % 2 == 0 ? "" : "tenant-";  // 7 chars: prefixes tie, the rest decides
            List<String> keys = new ArrayList<>();
            try (ExternalSorter sorter = new ExternalSorter("keys", 64L << 20, dir.resolve("unused"))) {
                for (int i = 0; i < 300; i++) {
                    StringBuilder key = new StringBuilder(shared);
                    int length = random.nextInt(9);
                    for (int k = 0; k < length; k++) {
                        key.append(alphabet[random.nextInt(alphabet.length)]);
                    }
                    keys.add(key.toString());
                    byte[] bytes = key.toString().getBytes(StandardCharsets.UTF_8);
                    sorter.add(bytes, 0, bytes.length, i, 0, 0);
                }
                keys.sort(Comparator.naturalOrder());
                try (RecordCursor cursor = sorter.sorted()) {
                    for (String expected : keys) {
                        assertThat(cursor.next()).isTrue();
                        assertThat(cursor.key()).as("seed %d", seed).isEqualTo(expected);
                    }
                    assertThat(cursor.next()).isFalse();
                }
            }
        }
    }

    @Test
    void sortsInMemoryAndSpilledAlikeWithEachPayloadOnItsRecord() throws Exception {
        for (long budget : new long[]{64L << 20, 8192}) {
            SplittableRandom random = new SplittableRandom(budget);
            List<Rec> records = new ArrayList<>();
            Path spill = dir.resolve("spill-" + budget);
            try (ExternalSorter sorter = new ExternalSorter("test records", budget, spill)) {
                for (int i = 0; i < 20_000; i++) {
                    String key = "user-" + random.nextInt(700);
                    long a = random.nextLong(1_000);
                    long b = random.nextInt(3);
                    long c = i;
                    byte[] payload = random.nextInt(3) == 0 ? new byte[0] : ("p" + i).getBytes(StandardCharsets.UTF_8);
                    records.add(new Rec(key, a, b, c, payload));
                    if (payload.length == 0 && random.nextBoolean()) {
                        // the key as a slice of a larger array, with no payload: as the spine adds its rows
                        byte[] row = ("##" + key + "##").getBytes(StandardCharsets.UTF_8);
                        sorter.add(row, 2, row.length - 4, a, b, c);
                    } else {
                        sorter.add(key, a, b, c, payload);
                    }
                }
                records.sort(ORDER);
                for (int pass = 0; pass < 2; pass++) {
                    try (RecordCursor cursor = sorter.sorted()) {
                        for (Rec expected : records) {
                            assertThat(cursor.next()).isTrue();
                            Rec actual = new Rec(cursor.key(), cursor.a(), cursor.b(), cursor.c(),
                                    Arrays.copyOfRange(cursor.payload(), cursor.payloadOffset(), cursor.payloadOffset() + cursor.payloadLength()));
                            assertThat(actual.key() + "/" + actual.a() + "/" + actual.b() + "/" + actual.c() + "/"
                                    + new String(actual.payload(), StandardCharsets.UTF_8))
                                    .isEqualTo(expected.key() + "/" + expected.a() + "/" + expected.b() + "/" + expected.c() + "/"
                                            + new String(expected.payload(), StandardCharsets.UTF_8));
                        }
                        assertThat(cursor.next()).isFalse();
                    }
                }
                assertThat(sorter.runCount() > 0).as("spilled with a budget of " + budget).isEqualTo(budget < 1 << 20);
            }
            try (var left = Files.list(spill)) {
                assertThat(left.toList()).as("run files left").isEmpty();
            } catch (java.nio.file.NoSuchFileException e) {
                // nothing was spilled: no directory
            }
        }
    }
}
