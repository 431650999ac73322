package dev.freshet.learners.ftrl;

import com.dynatrace.hash4j.hashing.Hasher32;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.freshet.core.definition.LearnerOptions;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;

/**
 * Turns an example into sparse coordinates (index, value) of a hashed weight vector of
 * {@code 2^hashBits} entries, into reused arrays: a numeric input is one coordinate named by its slot
 * (value = the number, or its log-scaled form with {@code numbers: log}), a category one coordinate
 * named by its slot and the category (value 1), a missing input nothing; an interaction of two present
 * inputs is one coordinate from both inputs' hashes (value = the product); and the bias is always one
 * coordinate (value 1).
 *
 * <p>The hashes depend only on slot names and categories (murmur3 with fixed seeds), never on slot
 * positions or the JVM, so a snapshot means the same after a restart. Collisions are not resolved:
 * two inputs that hash to one index share its weight, as in any hashed model.
 *
 * <p>Allocates nothing per example. Not thread-safe: {@link #indices} and {@link #values} are
 * overwritten by each {@link #encode}.
 */
final class ExampleHasher {

    // Fixed forever: changing a seed silently scrambles every stored model.
    private static final int NAME_SEED = 0x46525348;   // "FRSH"
    private static final int CROSS_SEED = 0x43524f53;  // "CROS"
    private static final String BIAS_NAME = "\u0000bias";

    private final int mask;
    private final LearnerOptions.Ftrl.Numbers numbers;
    private final int biasIndex;
    private final int[] numericHash;
    private final Hasher32[] categoryHasher;
    private final int[] crossFirst;
    private final int[] crossSecond;
    private final Hasher32 crossHasher = Hashing.murmur3_32(CROSS_SEED);

    private final int[] slotHash;
    private final double[] slotValue;
    private final boolean[] slotPresent;

    /** The coordinates of the last encoded example; the first {@code encode()} entries are meaningful. */
    final int[] indices;
    final double[] values;

    ExampleHasher(ExampleLayout layout, int hashBits) {
        this(layout, hashBits, LearnerOptions.Ftrl.Numbers.RAW);
    }

    ExampleHasher(ExampleLayout layout, int hashBits, LearnerOptions.Ftrl.Numbers numbers) {
        this.mask = (int) ((1L << hashBits) - 1);
        this.numbers = numbers;
        Hasher32 names = Hashing.murmur3_32(NAME_SEED);
        this.biasIndex = names.hashCharsToInt(BIAS_NAME) & mask;
        int slots = layout.size();
        this.numericHash = new int[slots];
        this.categoryHasher = new Hasher32[slots];
        for (int s = 0; s < slots; s++) {
            numericHash[s] = names.hashCharsToInt(layout.slots().get(s).name());
            // Seeding each slot's category hasher with its name hash keeps equal categories of two slots apart.
            categoryHasher[s] = Hashing.murmur3_32(numericHash[s]);
        }
        int crosses = layout.interactions().size();
        this.crossFirst = new int[crosses];
        this.crossSecond = new int[crosses];
        for (int i = 0; i < crosses; i++) {
            crossFirst[i] = layout.interactions().get(i).first();
            crossSecond[i] = layout.interactions().get(i).second();
        }
        this.slotHash = new int[slots];
        this.slotValue = new double[slots];
        this.slotPresent = new boolean[slots];
        this.indices = new int[slots + crosses + 1];
        this.values = new double[slots + crosses + 1];
    }

    /** Fills {@link #indices} and {@link #values} and returns how many coordinates the example has. */
    int encode(Example example) {
        int k = 0;
        indices[k] = biasIndex;
        values[k++] = 1.0;
        for (int s = 0; s < slotHash.length; s++) {
            if (!example.isPresent(s)) {
                slotPresent[s] = false;
                continue;
            }
            String category = example.category(s);
            int h;
            double x;
            if (category != null) {
                h = categoryHasher[s].hashCharsToInt(category);
                x = 1.0;
            } else {
                h = numericHash[s];
                x = numbers.apply(example.number(s));
            }
            slotPresent[s] = true;
            slotHash[s] = h;
            slotValue[s] = x;
            indices[k] = h & mask;
            values[k++] = x;
        }
        for (int i = 0; i < crossFirst.length; i++) {
            int a = crossFirst[i];
            int b = crossSecond[i];
            if (slotPresent[a] && slotPresent[b]) {
                indices[k] = crossHasher.hashIntIntToInt(slotHash[a], slotHash[b]) & mask;
                values[k++] = slotValue[a] * slotValue[b];
            }
        }
        return k;
    }

    /** The index of a numeric input's coordinate. */
    int numericIndex(int slot) {
        return numericHash[slot] & mask;
    }

    int biasIndex() {
        return biasIndex;
    }
}
