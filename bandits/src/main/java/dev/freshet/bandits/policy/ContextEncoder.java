package dev.freshet.bandits.policy;

import com.dynatrace.hash4j.hashing.Hasher32;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.freshet.learners.Example;
import dev.freshet.learners.ExampleLayout;

/**
 * Turns a context into a sparse vector x of {@code d = 1 + slots + hash_buckets} dimensions, into reused
 * arrays: dimension 0 is the bias (always 1); dimension {@code 1 + s} is slot s's number (absent when the
 * slot is missing or a category); and a category of slot s is a 1 in dimension
 * {@code 1 + slots + murmur3(category) mod hash_buckets}, the hash seeded by the slot's name so equal
 * categories of two slots usually part. The layout does not say which slots are numbers and which
 * categories, so every slot has a numeric dimension and all categories share the hashed buckets; this keeps
 * d small (a linear policy costs O(d²) per action and decision).
 *
 * <p>Colliding categories add up in one dimension. Hashes use fixed seeds and slot names, never positions
 * or the JVM, so a snapshot means the same after a restart. Allocates nothing per context; not
 * thread-safe.
 */
final class ContextEncoder {

    // Fixed forever: changing a seed silently scrambles every stored policy.
    private static final int NAME_SEED = 0x42414e44; // "BAND"

    private final int slots;
    private final int buckets;
    private final Hasher32[] categoryHasher;

    /** The non-zero coordinates of the last encoded context; the first {@code encode()} are meaningful. */
    final int[] indices;
    final double[] values;

    ContextEncoder(ExampleLayout layout, int buckets) {
        this.slots = layout.size();
        this.buckets = buckets;
        this.categoryHasher = new Hasher32[slots];
        Hasher32 names = Hashing.murmur3_32(NAME_SEED);
        for (int s = 0; s < slots; s++) {
            categoryHasher[s] = Hashing.murmur3_32(names.hashCharsToInt(layout.slots().get(s).name()));
        }
        this.indices = new int[slots + 1];
        this.values = new double[slots + 1];
    }

    /** The dimension d of the vectors. */
    int dimension() {
        return 1 + slots + buckets;
    }

    /** Fills {@link #indices} and {@link #values} and returns how many coordinates there are. */
    int encode(Example context) {
        int k = 0;
        indices[k] = 0;
        values[k++] = 1.0;
        for (int s = 0; s < slots; s++) {
            if (!context.isPresent(s)) {
                continue;
            }
            String category = context.category(s);
            if (category != null) {
                indices[k] = 1 + slots + Integer.remainderUnsigned(categoryHasher[s].hashCharsToInt(category), buckets);
                values[k++] = 1.0;
            } else {
                indices[k] = 1 + s;
                values[k++] = context.number(s);
            }
        }
        return k;
    }
}
