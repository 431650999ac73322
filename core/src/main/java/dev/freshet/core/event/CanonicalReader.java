package dev.freshet.core.event;

import dev.freshet.core.definition.Field;
import dev.freshet.core.definition.FieldType;

import java.nio.charset.StandardCharsets;

/**
 * Reads records laid out exactly as {@link EventJson#encode} writes them, without a JSON parser:
 * {@code {"a":1,"b":"x",...}}, every schema field once, in schema order, no whitespace. Canonical
 * events are always in this form, and so are raw records of producers that write compact JSON in
 * the schema's order (Freshet's {@code /push} among them). A record is decoded about twice per
 * event in the pipeline, so this is on its hot path.
 *
 * <p>It accepts a subset of what the parser accepts, and gives exactly the parser's values for
 * it: strings of printable ASCII without escapes, integers of up to 18 digits without a leading
 * zero or a minus zero, numbers whose digits fit in 2^53 with a power of ten of at most 22 (then
 * one correctly rounded multiplication or division gives the nearest double, as the parser does),
 * {@code true}, {@code false}, {@code null}. On anything else it answers false, having decided
 * nothing, and the record goes to the parser, which reads it or says what is wrong with it.
 * Stateless and thread-safe.
 */
final class CanonicalReader {

    /** The largest integer below which every integer is exactly a double. */
    private static final long EXACT_DOUBLE_LIMIT = 1L << 53;
    private static final double[] POWERS_OF_TEN = new double[23];
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10; // exact up to 10^22
        }
    }

    private final Field[] fields;
    /** Per field, {@code "name":} (after the first: {@code ,"name":}) as UTF-8. */
    private final byte[][] names;
    private final int timePosition;

    CanonicalReader(Field[] fields, byte[][] names, int timePosition) {
        this.fields = fields;
        this.names = names;
        this.timePosition = timePosition;
    }

    /**
     * Fills the arrays from a canonical record, as the parser would; every field is then present.
     *
     * @return false, with the arrays in an unspecified state, when the record is not in the form
     *         this reads: the parser must read it
     */
    boolean read(byte[] v, long[] primitives, String[] strings, boolean[] nulls) {
        int n = v.length;
        if (n < 2 || v[0] != '{') {
            return false;
        }
        int at = 1;
        for (int i = 0; i < fields.length; i++) {
            byte[] name = names[i];
            if (!matches(v, at, name)) {
                return false;
            }
            at += name.length;
            if (matches(v, at, NULL)) {
                nulls[i] = true;
                at += NULL.length;
                continue;
            }
            at = switch (fields[i].type()) {
                case STRING -> readString(v, at, i, strings);
                case LONG, TIMESTAMP -> readLong(v, at, i, primitives);
                case DOUBLE -> readDouble(v, at, i, primitives);
                case BOOLEAN -> readBoolean(v, at, i, primitives);
            };
            if (at < 0) {
                return false;
            }
        }
        return at == n - 1 && v[at] == '}';
    }

    private static boolean matches(byte[] v, int at, byte[] expected) {
        if (at + expected.length > v.length) {
            return false;
        }
        for (int j = 0; j < expected.length; j++) {
            if (v[at + j] != expected[j]) {
                return false;
            }
        }
        return true;
    }

    /** @return the position after the value, or -1 */
    private static int readString(byte[] v, int at, int i, String[] strings) {
        if (at >= v.length || v[at] != '"') {
            return -1;
        }
        int from = at + 1;
        for (int j = from; j < v.length; j++) {
            byte b = v[j];
            if (b == '"') {
                strings[i] = new String(v, from, j - from, StandardCharsets.ISO_8859_1);
                return j + 1;
            }
            if (b < 0x20 || b == '\\' || b == 0x7f) { // negative: a byte of a multi-byte UTF-8 sequence
                return -1;
            }
        }
        return -1;
    }

    /** @return the position after the value, or -1 */
    private int readLong(byte[] v, int at, int i, long[] primitives) {
        int j = at;
        boolean negative = j < v.length && v[j] == '-';
        if (negative) {
            j++;
        }
        int digitsFrom = j;
        long value = 0;
        while (j < v.length && v[j] >= '0' && v[j] <= '9') {
            value = value * 10 + (v[j] - '0');
            j++;
        }
        int digits = j - digitsFrom;
        if (digits == 0 || digits > 18 || (v[digitsFrom] == '0' && (digits > 1 || negative)) || (j < v.length && isNumberPart(v[j]))) {
            return -1;
        }
        value = negative ? -value : value;
        if ((i == timePosition || fields[i].type() == FieldType.TIMESTAMP) && !IsoTimestamp.inRange(value)) {
            return -1;
        }
        primitives[i] = value;
        return j;
    }

    /** @return the position after the value, or -1 */
    private static int readDouble(byte[] v, int at, int i, long[] primitives) {
        int j = at;
        boolean negative = j < v.length && v[j] == '-';
        if (negative) {
            j++;
        }
        long mantissa = 0;
        int digits = 0;
        int intFrom = j;
        while (j < v.length && v[j] >= '0' && v[j] <= '9') {
            mantissa = mantissa * 10 + (v[j] - '0');
            digits++;
            j++;
        }
        int intDigits = j - intFrom;
        if (intDigits == 0 || (v[intFrom] == '0' && intDigits > 1)) {
            return -1;
        }
        int exponent = 0;
        if (j < v.length && v[j] == '.') {
            j++;
            int fracFrom = j;
            while (j < v.length && v[j] >= '0' && v[j] <= '9') {
                mantissa = mantissa * 10 + (v[j] - '0');
                digits++;
                j++;
            }
            if (j == fracFrom) {
                return -1;
            }
            exponent = -(j - fracFrom);
        }
        if (j < v.length && (v[j] == 'e' || v[j] == 'E')) {
            j++;
            boolean negativeExponent = j < v.length && v[j] == '-';
            if (j < v.length && (v[j] == '-' || v[j] == '+')) {
                j++;
            }
            int expFrom = j;
            int e = 0;
            while (j < v.length && v[j] >= '0' && v[j] <= '9' && j - expFrom < 4) {
                e = e * 10 + (v[j] - '0');
                j++;
            }
            if (j == expFrom) {
                return -1;
            }
            exponent += negativeExponent ? -e : e;
        }
        if (digits > 18 || mantissa >= EXACT_DOUBLE_LIMIT || exponent < -22 || exponent > 22 || (j < v.length && isNumberPart(v[j]))) {
            return -1;
        }
        double d;
        if (j - at == intDigits + (negative ? 1 : 0)) {
            // an integer: the parser converts its long value, so that -0 is 0.0
            d = negative ? -mantissa : mantissa;
        } else {
            d = exponent < 0 ? mantissa / POWERS_OF_TEN[-exponent] : mantissa * POWERS_OF_TEN[exponent];
            d = negative ? -d : d;
        }
        primitives[i] = Double.doubleToRawLongBits(d);
        return j;
    }

    /** @return the position after the value, or -1 */
    private static int readBoolean(byte[] v, int at, int i, long[] primitives) {
        if (matches(v, at, TRUE)) {
            primitives[i] = 1;
            return at + TRUE.length;
        }
        if (matches(v, at, FALSE)) {
            primitives[i] = 0;
            return at + FALSE.length;
        }
        return -1;
    }

    /** A byte that would continue a number: one this reader stopped before is not its end. */
    private static boolean isNumberPart(byte b) {
        return (b >= '0' && b <= '9') || b == '.' || b == 'e' || b == 'E' || b == '+' || b == '-';
    }
}
