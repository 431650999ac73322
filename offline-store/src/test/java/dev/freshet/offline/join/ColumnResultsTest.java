package dev.freshet.offline.join;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.Text;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ColumnResultsTest {

    private static final ValueKind[] KINDS = {ValueKind.LONG, ValueKind.DOUBLE, ValueKind.STRING, ValueKind.BOOLEAN, ValueKind.TIMESTAMP};

    /** Output columns: the five slots go to columns 4, 0, 3, 1, 2 (a source's slots need not be in column order). */
    private static final int[] COLUMNS = {4, 0, 3, 1, 2};

    private static Object value(ValueKind kind, SplittableRandom random) {
        if (random.nextInt(4) == 0) {
            return null;
        }
        return switch (kind) {
            case LONG, TIMESTAMP -> random.nextLong();
            case DOUBLE -> random.nextBoolean() ? -0.0 : random.nextDouble() * 1e6;
            case STRING -> random.nextBoolean() ? "" : "é-" + random.nextInt(100);
            case BOOLEAN -> random.nextBoolean();
        };
    }

    @Test
    void valuesPutInAnyRowOrderComeOutInRowOrderBatchByBatch() {
        int rows = 1_000;
        SplittableRandom random = new SplittableRandom(9);
        Object[][] expected = new Object[rows][KINDS.length];
        ColumnResults results = new ColumnResults("clicks", rows, COLUMNS, KINDS);
        List<Integer> order = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            order.add(r);
        }
        Collections.shuffle(order, new Random(4));
        for (int r : order) {
            for (int s = 0; s < KINDS.length; s++) {
                expected[r][s] = value(KINDS[s], random);
            }
            results.put(r, expected[r].clone());
        }
        try (BufferAllocator allocator = new RootAllocator()) {
            int from = 0;
            for (int n : new int[]{300, 700}) {
                FieldVector[] features = new FieldVector[KINDS.length];
                for (int s = 0; s < KINDS.length; s++) {
                    FieldVector v = Field.nullable("c" + COLUMNS[s], KINDS[s].arrowType()).createVector(allocator);
                    v.setInitialCapacity(n);
                    v.allocateNew();
                    features[COLUMNS[s]] = v;
                }
                results.fill(from, n, features);
                for (int r = 0; r < n; r++) {
                    for (int s = 0; s < KINDS.length; s++) {
                        FieldVector v = features[COLUMNS[s]];
                        v.setValueCount(n);
                        Object got = v.getObject(r);
                        Object want = expected[from + r][s];
                        if (got instanceof Text t) {
                            got = t.toString();
                        }
                        assertThat(got).as("row %d slot %d", from + r, s).isEqualTo(want);
                    }
                }
                Arrays.stream(features).forEach(FieldVector::close);
                from += n;
            }
        }
    }

    @Test
    void aRowThatWasNeverPutIsAnErrorNotANull() {
        ColumnResults results = new ColumnResults("clicks", 3, new int[]{0}, new ValueKind[]{ValueKind.LONG});
        results.put(0, new Object[]{1L});
        results.put(2, new Object[]{null});
        try (BufferAllocator allocator = new RootAllocator();
             FieldVector v = Field.nullable("c", ValueKind.LONG.arrowType()).createVector(allocator)) {
            v.allocateNew();
            assertThatThrownBy(() -> results.fill(0, 3, new FieldVector[]{v}))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("lost spine row 2 of source 'clicks'");
        }
        assertThat(ColumnResults.bytes(1_000, new ValueKind[]{ValueKind.LONG, ValueKind.STRING})).isGreaterThan(1_000L * 72);
    }
}
