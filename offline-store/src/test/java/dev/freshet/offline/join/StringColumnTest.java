package dev.freshet.offline.join;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class StringColumnTest {

    @Test
    void rowsSetInAnyOrderAcrossChunksReadBackAsTheyWere() {
        int rows = 400_000;
        StringColumn column = new StringColumn(rows);
        String huge = "x".repeat(5 << 20); // longer than a chunk: a chunk of its own
        // rows in a scrambled order (a multiplier coprime with the row count), every 7th null, one huge
        for (int k = 0; k < rows; k++) {
            int r = (int) ((k * 7_919L) % rows);
            if (r % 7 != 0) {
                column.set(r, r == 12_345 ? huge : "row-" + r + "-é");
            }
        }
        try (BufferAllocator allocator = new RootAllocator(); VarCharVector v = new VarCharVector("s", allocator)) {
            for (int from = 0; from < rows; from += 100_000) {
                v.allocateNew(100_000);
                column.fill(v, from, 100_000);
                v.setValueCount(100_000);
                for (int i = 0; i < 100_000; i++) {
                    int r = from + i;
                    String expected = r % 7 == 0 ? null : r == 12_345 ? huge : "row-" + r + "-é";
                    byte[] got = v.get(i);
                    assertThat(got == null ? null : new String(got, StandardCharsets.UTF_8)).as("row %d", r).isEqualTo(expected);
                }
                v.clear();
            }
        }
    }
}
