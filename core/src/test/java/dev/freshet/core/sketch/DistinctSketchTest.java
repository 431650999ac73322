package dev.freshet.core.sketch;

import dev.freshet.core.codec.ByteReader;
import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.error.CorruptDataException;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DistinctSketchTest {

    private static byte[] bytes(DistinctSketch s) {
        ByteWriter w = new ByteWriter();
        s.writeTo(w);
        return w.toByteArray();
    }

    private static DistinctSketch read(byte[] b) {
        return DistinctSketch.readFrom(new ByteReader(b, "sketch"));
    }

    @Test
    void exactUpToTheLimit() {
        DistinctSketch s = new DistinctSketch();
        SplittableRandom r = new SplittableRandom(1);
        long[] hashes = r.longs(DistinctSketch.EXACT_LIMIT).toArray();
        for (long h : hashes) {
            s.addHash(h);
            s.addHash(h); // duplicates do not count
        }
        assertThat(s.isExact()).isTrue();
        assertThat(s.estimate()).isEqualTo(DistinctSketch.EXACT_LIMIT);
        s.addHash(r.nextLong());
        assertThat(s.isExact()).isFalse();
        assertThat((double) s.estimate()).isCloseTo(DistinctSketch.EXACT_LIMIT + 1, org.assertj.core.data.Percentage.withPercentage(5));
    }

    @ParameterizedTest
    @ValueSource(ints = {1_000, 10_000, 100_000, 1_000_000})
    void estimateWithinThreeStandardErrors(int n) {
        for (long seed = 1; seed <= 5; seed++) {
            DistinctSketch s = new DistinctSketch();
            new SplittableRandom(seed).longs(n).forEach(s::addHash);
            double error = Math.abs(s.estimate() - n) / (double) n;
            assertThat(error).as("n %s seed %s", n, seed).isLessThanOrEqualTo(3 * DistinctSketch.RELATIVE_STANDARD_ERROR);
        }
    }

    @Test
    void stateDependsOnlyOnTheSetOfHashesNotOnOrderOrMergePath() {
        SplittableRandom r = new SplittableRandom(9);
        long[] hashes = r.longs(2_000).toArray();
        DistinctSketch one = new DistinctSketch();
        for (long h : hashes) {
            one.addHash(h);
        }
        // the same hashes in 1440 small sketches, merged in reverse order
        DistinctSketch[] parts = new DistinctSketch[1440];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = new DistinctSketch();
        }
        for (int i = 0; i < hashes.length; i++) {
            parts[(i * 7) % parts.length].addHash(hashes[i]);
        }
        DistinctSketch merged = new DistinctSketch();
        for (int i = parts.length - 1; i >= 0; i--) {
            merged.merge(parts[i]);
        }
        assertThat(bytes(merged)).isEqualTo(bytes(one));
        // small sets stay exact through merges
        DistinctSketch a = new DistinctSketch();
        DistinctSketch b = new DistinctSketch();
        a.addHash(1);
        a.addHash(2);
        b.addHash(2);
        b.addHash(3);
        a.merge(b);
        assertThat(a.estimate()).isEqualTo(3);
        assertThat(b.estimate()).as("merge leaves its argument unchanged").isEqualTo(2);
    }

    @RepeatedTest(20)
    void mergingSortedSetsGivesTheStateOfAddingEachHash(RepetitionInfo repetition) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(repetition.getCurrentRepetition());
        DistinctSketch merged = new DistinctSketch();
        DistinctSketch added = new DistinctSketch();
        // overlapping small sets from a narrow range, so that duplicates and interleavings are frequent,
        // until the union passes the exact limit
        for (int part = 0; part < 40; part++) {
            DistinctSketch p = new DistinctSketch();
            int n = random.nextInt(0, 20);
            for (int i = 0; i < n; i++) {
                long h = random.nextLong(-300, 300);
                p.addHash(h);
                added.addHash(h);
            }
            merged.merge(p);
            assertThat(bytes(merged)).as("after part %d", part).isEqualTo(bytes(added));
        }
        merged.merge(merged);
        assertThat(bytes(merged)).as("merging itself changes nothing").isEqualTo(bytes(added));
    }

    @Test
    void roundTripsExactAndDense() {
        for (int n : new int[]{0, 1, 200, 5_000}) {
            DistinctSketch s = new DistinctSketch();
            new SplittableRandom(n).longs(n).forEach(s::addHash);
            byte[] b = bytes(s);
            DistinctSketch back = read(b);
            assertThat(back.estimate()).isEqualTo(s.estimate());
            assertThat(back.isExact()).isEqualTo(s.isExact());
            assertThat(bytes(back)).isEqualTo(b);
            back.addHash(42); // a decoded sketch stays updatable
        }
    }

    @Test
    void corruptBytesAreReported() {
        DistinctSketch s = new DistinctSketch();
        s.addHash(5);
        s.addHash(9);
        byte[] b = bytes(s);
        for (int n = 0; n < b.length; n++) {
            byte[] prefix = Arrays.copyOf(b, n);
            assertThatThrownBy(() -> read(prefix)).isInstanceOf(CorruptDataException.class);
        }
        byte[] badVersion = b.clone();
        badVersion[0] = 2;
        assertThatThrownBy(() -> read(badVersion)).hasMessageContaining("format version 2");
        byte[] badMode = b.clone();
        badMode[1] = 5;
        assertThatThrownBy(() -> read(badMode)).hasMessageContaining("unknown mode 5");
        ByteWriter unsorted = new ByteWriter().writeByte(1).writeByte(0).writeVarLong(2).writeLong(9).writeLong(5);
        assertThatThrownBy(() -> read(unsorted.toByteArray())).hasMessageContaining("unsorted");
    }
}
