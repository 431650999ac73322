package dev.freshet.core.event;

/**
 * Read access to one event's time and typed field values by schema position: what the aggregation
 * library needs of an event, and no more. {@link Event} is one; so can a reader's reused, mutable
 * row be, which lets a batch path (the offline join) aggregate without building an immutable
 * {@link Event} per record.
 *
 * <p>The accessors follow {@link Event}'s contract: numbers, booleans and timestamps as raw 64 bits
 * ({@link #getBits}), strings by reference. A field that is null reads as 0 (or null for strings).
 * Subclasses other than {@link Event} need not be immutable or thread-safe: an aggregate reads the
 * fields only during the call it was given them in, and keeps no reference to the object.
 *
 * <p>An abstract class, not an interface, on purpose: the aggregates call these accessors a few times
 * per event, and where a process loads a single subclass (the streaming path has only {@link Event})
 * the JIT binds the calls directly. Through an interface each call kept a type check (a value of an
 * interface type is not verified), which cost about 7 % of {@code TileUpdateBenchmark} with every
 * function.
 */
public abstract class EventFields {

    /** For {@link Event} and the readers' rows. */
    protected EventFields() {
    }

    /** Event time, epoch milliseconds. */
    public abstract long timestamp();

    public abstract boolean isNull(int position);

    /**
     * The raw 64 bits of a non-string field: the value of a long or timestamp, the IEEE bits of a
     * double, 1 or 0 for a boolean.
     */
    public abstract long getBits(int position);

    /** A double field's value (0 when null), or a long/timestamp field's value converted to double. */
    public abstract double getDouble(int position);

    /** A long or timestamp field's value (0 when null). */
    public abstract long getLong(int position);

    /** A string field's value, or null. */
    public abstract String getString(int position);
}
