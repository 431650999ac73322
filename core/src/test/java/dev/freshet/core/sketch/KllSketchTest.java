package dev.freshet.core.sketch;

import dev.freshet.core.codec.ByteWriter;
import dev.freshet.core.error.CorruptDataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class KllSketchTest {

    private static final int GRID = 1000;

    enum Data {
        UNIFORM, SORTED, REVERSE_SORTED, HEAVY_DUPLICATES, LOGNORMAL;

        double[] generate(int n, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                values[i] = switch (this) {
                    case UNIFORM, SORTED, REVERSE_SORTED -> random.nextDouble(-1e3, 1e3);
                    case HEAVY_DUPLICATES -> random.nextInt(20); // 5% of the mass on each value
                    case LOGNORMAL -> Math.exp(2 * random.nextGaussian());
                };
            }
            if (this == SORTED || this == REVERSE_SORTED) {
                Arrays.sort(values);
            }
            if (this == REVERSE_SORTED) {
                for (int i = 0, j = n - 1; i < j; i++, j--) {
                    double t = values[i];
                    values[i] = values[j];
                    values[j] = t;
                }
            }
            return values;
        }
    }

    static Stream<Arguments> streams() {
        return Stream.of(Data.values()).flatMap(d -> Stream.of(
                Arguments.of(d, 100_000, 1L), Arguments.of(d, 100_000, 2L), Arguments.of(d, 100_000, 3L),
                Arguments.of(d, 1_000_000, 4L), Arguments.of(d, 1_000_000, 5L)));
    }

    @ParameterizedTest(name = "{0} n={1} seed={2}")
    @MethodSource("streams")
    void rankErrorStaysWithinTheBound(Data data, int n, long seed) {
        double[] values = data.generate(n, seed);
        KllSketch sketch = sketchOf(KllSketch.DEFAULT_K, values);
        double[] sorted = values.clone();
        Arrays.sort(sorted);

        assertThat(sketch.count()).isEqualTo(n);
        assertThat(sketch.min()).isEqualTo(sorted[0]);
        assertThat(sketch.max()).isEqualTo(sorted[n - 1]);
        assertThat(maxQuantileError(sketch, sorted)).isLessThanOrEqualTo(sketch.normalizedRankError());
        assertThat(maxRankError(sketch, sorted)).isLessThanOrEqualTo(sketch.normalizedRankError());
        // O(k log(n/k)): about 3k items however long the stream
        assertThat(sketch.retained()).isLessThanOrEqualTo(KllSketch.totalCapacity(sketch.k(), sketch.numLevels())).isLessThan(700);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 17, 100, 199, 200})
    void exactWhileNothingIsCompacted(int n) {
        double[] values = new double[n];
        SplittableRandom random = new SplittableRandom(n);
        for (int i = 0; i < n; i++) {
            values[i] = random.nextInt(50) / 4.0; // ties included
        }
        KllSketch sketch = sketchOf(200, values);
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        for (int i = 0; i <= GRID; i++) {
            double q = (double) i / GRID;
            double exact = sorted[Math.max(0, (int) Math.ceil(q * n) - 1)];
            assertThat(sketch.quantile(q)).as("quantile(%s)", q).isEqualTo(exact);
        }
        for (double v : sorted) {
            assertThat(sketch.rank(v)).isEqualTo((double) upperBound(sorted, v) / n);
        }
        assertThat(sketch.rank(sorted[0] - 1)).isZero();
        assertThat(sketch.retained()).isEqualTo(n);
    }

    @Test
    void manySmallSketchesMergeWithinTheBound() {
        for (long seed = 1; seed <= 2; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            KllSketch day = new KllSketch();
            double[] all = new double[1440 * 100];
            for (int minute = 0; minute < 1440; minute++) {
                KllSketch tile = new KllSketch();
                for (int i = 0; i < 100; i++) {
                    double v = Math.exp(random.nextGaussian()) + minute / 100.0; // drifts through the day
                    tile.update(v);
                    all[minute * 100 + i] = v;
                }
                day.merge(tile);
            }
            Arrays.sort(all);
            assertThat(day.count()).isEqualTo(all.length);
            assertThat(day.min()).isEqualTo(all[0]);
            assertThat(day.max()).isEqualTo(all[all.length - 1]);
            assertThat(maxQuantileError(day, all)).isLessThanOrEqualTo(day.normalizedRankError());
            assertThat(maxRankError(day, all)).isLessThanOrEqualTo(day.normalizedRankError());
        }
    }

    @Test
    void mergingLargeSketchesInATreeStaysWithinTheBound() {
        double[] values = Data.LOGNORMAL.generate(400_000, 9);
        KllSketch[] parts = new KllSketch[16];
        for (int p = 0; p < parts.length; p++) {
            parts[p] = sketchOf(200, Arrays.copyOfRange(values, p * 25_000, (p + 1) * 25_000));
        }
        for (int width = 1; width < parts.length; width *= 2) {
            for (int p = 0; p + width < parts.length; p += 2 * width) {
                parts[p].merge(parts[p + width]);
            }
        }
        Arrays.sort(values);
        assertThat(parts[0].count()).isEqualTo(values.length);
        assertThat(maxQuantileError(parts[0], values)).isLessThanOrEqualTo(parts[0].normalizedRankError());
        assertThat(maxRankError(parts[0], values)).isLessThanOrEqualTo(parts[0].normalizedRankError());
    }

    @Test
    void mergeWithEmptySketches() {
        KllSketch empty = new KllSketch();
        empty.merge(new KllSketch());
        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.toBytes()).isEqualTo(new KllSketch().toBytes());

        KllSketch data = sketchOf(200, Data.UNIFORM.generate(5_000, 1));
        byte[] before = data.toBytes();
        data.merge(new KllSketch());
        assertThat(data.toBytes()).isEqualTo(before);

        KllSketch into = new KllSketch();
        into.merge(data);
        assertThat(into.count()).isEqualTo(5_000);
        assertThat(into.min()).isEqualTo(data.min());
        assertThat(into.max()).isEqualTo(data.max());
        for (int i = 0; i <= GRID; i++) {
            assertThat(into.quantile((double) i / GRID)).isEqualTo(data.quantile((double) i / GRID));
        }
    }

    @Test
    void mergeLeavesOtherUnchangedAndSharesNothing() {
        KllSketch into = sketchOf(200, Data.UNIFORM.generate(3_000, 1));
        KllSketch other = sketchOf(200, Data.LOGNORMAL.generate(7_000, 2));
        byte[] otherBefore = other.toBytes();
        into.merge(other);
        assertThat(other.toBytes()).isEqualTo(otherBefore);
        for (double v : Data.UNIFORM.generate(50_000, 3)) {
            into.update(v); // compacts the merged levels in place
        }
        assertThat(other.toBytes()).isEqualTo(otherBefore);
        assertThat(into.count()).isEqualTo(60_000);
    }

    @Test
    void mergeOfSmallSketchesIsExact() {
        double[] a = Data.UNIFORM.generate(80, 1);
        double[] b = Data.HEAVY_DUPLICATES.generate(120, 2);
        KllSketch merged = sketchOf(200, a);
        merged.merge(sketchOf(200, b));
        double[] both = new double[200];
        System.arraycopy(a, 0, both, 0, 80);
        System.arraycopy(b, 0, both, 80, 120);
        Arrays.sort(both);
        for (int i = 0; i <= GRID; i++) {
            double q = (double) i / GRID;
            assertThat(merged.quantile(q)).isEqualTo(both[Math.max(0, (int) Math.ceil(q * 200) - 1)]);
        }
    }

    @Test
    void mergeIntoItselfDoublesEveryWeight() {
        KllSketch sketch = sketchOf(200, Data.UNIFORM.generate(10_000, 4));
        double median = sketch.quantile(0.5);
        sketch.merge(sketch);
        assertThat(sketch.count()).isEqualTo(20_000);
        assertThat(sketch.quantile(0.5)).isCloseTo(median, within(2000 * sketch.normalizedRankError()));
    }

    @Test
    void mergeRejectsADifferentK() {
        assertThatThrownBy(() -> new KllSketch(200).merge(new KllSketch(100)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k=100").hasMessageContaining("k=200");
    }

    @Test
    void sameOperationsGiveByteIdenticalSketches() {
        assertThat(replay(false, false)).isEqualTo(replay(false, false));
        // Queries, copies and a trip through bytes in between change nothing: the offline path
        // rebuilding a tile from its archive continues exactly like the online one.
        assertThat(replay(true, true)).isEqualTo(replay(false, false));
    }

    /** Updates, merges of tiles and more updates; optionally queried and serialized halfway. */
    private static byte[] replay(boolean query, boolean roundTrip) {
        SplittableRandom random = new SplittableRandom(42);
        KllSketch sketch = new KllSketch(64);
        for (int step = 0; step < 40; step++) {
            KllSketch tile = new KllSketch(64);
            int size = random.nextInt(5_000);
            for (int i = 0; i < size; i++) {
                tile.update(random.nextDouble());
            }
            sketch.merge(tile);
            for (int i = 0; i < 1_000; i++) {
                sketch.update(random.nextGaussian());
            }
            if (query) {
                sketch.quantile(0.3);
                sketch.rank(0.1);
            }
            if (roundTrip) {
                sketch = KllSketch.fromBytes(sketch.copy().toBytes());
            }
        }
        return sketch.toBytes();
    }

    @Test
    void copyIsIndependentAndBehavesTheSame() {
        KllSketch original = sketchOf(200, Data.UNIFORM.generate(10_000, 7));
        KllSketch copy = original.copy();
        byte[] before = original.toBytes();
        for (double v : Data.LOGNORMAL.generate(10_000, 8)) {
            copy.update(v);
        }
        assertThat(original.toBytes()).isEqualTo(before);
        for (double v : Data.LOGNORMAL.generate(10_000, 8)) {
            original.update(v);
        }
        assertThat(original.toBytes()).isEqualTo(copy.toBytes());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 150, 1_000_000})
    void roundTripIsByteIdentical(int n) {
        KllSketch sketch = sketchOf(200, Data.LOGNORMAL.generate(n, 11));
        byte[] bytes = sketch.toBytes();
        assertThat(bytes[0]).isEqualTo((byte) 1);
        KllSketch decoded = KllSketch.fromBytes(bytes);
        assertThat(decoded.toBytes()).isEqualTo(bytes);
        assertThat(decoded.k()).isEqualTo(200);
        assertThat(decoded.count()).isEqualTo(n);
        assertThat(decoded.min()).isEqualTo(Double.valueOf(sketch.min())); // NaN when empty
        assertThat(decoded.max()).isEqualTo(Double.valueOf(sketch.max()));
        for (int i = 0; i <= GRID; i++) {
            double q = (double) i / GRID;
            assertThat(decoded.quantile(q)).isEqualTo(Double.valueOf(sketch.quantile(q)));
        }
        if (n == 1_000_000) {
            assertThat(bytes.length).isLessThan(6_000);
        }
    }

    @Test
    void everyTruncationIsCorrupt() {
        for (int n : new int[] {0, 30, 1_000}) {
            byte[] bytes = sketchOf(8, Data.UNIFORM.generate(n, 3)).toBytes();
            for (int length = 0; length < bytes.length; length++) {
                byte[] prefix = Arrays.copyOf(bytes, length);
                assertThatThrownBy(() -> KllSketch.fromBytes(prefix)).as("prefix of %s bytes", length)
                        .isInstanceOf(CorruptDataException.class);
            }
            byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
            assertThatThrownBy(() -> KllSketch.fromBytes(longer)).isInstanceOf(CorruptDataException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 255})
    void unknownVersionIsCorrupt(int version) {
        byte[] bytes = sketchOf(200, Data.UNIFORM.generate(10, 1)).toBytes();
        bytes[0] = (byte) version;
        assertThatThrownBy(() -> KllSketch.fromBytes(bytes))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("version " + version);
    }

    @Test
    void garbageIsCorrupt() {
        SplittableRandom random = new SplittableRandom(5);
        for (int trial = 0; trial < 2_000; trial++) {
            byte[] garbage = new byte[random.nextInt(1, 200)];
            random.nextBytes(garbage);
            garbage[0] = 1; // get past the version check
            assertThatThrownBy(() -> KllSketch.fromBytes(garbage)).isInstanceOf(CorruptDataException.class);
        }
    }

    @Test
    void inconsistentContentIsCorrupt() {
        // version 1, k=8, n=3, min 1, max 3, counter 0, 1 level of 3 items
        byte[] good = encode(3, 1, 3, 3, 1, 2, 3);
        assertThat(KllSketch.fromBytes(good).quantile(0.5)).isEqualTo(2.0);
        assertThatThrownBy(() -> KllSketch.fromBytes(encode(4, 1, 3, 3, 1, 2, 3)))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("count is 4");
        assertThatThrownBy(() -> KllSketch.fromBytes(encode(3, 2, 3, 3, 1, 2, 3)))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("outside [min, max]");
        assertThatThrownBy(() -> KllSketch.fromBytes(encode(3, 3, 1, 3, 1, 2, 3)))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("min 3.0 and max 1.0");
        assertThatThrownBy(() -> KllSketch.fromBytes(encode(4, 1, 3, 4, 1, 2, 3)))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("needs 32 bytes");
    }

    /** Hand-made version-1 bytes with k=8, counter 0 and one level. */
    private static byte[] encode(int n, double min, double max, int levelSize, double... values) {
        ByteWriter w = new ByteWriter();
        w.writeByte(1).writeVarLong(8).writeVarLong(n).writeDouble(min).writeDouble(max).writeVarLong(0).writeVarLong(1).writeVarLong(levelSize);
        for (double v : values) {
            w.writeDouble(v);
        }
        return w.toByteArray();
    }

    @Test
    void levelsAboveZeroMustBeSorted() {
        KllSketch sketch = sketchOf(8, Data.UNIFORM.generate(100, 6));
        byte[] bytes = sketch.toBytes();
        // the last two items belong to the top level; swapping them breaks its order
        byte[] swapped = bytes.clone();
        System.arraycopy(bytes, bytes.length - 16, swapped, bytes.length - 8, 8);
        System.arraycopy(bytes, bytes.length - 8, swapped, bytes.length - 16, 8);
        assertThatThrownBy(() -> KllSketch.fromBytes(swapped))
                .isInstanceOf(CorruptDataException.class).hasMessageContaining("out of order");
    }

    @Test
    void countMinMaxAreExactAndNanIsIgnored() {
        KllSketch sketch = new KllSketch(8);
        assertThat(sketch.isEmpty()).isTrue();
        assertThat(sketch.count()).isZero();
        assertThat(sketch.min()).isNaN();
        assertThat(sketch.max()).isNaN();
        assertThat(sketch.quantile(0.5)).isNaN();
        assertThat(sketch.rank(1)).isNaN();
        sketch.update(Double.NaN);
        assertThat(sketch.isEmpty()).isTrue();
        assertThat(sketch.toBytes()).isEqualTo(new KllSketch(8).toBytes());

        SplittableRandom random = new SplittableRandom(1);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < 100_000; i++) {
            double v = random.nextGaussian() * 1e6;
            sketch.update(v);
            sketch.update(Double.NaN);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(sketch.isEmpty()).isFalse();
        assertThat(sketch.count()).isEqualTo(100_000);
        assertThat(sketch.min()).isEqualTo(min);
        assertThat(sketch.max()).isEqualTo(max);
        assertThat(sketch.quantile(0)).isEqualTo(min);
        assertThat(sketch.quantile(1)).isEqualTo(max);
        assertThat(sketch.rank(max)).isEqualTo(1.0);
        assertThat(sketch.rank(min - 1)).isZero();
        assertThat(sketch.rank(Double.NaN)).isNaN();
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> new KllSketch(7)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7");
        assertThatThrownBy(() -> new KllSketch(65_536)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65536");
        assertThat(new KllSketch(8).k()).isEqualTo(8);
        assertThat(new KllSketch(65_535).k()).isEqualTo(65_535);
        assertThat(new KllSketch().k()).isEqualTo(KllSketch.DEFAULT_K);
        KllSketch sketch = sketchOf(200, Data.UNIFORM.generate(10, 1));
        for (double bad : new double[] {-0.01, 1.01, Double.NaN}) {
            assertThatThrownBy(() -> sketch.quantile(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(bad));
        }
        assertThat(new KllSketch().normalizedRankError()).isCloseTo(0.0133, within(0.0001));
    }

    private static KllSketch sketchOf(int k, double[] values) {
        KllSketch sketch = new KllSketch(k);
        for (double v : values) {
            sketch.update(v);
        }
        return sketch;
    }

    /**
     * Largest distance over a grid of ranks q between q and the exact rank interval of the
     * returned value (from the fraction below it to the fraction at or below it); zero when the
     * value is a correct exact quantile, as it must be for ties.
     */
    static double maxQuantileError(KllSketch sketch, double[] sorted) {
        double worst = 0;
        for (int i = 0; i <= GRID; i++) {
            double q = (double) i / GRID;
            double v = sketch.quantile(q);
            double below = (double) lowerBound(sorted, v) / sorted.length;
            double atOrBelow = (double) upperBound(sorted, v) / sorted.length;
            worst = Math.max(worst, Math.max(q - atOrBelow, below - q));
        }
        return worst;
    }

    /** Largest |rank(x) - exact rank(x)| over the exact quantiles x of a grid of ranks. */
    static double maxRankError(KllSketch sketch, double[] sorted) {
        double worst = 0;
        for (int i = 0; i <= GRID; i++) {
            double x = sorted[Math.min(sorted.length - 1, (int) ((long) i * sorted.length / GRID))];
            worst = Math.max(worst, Math.abs(sketch.rank(x) - (double) upperBound(sorted, x) / sorted.length));
        }
        return worst;
    }

    private static int lowerBound(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int upperBound(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
