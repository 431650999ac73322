package dev.freshet.learners;

import dev.freshet.core.error.InvalidInputException;

import java.util.Arrays;

/**
 * The inputs of one example, one per slot of its {@link ExampleLayout}: a number, a category (a
 * string) or missing. Reusable: {@link #clear()} and set again, so a hot loop allocates nothing.
 * Not thread-safe.
 *
 * <p>Numbers must be finite: NaN and infinities are rejected with {@link InvalidInputException}
 * naming the input. Booleans are the numbers 1 and 0.
 */
public final class Example {

    private final ExampleLayout layout;
    private final double[] numbers;
    private final String[] categories;
    private final boolean[] present;

    Example(ExampleLayout layout) {
        this.layout = layout;
        int n = layout.size();
        this.numbers = new double[n];
        this.categories = new String[n];
        this.present = new boolean[n];
    }

    public ExampleLayout layout() {
        return layout;
    }

    /** Makes every input missing. */
    public Example clear() {
        Arrays.fill(present, false);
        Arrays.fill(categories, null);
        return this;
    }

    /**
     * Sets a numeric input.
     *
     * @throws InvalidInputException when the value is NaN or infinite
     */
    public Example setNumber(int slot, double value) {
        if (!Double.isFinite(value)) {
            throw new InvalidInputException("input " + layout.slots().get(slot).name() + " is " + value
                    + ", but numbers must be finite (no NaN or infinity)");
        }
        numbers[slot] = value;
        categories[slot] = null;
        present[slot] = true;
        return this;
    }

    /** Sets a categorical input; null makes it missing. */
    public Example setCategory(int slot, String value) {
        categories[slot] = value;
        present[slot] = value != null;
        return this;
    }

    /** Makes one input missing. */
    public Example setMissing(int slot) {
        categories[slot] = null;
        present[slot] = false;
        return this;
    }

    /**
     * Sets an input from a value as served or sent: a {@link Number}, a {@link Boolean} (1 or 0),
     * a {@link String} (a category) or null (missing).
     *
     * @throws InvalidInputException for a non-finite number or another type
     */
    public Example set(int slot, Object value) {
        switch (value) {
            case null -> setMissing(slot);
            case Number n -> setNumber(slot, n.doubleValue());
            case Boolean b -> setNumber(slot, b ? 1 : 0);
            case String s -> setCategory(slot, s);
            default -> throw new InvalidInputException("input " + layout.slots().get(slot).name() + " is a "
                    + value.getClass().getSimpleName() + ", but inputs are numbers, booleans, strings or null");
        }
        return this;
    }

    public boolean isPresent(int slot) {
        return present[slot];
    }

    /** Whether the input is a category (and present). */
    public boolean isCategory(int slot) {
        return categories[slot] != null;
    }

    /** The numeric value; meaningful when present and not a category. */
    public double number(int slot) {
        return numbers[slot];
    }

    /** The category, or null when the input is numeric or missing. */
    public String category(int slot) {
        return categories[slot];
    }

    /** The input as a boxed value: Double, String or null (for logs and JSON, not hot paths). */
    public Object value(int slot) {
        if (!present[slot]) {
            return null;
        }
        return categories[slot] != null ? categories[slot] : (Object) numbers[slot];
    }

    /** Copies another example of the same layout into this one. */
    public Example copyFrom(Example other) {
        if (!other.layout.equals(layout)) {
            throw new IllegalArgumentException("cannot copy an example of " + other.layout + " into one of " + layout);
        }
        System.arraycopy(other.numbers, 0, numbers, 0, numbers.length);
        System.arraycopy(other.categories, 0, categories, 0, categories.length);
        System.arraycopy(other.present, 0, present, 0, present.length);
        return this;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Example{");
        for (int i = 0; i < numbers.length; i++) {
            b.append(i == 0 ? "" : ", ").append(layout.slots().get(i).name()).append('=').append(value(i));
        }
        return b.append('}').toString();
    }
}
